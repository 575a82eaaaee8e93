/**
 * Nothing a reporter sends ever becomes a path (issue 10, item 1), and what staff read is printable
 * (item 5). The attacker here is the one docs/SECURITY.md expects: someone in the bot process, who
 * can seal reports and files to the staff public key. The reports carry file names that are paths
 * (`../`, absolute), NUL, bidi and other control characters, 255-character and reserved names, and
 * types with terminal escape sequences. The real worker turns them into cases in the real Redis;
 * the real staff CLI (`show --files`, `export --out`) saves and prints them.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { fileContext } from '../../src/infra/redis/file-vault.ts';
import { conversationKey } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Report } from '../../src/flows/intake/report.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import { generateStaffKeyPair, seal } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import { useJsonl, type MessageLine } from '../support/jsonl-process.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('paths');
const start = useJsonl();
const keys = generateStaffKeyPair();
const address = { platform: 'console', userId: 'p1', chatId: 'p1' } as const;
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Raw terminal control: ESC, CSI (C1), BEL, NUL, bidi overrides and isolates, zero-width. */
const RAW_CONTROL =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u;

interface Forged {
  readonly name: string;
  readonly mime: string;
  readonly bytes: Buffer;
  /** What the report claims, when it lies about the bytes. */
  readonly sha256?: string;
  readonly size?: number;
}

/** Seals the files as the bot would, submits a report naming them and waits for the case. */
async function forgedCase(files: readonly Forged[], extra: Partial<Report> = {}): Promise<string> {
  if (app === undefined) {
    const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
    app = createApp(config, redis.client, createLogger('silent'), { role: 'worker', keys });
    await app.startWorkers();
  }
  const caseRef = newCaseRef();
  const refs = [];
  for (const file of files) {
    const ref = randomBytes(16).toString('base64url');
    await redis.client.set(
      `${redis.prefix}:conv:{${conversationKey(address)}}:file:${ref}`,
      seal(file.bytes, keys.publicKey, fileContext(ref)),
    );
    refs.push({
      name: file.name,
      mime: file.mime,
      size: file.size ?? file.bytes.byteLength,
      sha256: file.sha256 ?? createHash('sha256').update(file.bytes).digest('hex'),
      receivedAt: '2026-11-30T10:00:00.000Z',
      ref,
    });
  }
  const report = sampleReport(caseRef, {
    submittedAt: '2026-11-30T10:00:00.000Z',
    when: { kind: 'date', date: '2026-11-29' },
    description: 'Ein Brief.',
    evidence: { files: refs, links: [] },
    strafantragDeadline: null,
    ...extra,
  });
  await app.reports.submit(reportJob(caseRef, { report, address }, keys.publicKey));
  const { cases } = app;
  await until(async () => (await cases.get(caseRef)) !== undefined);
  return caseRef;
}

const cli = (...args: string[]) =>
  staffCli(args, {
    REDIS_KEY_PREFIX: redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    STAFF_USERS: 'anna',
    STAFF_USER: 'anna',
  });

/** A folder `files` inside a fresh parent, so that anything written beside it shows. */
function freshFolder(): { parent: string; dir: string } {
  const parent = mkdtempSync(join(tmpdir(), 'lotse-paths-'));
  return { parent, dir: join(parent, 'files') };
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('saving evidence files (staff show --files)', () => {
  it('saves every file under a name Lotse makes, inside the folder, whatever name the report gives', async () => {
    const long = `${'n'.repeat(251)}.pdf`;
    const files: Forged[] = [
      { name: 'a/../../bin/staff.mjs', mime: 'text/plain', bytes: Buffer.from('export {} // 1') },
      { name: '../../../../../../tmp/lotse-owned', mime: 'text/plain', bytes: Buffer.from('2') },
      { name: '/etc/cron.d/lotse', mime: 'text/plain', bytes: Buffer.from('3') },
      { name: 'brief\u0000.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF 4') },
      { name: 'Rechnung\u202efdp.exe', mime: 'image/png', bytes: Buffer.from('png 5') },
      { name: '\u001b]0;pwned\u0007\u001b[2J.txt', mime: 'text/plain', bytes: Buffer.from('6') },
      { name: long, mime: 'application/pdf', bytes: Buffer.from('%PDF 7') },
      { name: 'CON', mime: 'text/plain', bytes: Buffer.from('8') },
      { name: 'nul.txt', mime: 'text/plain', bytes: Buffer.from('9') },
      { name: '..', mime: 'image/jpeg', bytes: Buffer.from('jpeg 10') },
      {
        name: 'ok.png',
        mime: 'image/png;\u001b]0;pwned\u0007\u009b2J',
        bytes: Buffer.from('png 11'),
      },
      { name: 'proto.txt', mime: 'constructor', bytes: Buffer.from('12') },
      { name: 'proto2.txt', mime: '__proto__', bytes: Buffer.from('13') },
    ];
    const caseRef = await forgedCase(files);
    const { parent, dir } = freshFolder();

    const shown = await cli('show', caseRef, '--files', dir);
    expect(shown.code, shown.stderr).toBe(0);

    // Exactly the Lotse-made names, in the folder; nothing beside it, nothing under /tmp.
    const expected = files.map((f, i) => {
      const ext =
        new Map([
          ['text/plain', 'txt'],
          ['application/pdf', 'pdf'],
          ['image/png', 'png'],
          ['image/jpeg', 'jpg'],
        ]).get(f.mime) ?? 'bin';
      return `${String(i + 1).padStart(2, '0')}-${sha(f.bytes).slice(0, 12)}.${ext}`;
    });
    expect(readdirSync(dir).sort()).toEqual([...expected].sort());
    expect(readdirSync(parent)).toEqual(['files']);
    expect(existsSync('/tmp/lotse-owned')).toBe(false);
    files.forEach((f, i) => {
      const path = join(dir, expected[i] ?? '');
      expect(readFileSync(path)).toEqual(f.bytes);
      expect(lstatSync(path).mode & 0o777).toBe(0o600);
    });
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);

    // The names sent stay as text in the document, with every control and bidi character escaped.
    expect(RAW_CONTROL.test(shown.stdout)).toBe(false);
    expect(shown.stdout).toContain(`${expected[0] ?? ''} "a/../../bin/staff.mjs"`);
    expect(shown.stdout).toContain('"Rechnung\\u202efdp.exe"');
    expect(shown.stdout).toContain('"brief\\u0000.pdf"');
    expect(shown.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[2J.txt');
    expect(shown.stdout).toContain('image/png;\\u001b]0;pwned\\u0007\\u009b2J');
    // And each saved file is listed with the name it came with.
    expect(shown.stdout).toContain(
      `Gespeichert: ${dir}/${expected[1] ?? ''} („../../../../../../tmp/lotse-owned“)`,
    );
  });

  it('refuses a file whose bytes do not match the report, names it, and saves nothing', async () => {
    const good = Buffer.from('%PDF the real letter');
    const swapped = Buffer.from('%PDF something else');
    const caseRef = await forgedCase([
      { name: 'brief.pdf', mime: 'application/pdf', bytes: good },
      { name: 'foto\u202e.png', mime: 'image/png', bytes: swapped, sha256: sha(good) },
    ]);
    const { dir } = freshFolder();
    const shown = await cli('show', caseRef, '--files', dir);
    expect(shown.code).toBe(3);
    expect(shown.stdout.trim()).toBe(
      `Abgelehnt: Die Beweisdatei „foto\\u202e.png“ (02-${sha(good).slice(0, 12)}.png) passt nicht zur Meldung (SHA-256 oder Größe) oder lässt sich nicht öffnen; keine Datei wurde gespeichert.`,
    );
    // Not even the good first file, and no temporary file is left.
    expect(readdirSync(dir)).toEqual([]);

    // A size that differs from the report is refused too.
    const sized = await forgedCase([
      { name: 'a.txt', mime: 'text/plain', bytes: good, size: good.byteLength + 1 },
    ]);
    const json = await cli('show', sized, '--files', dir, '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, reason: 'file-mismatch' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('exporting a case (staff export --out)', () => {
  it('replaces a link planted at the export name instead of writing through it', async () => {
    const caseRef = await forgedCase([], {
      description: 'Zeile eins\n\u001b[2J\u202eZeile zwei',
    });
    const { parent, dir } = freshFolder();
    mkdirSync(dir);
    const target = join(parent, 'staff-key.json');
    writeFileSync(target, 'the real key', { mode: 0o600 });
    symlinkSync(target, join(dir, `lotse-${caseRef}.txt`));

    const exported = await cli('export', caseRef, '--out', dir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('the real key');
    const txt = join(dir, `lotse-${caseRef}.txt`);
    expect(lstatSync(txt).isSymbolicLink()).toBe(false);
    expect(lstatSync(txt).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual([`lotse-${caseRef}.json`, `lotse-${caseRef}.txt`]);
    // The document and the JSON escape the control characters; the JSON still parses to the text.
    const document = readFileSync(txt, 'utf8');
    expect(RAW_CONTROL.test(document)).toBe(false);
    expect(document).toContain('Zeile eins\n\\u001b[2J\\u202eZeile zwei');
    const json = readFileSync(join(dir, `lotse-${caseRef}.json`), 'utf8');
    expect(RAW_CONTROL.test(json)).toBe(false);
    expect((JSON.parse(json) as { report: { description: string } }).report.description).toBe(
      'Zeile eins\n\u001b[2J\u202eZeile zwei',
    );
  });
});

describe('a file sent through the console channel', () => {
  it('arrives with a clean name and a bare type, and is saved under a Lotse-made name', async () => {
    const bytes = Buffer.from('png bytes from the console');
    const script = GERMAN_INTAKE.map((line) =>
      'file' in line
        ? {
            file: {
              name: '../../bin/Rechnung\u202efdp.exe\u0000.png',
              mime: 'image/PNG;\u001b]0;pwned\u0007',
              data: bytes.toString('base64'),
            },
          }
        : line,
    );
    const env = {
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY: keys.privateKey,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-paths-')),
    };
    const person = start({ prefix: redis.prefix, user: 'mayor', env });
    await walk(person, script);
    const sent = await person.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    const cases = new CaseStore(redis.client, redis.prefix);
    await until(async () => (await cases.get(caseRef)) !== undefined, 15_000);

    const { dir } = freshFolder();
    const shown = await cli('show', caseRef, '--files', dir, '--json');
    expect(shown.code).toBe(0);
    const details = JSON.parse(shown.stdout) as {
      report: { evidence: { files: { name: string; mime: string }[] } };
    };
    expect(details.report.evidence.files).toMatchObject([
      { name: 'Rechnungfdp.exe.png', mime: 'image/png' },
    ]);
    expect(readdirSync(dir)).toEqual([`01-${sha(bytes).slice(0, 12)}.png`]);
    expect(await person.close()).toBe(0);
  });
});
