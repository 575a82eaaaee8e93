import type { FileSender } from '../../bot/file-gate.ts';
import {
  checkFile,
  cleanFileName,
  FileRejected,
  mediaType,
  type FileIntake,
  type IncomingFile,
} from '../../bot/files.ts';
import { conversationKey, type InboundInput } from '../../bot/types.ts';
import type { EventSink } from '../channel.ts';

export type { FileIntake };

/** Input for the engine, and what to call once it has been handed on. */
export interface PreparedInput {
  readonly input: InboundInput;
  readonly release?: () => Promise<void>;
}

/**
 * Turns a console file into files input: the declared name (a path, for `/file PATH`) and type
 * cleaned first, as every channel does where a file enters; checked (type, size); admitted by the
 * engine (rate limit, step, budget, memory, as on every channel); then hashed and stored (sealed)
 * under the console user's conversation, or refused with a reason. Undefined when the engine
 * refused it (and said why).
 */
export async function fileInput(
  intake: FileIntake,
  sink: EventSink,
  sender: FileSender,
  file: IncomingFile,
): Promise<PreparedInput | undefined> {
  const clean: IncomingFile = {
    name: cleanFileName(file.name),
    mime: mediaType(file.mime),
    bytes: file.bytes,
  };
  // What is wrong with the file itself is explained like any bad answer, before admission.
  try {
    checkFile(clean);
  } catch (error) {
    if (error instanceof FileRejected)
      return { input: { kind: 'files', files: [], rejected: [error.reason] } };
    throw error;
  }
  const admission = await sink.admitFile(sender, {
    size: clean.bytes.byteLength,
    mime: clean.mime,
  });
  if (admission.kind === 'refused') return undefined;
  const { release } = admission;
  try {
    const ref = await intake.receive(conversationKey(sender), clean);
    await admission.stored(ref.size);
    return { input: { kind: 'files', files: [ref] }, release };
  } catch (error) {
    await release();
    if (error instanceof FileRejected)
      return { input: { kind: 'files', files: [], rejected: [error.reason] } };
    throw error;
  }
}

/** Hands prepared input to the engine and releases what it held. */
export async function handOn(
  sink: EventSink,
  prepared: PreparedInput | undefined,
  event: (input: InboundInput) => Parameters<EventSink['handle']>[0],
): Promise<void> {
  if (prepared === undefined) return;
  try {
    await sink.handle(event(prepared.input));
  } finally {
    await prepared.release?.();
  }
}
