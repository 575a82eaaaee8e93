import {
  cleanFileName,
  FileRejected,
  mediaType,
  type FileIntake,
  type IncomingFile,
} from '../../bot/files.ts';
import { conversationKey, type InboundInput } from '../../bot/types.ts';

export type { FileIntake };

/**
 * Turns a console file into files input: checked, hashed and stored (sealed) under the console
 * user's conversation, or refused with a reason. The declared name (a path, for `/file PATH`) and
 * type are cleaned first, as every channel does where a file enters.
 */
export async function fileInput(
  intake: FileIntake,
  user: string,
  file: IncomingFile,
): Promise<InboundInput> {
  try {
    const ref = await intake.receive(conversationKey({ platform: 'console', userId: user }), {
      name: cleanFileName(file.name),
      mime: mediaType(file.mime),
      bytes: file.bytes,
    });
    return { kind: 'files', files: [ref] };
  } catch (error) {
    if (error instanceof FileRejected)
      return { kind: 'files', files: [], rejected: [error.reason] };
    throw error;
  }
}
