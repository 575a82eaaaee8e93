import { GrammyError, type Api } from 'grammy';
import { ALLOWED_MIME, MAX_FILE_BYTES, type IncomingFile } from '../../bot/files.ts';
import type { FileRejection } from '../../flows/types.ts';
import type { Attachment } from './attachments.ts';

export type Downloaded =
  | { readonly ok: true; readonly file: IncomingFile }
  | { readonly ok: false; readonly reason: FileRejection };

/** The download failed for a reason that is not the file's (network, Telegram). */
export class DownloadFailed extends Error {
  override readonly name = 'DownloadFailed';
}

export interface DownloadOptions {
  readonly api: Api;
  /** Where a file_path from getFile is fetched: `<root>/file/bot<token>/<path>`. */
  readonly fileRoot: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/** Why an attachment is refused from its description alone (Telegram serves bots up to 20 MB). */
export function declaredProblem(attachment: Attachment): FileRejection | undefined {
  if ((attachment.size ?? 0) > MAX_FILE_BYTES) return 'tooLarge';
  if (!ALLOWED_MIME.has(attachment.mime)) return 'type';
  return undefined;
}

/**
 * Fetches an attachment's bytes, at most `maxBytes` (what the engine admitted; at most 20 MB).
 * Size and type are checked before anything is downloaded; the download itself stops at the
 * limit. Throws DownloadFailed.
 */
export async function download(
  options: DownloadOptions,
  attachment: Attachment,
  maxBytes: number = MAX_FILE_BYTES,
): Promise<Downloaded> {
  const limit = Math.min(maxBytes, MAX_FILE_BYTES);
  const problem = declaredProblem(attachment);
  if (problem !== undefined) return { ok: false, reason: problem };
  if ((attachment.size ?? 0) > limit) return { ok: false, reason: 'tooLarge' };
  let path: string | undefined;
  try {
    const file = await options.api.getFile(attachment.fileId);
    if ((file.file_size ?? 0) > limit) return { ok: false, reason: 'tooLarge' };
    path = file.file_path;
  } catch (error) {
    if (error instanceof GrammyError && /too big/i.test(error.description))
      return { ok: false, reason: 'tooLarge' };
    throw new DownloadFailed('getFile failed', { cause: error });
  }
  if (path === undefined) throw new DownloadFailed('getFile gave no file_path');
  const url = `${options.fileRoot}/file/bot${options.token}/${path}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (error) {
    throw new DownloadFailed('file download failed', { cause: error });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new DownloadFailed(`file download answered ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      // Leaving the loop cancels the rest of the download.
      if (total > limit) return { ok: false, reason: 'tooLarge' };
      chunks.push(chunk);
    }
  } catch (error) {
    throw new DownloadFailed('file download broke off', { cause: error });
  }
  return {
    ok: true,
    file: {
      name: attachment.name,
      mime: attachment.mime,
      bytes: Buffer.concat(chunks),
      ...(attachment.seconds === undefined ? {} : { seconds: attachment.seconds }),
    },
  };
}
