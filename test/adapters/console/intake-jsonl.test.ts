import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../../src/bot/case-ref.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER, walk } from '../../support/intake-script.ts';
import { madeCase } from '../../support/made-case.ts';
import { useJsonl, type MessageLine } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('intake');
const start = useJsonl();
const keys = generateStaffKeyPair();
const env = {
  STAFF_PRIVATE_KEY: keys.privateKey,
  DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-intake-')),
};

const caseOf = (caseRef: string) => madeCase(redis.client, redis.prefix, keys.privateKey, caseRef);

const confirmationIn = (lines: readonly { type: string }[]) =>
  lines.find(
    (l): l is MessageLine => l.type === 'message' && (l as MessageLine).case !== undefined,
  );

describe('incident intake over the console JSON-lines channel', () => {
  it('submits exactly one sealed report that becomes one case, and shows its reference', async () => {
    const bot = start({ prefix: redis.prefix, user: 'mayor', env });
    const summary = await walk(bot, GERMAN_INTAKE);
    expect(summary.expects.kind).toBe('confirm');
    expect(summary.text).toContain(MARKER);

    const confirmation = confirmationIn(await bot.send({ choice: 'send' }));
    const caseRef = confirmation?.case ?? '';
    expect(parseCaseRef(caseRef)).toBe(caseRef);
    expect(confirmation?.text).toContain(caseRef);
    // A second confirm (a double tap) makes no second report.
    await bot.send({ choice: 'send' });

    const { record, payload, report, cases } = await caseOf(caseRef);
    expect(record).toMatchObject({
      status: 'new',
      state: 'BY',
      kinds: ['threat', 'hateOnline'],
      platform: 'console',
      urgent: false,
    });
    expect(payload.address).toEqual({ platform: 'console', userId: 'mayor', chatId: 'mayor' });
    expect(report).toMatchObject({
      caseRef,
      platform: 'instagram',
      role: 'mayorFull',
      reminder: true,
    });
    expect(report.evidence.files).toHaveLength(1);
    expect(report.evidence.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await cases.list()).toHaveLength(1);
    expect(await bot.close()).toBe(0);
  });

  it('runs in English and marks an attack as urgent', async () => {
    const bot = start({ prefix: redis.prefix, user: 'councillor', lang: 'en', env });
    const summary = await walk(bot, [
      { command: 'start' },
      { choice: 'report' },
      { choice: 'yes' },
      { choice: 'continue' },
      { choice: 'agree' },
      { choice: 'council' },
      { choices: ['physical'] },
      { choice: 'inPerson' },
      { text: 'today' },
      { text: 'Saxony' },
      { text: 'Leipzig' },
      { text: 'Someone pushed me at the market stall.' },
      { choice: 'done' },
      { choice: 'unknown' },
      { choice: 'planned' },
      { choice: 'no' },
      { choices: ['callBack'] },
      { choice: 'none' },
      { choice: 'noRemind' },
    ]);
    expect(summary.text).toContain('Please check your answers');
    const confirmation = confirmationIn(await bot.send({ choice: 'send' }));
    expect(confirmation?.text).toContain('urgent');
    const { record, report } = await caseOf(confirmation?.case ?? '');
    expect(record.urgent).toBe(true);
    expect(record.lang).toBe('en');
    expect(report.language).toBe('en');
    expect(await bot.close()).toBe(0);
  });

  it('goes on at the same question after kill -9 and a restart', async () => {
    const first = start({ prefix: redis.prefix, user: 'volunteer', env });
    const asked = await walk(first, GERMAN_INTAKE.slice(0, 7));
    expect(asked.text).toContain('Plattform');
    await first.kill('SIGKILL');

    const second = start({ prefix: redis.prefix, user: 'volunteer', env });
    // The platform question is still the open one: its answer is accepted.
    const next = await walk(second, [{ choice: 'telegram' }]);
    expect(next.text).toContain('Link');
    expect(await second.close()).toBe(0);
  });
});
