import { createHash } from 'node:crypto';
import { printable } from '../bot/printable.ts';
import type { FileRef } from '../flows/types.ts';
import { evidenceFileName } from './evidence-files.ts';
import { SealError } from './seal.ts';

/**
 * A case's evidence for staff in a browser: the list of files and links, one file's bytes
 * (checked against the report), and the rules for handing them to a browser safely. Nothing here
 * knows HTTP; src/web turns a serving rule into a response.
 */

/** One evidence file as staff see it in a list. */
export interface EvidenceItem {
  /** The Lotse-made name (`02-9f86d081884c.pdf`): the file's handle in URLs and downloads. */
  readonly name: string;
  /** The name the person sent, printable (controls and bidi characters shown as `\uXXXX`). */
  readonly sentName: string;
  /** The media type the report declares, printable. */
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  /** When Lotse received it (ISO time). */
  readonly receivedAt: string;
  /** Length of a voice message or recording, when known. */
  readonly seconds?: number;
}

/** The evidence files of a report, in the report's order, each under its Lotse-made name. */
export function listEvidence(files: readonly FileRef[]): EvidenceItem[] {
  return files.map((file, index) => ({
    name: evidenceFileName(index, file),
    sentName: printable(file.name),
    mediaType: printable(file.mime),
    size: file.size,
    sha256: file.sha256,
    receivedAt: file.receivedAt,
    ...(file.seconds === undefined ? {} : { seconds: file.seconds }),
  }));
}

/** One file's bytes for staff, or why there are none. */
export type EvidenceBytes =
  | { readonly ok: true; readonly item: EvidenceItem; readonly bytes: Buffer }
  /** No file of the case has this name. */
  | { readonly ok: false; readonly reason: 'unknown-file' }
  /** The report lists it, but its bytes are not in the store (expired, or removed by hand). */
  | { readonly ok: false; readonly reason: 'missing'; readonly item: EvidenceItem }
  /** The bytes do not match the report's SHA-256 or size, or their box does not open. */
  | { readonly ok: false; readonly reason: 'mismatch'; readonly item: EvidenceItem };

/**
 * Opens one evidence file by its Lotse-made name: the bytes only when their size and SHA-256 are
 * those the report recorded at receipt, so staff never see bytes other than those the person sent.
 */
export async function openEvidence(
  files: readonly FileRef[],
  name: string,
  read: (file: FileRef) => Promise<Buffer | null>,
): Promise<EvidenceBytes> {
  const items = listEvidence(files);
  const index = items.findIndex((item) => item.name === name);
  const file = files[index];
  const item = items[index];
  if (file === undefined || item === undefined) return { ok: false, reason: 'unknown-file' };
  let bytes: Buffer | null;
  try {
    bytes = await read(file);
  } catch (error) {
    if (error instanceof SealError) return { ok: false, reason: 'mismatch', item };
    throw error;
  }
  if (bytes === null) return { ok: false, reason: 'missing', item };
  const matches =
    bytes.byteLength === file.size &&
    createHash('sha256').update(bytes).digest('hex') === file.sha256;
  return matches ? { ok: true, item, bytes } : { ok: false, reason: 'mismatch', item };
}

/** How a browser may get a file. */
export type ServingKind =
  /** Shown in the page as an image (raster formats only). */
  | 'inline-image'
  /** Shown in a sandboxed frame or its own tab by the browser's PDF viewer. */
  | 'inline-pdf'
  /** Only downloaded, as opaque bytes. */
  | 'attachment';

/** What a response serving an evidence file must carry. */
export interface ServingRule {
  readonly kind: ServingKind;
  /** Every header the response needs, Content-Type and Content-Disposition included. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Raster images a browser renders without running anything (SVG can hold script: not here). */
const INLINE_IMAGES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/**
 * How a browser may get an evidence file of this media type: raster images inline, PDF inline
 * as application/pdf, everything else (SVG, HTML, XML, text, anything unknown) as a download of
 * opaque bytes. Every response is sandboxed and never sniffed, so a file that lies about its type
 * still cannot run in Lotse's origin. `name` must be the Lotse-made name (no quoting needed).
 */
export function servingRule(mediaType: string, name: string): ServingRule {
  const type = mediaType.trim().toLowerCase();
  const kind: ServingKind = INLINE_IMAGES.has(type)
    ? 'inline-image'
    : type === 'application/pdf'
      ? 'inline-pdf'
      : 'attachment';
  const safeName = /^[A-Za-z0-9._-]{1,100}$/.test(name) ? name : 'evidence.bin';
  return {
    kind,
    headers: {
      'Content-Type': kind === 'attachment' ? 'application/octet-stream' : type,
      'Content-Disposition': `${kind === 'attachment' ? 'attachment' : 'inline'}; filename="${safeName}"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
  };
}

/** A link from a report, for a warning before staff open it. */
export type LinkView =
  /** A web address: shown as text with its host; opened only after the warning. */
  | { readonly kind: 'web'; readonly text: string; readonly host: string; readonly href: string }
  /** Anything else (another scheme, no address at all): text only, never a link. */
  | { readonly kind: 'text'; readonly text: string };

/**
 * A report's link as staff may see it: always as printable text; for http and https addresses also
 * the host (in ASCII, so a look-alike name shows as `xn--…`) and an address without user name or
 * password. Other schemes (javascript:, data:, file: …) never become a link.
 */
export function linkView(link: string): LinkView {
  const text = printable(link);
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    // Not an address at all: text only.
    return { kind: 'text', text };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return { kind: 'text', text };
  url.username = '';
  url.password = '';
  return { kind: 'web', text, host: url.hostname, href: url.href };
}
