import { createHash } from 'node:crypto';
import { EVIDENCE_TYPES } from '../bot/files.ts';
import { printable } from '../bot/printable.ts';
import type { FileRef } from '../flows/types.ts';
import type { FolderWriter } from './folder-writer.ts';
import { SealError } from './seal.ts';

/**
 * The name a saved evidence file gets: its number, the first 12 hex digits of its SHA-256 and the
 * extension of its (allow-listed) media type, e.g. `02-9f86d081884c.pdf`. Nothing the person sent
 * becomes part of a path; their file name stays text in the case document.
 */
export function evidenceFileName(index: number, file: Pick<FileRef, 'sha256' | 'mime'>): string {
  const hash = /^[0-9a-f]{64}$/.test(file.sha256) ? file.sha256.slice(0, 12) : 'unknown';
  // A Map: a declared type like `constructor` finds nothing (an object's keys would find a function).
  const ext = EVIDENCE_TYPES.get(file.mime) ?? 'bin';
  return `${String(index + 1).padStart(2, '0')}-${hash}.${ext}`;
}

/** One evidence file as the report describes it, with the name its saved copy gets. */
export interface EvidenceEntry {
  /** The Lotse-made file name. */
  readonly saved: string;
  /** The name the person sent, printable. */
  readonly sent: string;
}

/** What saving a case's evidence files came to: all saved (some may be missing), or none. */
export type SaveOutcome =
  /** Every file found was saved; `missing` ones were not in Redis. */
  | {
      readonly ok: true;
      readonly saved: readonly EvidenceEntry[];
      readonly missing: readonly EvidenceEntry[];
    }
  /** A file's bytes differ from the report's SHA-256 or size, or its box does not open: nothing saved. */
  | { readonly ok: false; readonly file: EvidenceEntry };

/**
 * Saves a case's evidence files into a folder, all or none. Each file's SHA-256 and size are
 * checked against the report before anything is written; a mismatch (or a box that does not open)
 * refuses the whole save and names the file.
 */
export async function saveEvidence(
  files: readonly FileRef[],
  folder: FolderWriter,
  read: (file: FileRef) => Promise<Buffer | null>,
): Promise<SaveOutcome> {
  const saved: EvidenceEntry[] = [];
  const missing: EvidenceEntry[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const entry = { saved: evidenceFileName(index, file), sent: printable(file.name) };
      folder.pathOf(entry.saved);
      const bytes = await read(file).catch((error: unknown) => {
        if (error instanceof SealError) return 'unopenable' as const;
        throw error;
      });
      if (bytes === null) {
        missing.push(entry);
        continue;
      }
      if (
        bytes === 'unopenable' ||
        bytes.byteLength !== file.size ||
        createHash('sha256').update(bytes).digest('hex') !== file.sha256
      ) {
        folder.discard();
        return { ok: false, file: entry };
      }
      folder.stage(entry.saved, bytes);
      saved.push(entry);
    }
  } catch (error) {
    folder.discard();
    throw error;
  }
  folder.commit();
  return { ok: true, saved, missing };
}
