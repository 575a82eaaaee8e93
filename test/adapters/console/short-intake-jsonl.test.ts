import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { walk } from '../../support/intake-script.ts';
import { questionOf, useJsonl, type MessageLine } from '../../support/jsonl-process.ts';
import { madeCase } from '../../support/made-case.ts';
import { useTestRedis } from '../../support/redis.ts';
import { staffCli } from '../../support/staff-cli.ts';

const redis = useTestRedis('short_intake');
const start = useJsonl();
const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-short-'));
const env = { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir };

const caseOf = (caseRef: string) => madeCase(redis.client, redis.prefix, keys.privateKey, caseRef);

const staff = (args: readonly string[], more: Readonly<Record<string, string>> = {}) =>
  staffCli(args, {
    ...more,
    REDIS_KEY_PREFIX: redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    STAFF_USERS: 'ben',
    STAFF_USER: 'ben',
    DATA_DIR: dataDir,
  });

const optionIds = (line: MessageLine): string[] => (line.expects.options ?? []).map((o) => o.id);

describe('the short way through the intake, over the console JSON-lines channel', () => {
  it('sends a short report in six answers, then takes two details and skips the rest', async () => {
    const bot = start({ prefix: redis.prefix, user: 'mayor', env });
    const consent = await walk(bot, [{ command: 'start' }, { choice: 'report' }, { choice: 'no' }]);
    expect(optionIds(consent)).toEqual(['short', 'agree', 'decline']);

    // The six answers: danger (above), consent with the short way, description, evidence, contact, send.
    const answers = [
      { choice: 'short' },
      { text: 'Nach der Ratssitzung hat mir jemand auf dem Parkplatz gedroht.' },
      { choice: 'done' },
      { choice: 'chat' },
    ];
    const summary = await walk(bot, answers);
    expect(1 + answers.length + 1).toBeLessThanOrEqual(6);
    expect(summary.expects.kind).toBe('confirm');
    expect(summary.text).toContain('Parkplatz');
    const sent = await bot.send({ choice: 'send' });
    const confirmation = sent.find(
      (l): l is MessageLine => l.type === 'message' && l.case !== undefined,
    );
    const caseRef = confirmation?.case ?? '';
    expect(confirmation?.text).toContain(caseRef);
    expect(questionOf(sent).text).toContain('Möchten Sie noch ein paar Angaben ergänzen?');

    // The case exists at once, with the open details unknown, never guessed.
    const { record, report } = await caseOf(caseRef);
    expect(record).toMatchObject({ role: 'unknown', state: 'unknown', channel: 'unknown' });
    expect(record.kinds).toEqual(['unknown']);
    expect(report).toMatchObject({ role: null, kinds: null, state: null, when: null });
    expect(report.missing).toEqual(
      expect.arrayContaining(['role', 'kinds', 'channel', 'when', 'state', 'help']),
    );

    // Details: role given, kinds skipped, channel given, then no more.
    const role = await walk(bot, [{ choice: 'add' }]);
    expect(optionIds(role)).toEqual(
      expect.arrayContaining(['council', 'skipDetail', 'stopDetails']),
    );
    await walk(bot, [{ choice: 'council' }]);
    const channel = await walk(bot, [{ choices: ['skipDetail'] }]);
    expect(channel.text).toContain('Wie oder wo');
    const afterChannel = await walk(bot, [{ choice: 'letter' }]);
    expect(afterChannel.text).toContain('Wann ist es passiert?');
    const done = await bot.send({ choice: 'stopDetails' });
    expect(done.some((l) => l.type === 'message' && l.text.includes('Ihre Angaben gehören'))).toBe(
      true,
    );

    // The case takes both details in their place: record, statistics and document.
    const { record: after } = await caseOf(caseRef);
    expect(after).toMatchObject({ role: 'council', channel: 'letter', state: 'unknown' });
    expect(after.kinds).toEqual(['unknown']);
    const stats = await staff(['stats']);
    expect(stats.code).toBe(0);
    for (const line of ['role,council,1', 'channel,letter,1', 'kind,unknown,1', 'state,unknown,1'])
      expect(stats.stdout).toContain(line);
    for (const gone of ['role,unknown', 'channel,unknown'])
      expect(stats.stdout).not.toContain(gone);

    const shown = await staff(['show', caseRef]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Parkplatz');
    // Times in the contact point's zone, named in the document.
    expect(shown.stdout).toMatch(/Eingang: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Europe\/Berlin\)/);
    const lines = shown.stdout.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    // In their place among the answers, before the description.
    expect(at(/^Funktion: .*(Gemeinderat|Rat)/)).toBeGreaterThan(0);
    expect(at(/^Wie: Brief/)).toBeGreaterThan(0);
    expect(at(/^Funktion: /)).toBeLessThan(at(/^Beschreibung:$/));
    // The open details shrink: what was given is no longer listed, what was skipped still is.
    const open = lines[at(/^Noch offen/)] ?? '';
    expect(open).toContain('Was passiert ist');
    expect(open).not.toContain('Funktion');
    expect(open).not.toContain('Wie oder wo');
    // The person's additions are in the case's messages too, once each; the skipped one is not.
    expect(shown.stdout.match(/Ergänzte Angaben/g)).toHaveLength(2);
    expect(await bot.close()).toBe(0);
  });

  it('keeps details given while the report still waits for the worker, and the case starts with them', async () => {
    const bot = start({
      prefix: redis.prefix,
      user: 'queued',
      lang: 'en',
      args: ['--role', 'bot'],
      env: { STAFF_PUBLIC_KEY: keys.publicKey, DATA_DIR: dataDir },
    });
    await walk(bot, [
      { command: 'start' },
      { choice: 'report' },
      { choice: 'no' },
      { choice: 'short' },
      { text: 'Someone threatened me after the council meeting.' },
      { choice: 'done' },
      { choice: 'chat' },
    ]);
    const sent = await bot.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    // No worker runs: role and kinds are given while the report waits in the queue.
    await walk(bot, [
      { choice: 'add' },
      { choice: 'mayorFull' },
      { choices: ['threat', 'physical'] },
    ]);
    await bot.send({ choice: 'stopDetails' });
    expect(await redis.client.exists(`${redis.prefix}:case:{${caseRef}}`)).toBe(0);

    const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'ben' }, null);
    const worker = createApp(config, redis.client, createLogger('silent'), {
      keys,
      role: 'worker',
    });
    try {
      await worker.startWorkers();
      const { record, report } = await caseOf(caseRef);
      // Counted with the details from the start; a physical attack makes it urgent.
      expect(record).toMatchObject({ role: 'mayorFull', urgent: true, state: 'unknown' });
      expect(record.kinds).toEqual(['threat', 'physical']);
      // The sealed report stays as sent.
      expect(report.role).toBeNull();
    } finally {
      await worker.stop();
    }
    const stats = await staff(['stats']);
    for (const line of ['role,mayorFull,1', 'kind,threat,1', 'kind,physical,1', 'urgent,,1'])
      expect(stats.stdout).toContain(line);
    expect(stats.stdout).not.toContain('role,unknown');
    const shown = await staff(['show', caseRef, '--lang', 'en']);
    expect(shown.stdout).toContain('URGENT');
    const open = shown.stdout.split('\n').find((line) => line.startsWith('Still open')) ?? '';
    expect(open).toContain('How or where');
    expect(open).not.toContain('Role');
    expect(open).not.toContain('What happened');
    expect(await bot.close()).toBe(0);
  });

  it('counts a short report as unknown in the statistics', async () => {
    const bot = start({ prefix: redis.prefix, user: 'deputy', lang: 'en', env });
    await walk(bot, [
      { command: 'start' },
      { choice: 'report' },
      { choice: 'no' },
      { choice: 'short' },
      { text: 'Someone threatened me after the council meeting.' },
      { choice: 'done' },
      { choice: 'none' },
    ]);
    const sent = await bot.send({ choice: 'send' });
    const later = await bot.send({ choice: 'later' });
    expect(later.some((l) => l.type === 'message' && l.text.includes('belong to your case'))).toBe(
      true,
    );
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    await caseOf(caseRef);
    const utc = await staff(['show', caseRef, '--lang', 'en'], { TIME_ZONE: 'UTC' });
    expect(utc.stdout).toMatch(/Received: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\)/);
    expect(utc.stdout).toMatch(/Still open .*Role/);
    const stats = await staff(['stats']);
    expect(stats.code).toBe(0);
    for (const line of ['role,unknown,1', 'state,unknown,1', 'channel,unknown,1', 'kind,unknown,1'])
      expect(stats.stdout).toContain(line);
    expect(await bot.close()).toBe(0);
  });
});
