/**
 * Evidence for staff in a browser: the list, one file's bytes (only when they match the report's
 * SHA-256 and size), the serving rule per media type, and links as text with their host – over the
 * real case store (Redis) with files sealed as the report worker stores them.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import type { FileRef } from '../../src/flows/types.ts';
import { fileContext } from '../../src/infra/redis/file-vault.ts';
import { linkView, servingRule } from '../../src/staff/evidence.ts';
import { referralPdf } from '../../src/staff/referral.ts';
import { evidenceFileName } from '../../src/staff/evidence-files.ts';
import { seal } from '../../src/staff/seal.ts';
import { useStaffApp } from '../support/staff-cases.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { until } from '../support/wait.ts';

const { keys, start } = useStaffApp('evidence');
const anna = { id: 'anna', name: 'anna' };

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const fileOf = (bytes: Buffer, name: string, mime: string, ref: string): FileRef => ({
  name,
  mime,
  size: bytes.byteLength,
  sha256: sha(bytes),
  receivedAt: '2026-11-22T10:05:00.000Z',
  ref,
});

/** A case with two files in the store and a third the report lists but the store lacks. */
async function caseWithFiles() {
  const app = await start();
  const caseRef = newCaseRef();
  const files = [
    // A bidi override in the sent name must not reorder what staff read.
    fileOf(PNG, 'foto\u202egnp.exe', 'image/png', 'f1'),
    fileOf(SVG, 'bild.svg', 'image/svg+xml', 'f2'),
    fileOf(Buffer.from('weg'), 'weg.pdf', 'application/pdf', 'f3'),
  ];
  const report = sampleReport(caseRef, {
    evidence: {
      files,
      links: [
        'https://user:pw@beispiel.de/post/1',
        'javascript:alert(1)',
        'https://xn--bcher-kva.de/',
      ],
    },
  });
  await app.reports.submit(
    reportJob(
      caseRef,
      { report, address: { platform: 'console', userId: 'p1', chatId: 'p1' } },
      keys.publicKey,
    ),
  );
  const a = app;
  await until(async () => (await a.cases.get(caseRef)) !== undefined);
  for (const [bytes, ref] of [
    [PNG, 'f1'],
    [SVG, 'f2'],
  ] as const)
    await a.cases.putFile(caseRef, ref, Buffer.from(seal(bytes, keys.publicKey, fileContext(ref))));
  return { a, caseRef, files };
}

describe('evidence for staff', () => {
  it('lists files under Lotse-made names with printable sent names, and links as text with host', async () => {
    const { a, caseRef, files } = await caseWithFiles();
    const listed = await a.desk.evidence(anna, caseRef);
    if (!listed.ok) throw new Error(listed.reason);
    expect(listed.value.files).toEqual([
      {
        name: evidenceFileName(0, files[0]!),
        sentName: 'foto\\u202egnp.exe',
        mediaType: 'image/png',
        size: PNG.byteLength,
        sha256: sha(PNG),
        receivedAt: '2026-11-22T10:05:00.000Z',
      },
      expect.objectContaining({ name: evidenceFileName(1, files[1]!), mediaType: 'image/svg+xml' }),
      expect.objectContaining({ name: evidenceFileName(2, files[2]!), sentName: 'weg.pdf' }),
    ]);
    expect(listed.value.links).toEqual([
      {
        kind: 'web',
        text: 'https://user:pw@beispiel.de/post/1',
        host: 'beispiel.de',
        href: 'https://beispiel.de/post/1',
      },
      { kind: 'text', text: 'javascript:alert(1)' },
      {
        kind: 'web',
        text: 'https://xn--bcher-kva.de/',
        host: 'xn--bcher-kva.de',
        href: 'https://xn--bcher-kva.de/',
      },
    ]);
    expect(await a.desk.evidence({ id: 'mallory', name: 'm' }, caseRef)).toEqual({
      ok: false,
      reason: 'not-staff',
    });
    expect(await a.desk.evidence(anna, newCaseRef())).toEqual({
      ok: false,
      reason: 'unknown-case',
    });
  });

  it('opens a file only when its bytes match the report, and notes who opened which', async () => {
    const { a, caseRef, files } = await caseWithFiles();
    const png = evidenceFileName(0, files[0]!);
    const opened = await a.desk.evidenceFile(anna, caseRef, png);
    expect(opened.ok && opened.value.ok && opened.value.bytes.equals(PNG)).toBe(true);

    const gone = evidenceFileName(2, files[2]!);
    const missing = await a.desk.evidenceFile(anna, caseRef, gone);
    expect(missing.ok && !missing.value.ok && missing.value.reason).toBe('missing');
    const unknown = await a.desk.evidenceFile(anna, caseRef, '../../etc/passwd');
    expect(unknown).toEqual({ ok: true, value: { ok: false, reason: 'unknown-file' } });

    // Bytes swapped in the store (a forged or damaged value) are never handed out.
    const svg = evidenceFileName(1, files[1]!);
    await a.cases.putFile(caseRef, 'f2', Buffer.from(seal(PNG, keys.publicKey, fileContext('f2'))));
    const swapped = await a.desk.evidenceFile(anna, caseRef, svg);
    expect(swapped.ok && !swapped.value.ok && swapped.value.reason).toBe('mismatch');
    // A box sealed for another file's context does not open here either.
    await a.cases.putFile(caseRef, 'f2', Buffer.from(seal(SVG, keys.publicKey, fileContext('f1'))));
    const moved = await a.desk.evidenceFile(anna, caseRef, svg);
    expect(moved.ok && !moved.value.ok && moved.value.reason).toBe('mismatch');

    const audit = (await a.cases.audit(caseRef)).filter((line) => line.action === 'file');
    expect(audit.map((line) => [line.actor, line.detail])).toEqual([
      ['anna', png],
      ['anna', gone],
      ['anna', svg],
      ['anna', svg],
    ]);
    expect(await a.desk.evidenceFile({ id: 'mallory', name: 'm' }, caseRef, png)).toEqual({
      ok: false,
      reason: 'not-staff',
    });
  });

  it('hands staff the report for a referral PDF, with the file list, and notes it in the audit trail', async () => {
    const { a, caseRef, files } = await caseWithFiles();
    const report = await a.desk.referral(anna, caseRef, 'counselling');
    if (!report.ok) throw new Error(report.reason);
    const pdf = await referralPdf({
      caseRef,
      report: report.value,
      purpose: 'counselling',
      lang: 'de',
      contactPoint: 'starke Stelle',
      at: new Date().toISOString(),
      i18n: a.i18n,
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(report.value.evidence.files.map((f) => f.sha256)).toEqual(files.map((f) => f.sha256));
    const audit = (await a.cases.audit(caseRef)).filter((line) => line.action === 'referral');
    expect(audit.map((line) => [line.actor, line.detail])).toEqual([['anna', 'counselling']]);
    expect(await a.desk.referral({ id: 'mallory', name: 'm' }, caseRef, 'police')).toEqual({
      ok: false,
      reason: 'not-staff',
    });
  });

  it('serves raster images and PDF inline, everything else as opaque downloads, all sandboxed', () => {
    const always = {
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'no-store',
    };
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'IMAGE/PNG ']) {
      const rule = servingRule(type, '01-abcdef012345.png');
      expect(rule.kind).toBe('inline-image');
      expect(rule.headers).toMatchObject({
        ...always,
        'Content-Type': type.trim().toLowerCase(),
        'Content-Disposition': 'inline; filename="01-abcdef012345.png"',
      });
    }
    expect(servingRule('application/pdf', '02-abcdef012345.pdf')).toMatchObject({
      kind: 'inline-pdf',
      headers: { ...always, 'Content-Type': 'application/pdf' },
    });
    for (const type of [
      'image/svg+xml',
      'text/html',
      'application/xhtml+xml',
      'text/xml',
      'application/xml',
      'text/plain',
      'image/heic',
      'application/x-unknown',
      'image/png; charset=utf-8',
      '',
    ]) {
      expect(servingRule(type, '03-abcdef012345.bin')).toEqual({
        kind: 'attachment',
        headers: expect.objectContaining({
          ...always,
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': 'attachment; filename="03-abcdef012345.bin"',
        }),
      });
    }
    // A name that is not Lotse's own never reaches the header.
    expect(servingRule('image/png', 'a"; filename=evil.html').headers['Content-Disposition']).toBe(
      'inline; filename="evidence.bin"',
    );
  });

  it('never makes a link of anything but an http or https address', () => {
    for (const raw of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'nur Text',
      '',
      'http://',
    ])
      expect(linkView(raw)).toEqual({ kind: 'text', text: raw });
    expect(linkView('https://beispiel.de/\u202eabc')).toMatchObject({
      kind: 'web',
      text: 'https://beispiel.de/\\u202eabc',
      host: 'beispiel.de',
    });
  });
});
