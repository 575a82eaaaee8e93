/**
 * What a reporter declares about a file – its name and media type – is cleaned where it enters
 * (issue 10, item 5): a bare `type/subtype`, a name without path, control, format or bidi
 * characters, at most 120 characters. Pure logic, so small fakes.
 */
import { describe, expect, it } from 'vitest';
import {
  cleanFileName,
  FileIntake,
  mediaType,
  MAX_FILE_NAME_CHARS,
  type FileVault,
} from '../../src/bot/files.ts';

const CONTROL_OR_BIDI = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

describe('mediaType', () => {
  it('keeps only the type/subtype token, lower case, with aliases resolved', () => {
    expect(mediaType('application/pdf')).toBe('application/pdf');
    expect(mediaType('Image/PNG; charset=binary')).toBe('image/png');
    expect(mediaType('  text/plain ; charset=utf-8')).toBe('text/plain');
    expect(mediaType('image/jpg')).toBe('image/jpeg');
    expect(mediaType('audio/x-m4a')).toBe('audio/mp4');
  });

  it('drops terminal escape sequences after the token and refuses a token that carries one', () => {
    // An OSC title change and a screen clear, as a Matrix client may put them into `mimetype`.
    expect(mediaType('image/png;\u001b]0;pwned\u0007\u001b[2J')).toBe('image/png');
    expect(mediaType('image/png\u001b[31m')).toBe('application/octet-stream');
    expect(mediaType('image/\u202epng')).toBe('application/octet-stream');
  });

  it('turns what is no media type into application/octet-stream', () => {
    for (const declared of [
      '',
      'png',
      'image/',
      '/png',
      'image/png/x',
      'image png',
      'x'.repeat(300),
    ])
      expect(mediaType(declared), JSON.stringify(declared)).toBe('application/octet-stream');
  });
});

describe('cleanFileName', () => {
  it('keeps the last path segment only: ../, absolute and Windows paths', () => {
    expect(cleanFileName('a/../../bin/staff.mjs')).toBe('staff.mjs');
    expect(cleanFileName('/etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\x\\..\\evil.bat')).toBe('evil.bat');
    expect(cleanFileName('../..')).toBe('file');
    expect(cleanFileName('foto/')).toBe('file');
  });

  it('removes NUL, other controls, bidi overrides and isolates, zero-width and separators', () => {
    expect(cleanFileName('brief\u0000.pdf')).toBe('brief.pdf');
    expect(cleanFileName('\u001b[2Jbrief\u0007.pdf')).toBe('[2Jbrief.pdf');
    // "Rechnung‮fdp.exe" shows as "Rechnungexe.pdf" in a terminal that honours bidi.
    expect(cleanFileName('Rechnung\u202efdp.exe')).toBe('Rechnungfdp.exe');
    expect(cleanFileName('a\u2066b\u2069c\u200bd\u200fe\u2028f\u0085g\ufeff.txt')).toBe(
      'abcdefg.txt',
    );
    expect(cleanFileName('\u202e')).toBe('file');
  });

  it('bounds the length to 120 characters without splitting a character', () => {
    const long = `${'ä'.repeat(150)}${'😀'.repeat(150)}.pdf`;
    expect(Array.from(long)).toHaveLength(304);
    const cleaned = cleanFileName(long);
    expect(Array.from(cleaned)).toHaveLength(MAX_FILE_NAME_CHARS);
    expect(cleaned.isWellFormed()).toBe(true);
    expect(Array.from(cleanFileName(`${'x'.repeat(290)}.pdf`))).toHaveLength(120);
  });

  it('leaves reserved names as text (they never become a path)', () => {
    for (const name of ['CON', 'nul.txt', 'COM1', 'aux.pdf', 'brief: 10:00 "Entwurf".pdf'])
      expect(cleanFileName(name)).toBe(name);
  });
});

describe('FileIntake', () => {
  it('cleans name and type of every file it receives, whatever the adapter passed', async () => {
    const stored: Uint8Array[] = [];
    const vault: FileVault = {
      put: (_owner, bytes) => {
        stored.push(bytes);
        return Promise.resolve(`id-${String(stored.length)}`);
      },
    };
    const intake = new FileIntake(vault, () => new Date('2026-11-30T10:00:00.000Z'));
    const ref = await intake.receive('console:p1', {
      name: '../../\u202eevil\u0000name.pdf',
      mime: 'application/PDF;\u001b]52;c;aGk=\u0007',
      bytes: new TextEncoder().encode('%PDF-1.4'),
    });
    expect(ref.name).toBe('evilname.pdf');
    expect(ref.mime).toBe('application/pdf');
    expect(CONTROL_OR_BIDI.test(ref.name + ref.mime)).toBe(false);
    expect(stored).toHaveLength(1);
  });

  it('refuses a type that is only allowed before an escape sequence', async () => {
    const intake = new FileIntake({ put: () => Promise.resolve('id') });
    await expect(
      intake.receive('console:p1', {
        name: 'a.png',
        mime: 'image/png\u001b[31m',
        bytes: new Uint8Array([1]),
      }),
    ).rejects.toMatchObject({ reason: 'type' });
  });
});
