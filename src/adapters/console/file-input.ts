import { FileRejected, type FileIntake, type IncomingFile } from '../../bot/files.ts';
import { conversationKey, type InboundInput } from '../../bot/types.ts';

export type { FileIntake };

/**
 * Turns a console file into files input: checked, hashed and stored (sealed) under the console
 * user's conversation, or refused with a reason.
 */
export async function fileInput(
  intake: FileIntake,
  user: string,
  file: IncomingFile,
): Promise<InboundInput> {
  try {
    const ref = await intake.receive(conversationKey({ platform: 'console', userId: user }), file);
    return { kind: 'files', files: [ref] };
  } catch (error) {
    if (error instanceof FileRejected)
      return { kind: 'files', files: [], rejected: [error.reason] };
    throw error;
  }
}
