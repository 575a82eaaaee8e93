import { FileRejected, type FileIntake, type IncomingFile } from '../../bot/files.ts';
import type { InboundInput } from '../../bot/types.ts';

export type { FileIntake };

/** Turns a protocol file object into files input: checked, hashed and stored, or refused with a reason. */
export async function fileInput(
  intake: FileIntake,
  owner: string,
  file: IncomingFile,
): Promise<InboundInput> {
  try {
    const ref = await intake.receive(owner, file);
    return { kind: 'files', files: [ref] };
  } catch (error) {
    if (error instanceof FileRejected)
      return { kind: 'files', files: [], rejected: [error.reason] };
    throw error;
  }
}
