import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER, waitForMessage, walk } from '../support/intake-script.ts';
import { questionOf, useJsonl, type MessageLine } from '../support/jsonl-process.ts';
import { everythingUnder, useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';

const redis = useTestRedis('staff');
const start = useJsonl();

describe('staff pickup, end to end through the console channel and the staff CLI', () => {
  it('submit → case → claim → reply → answer → close → stats, with nothing readable left in Redis', async () => {
    const keys = generateStaffKeyPair();
    const env = {
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna,ben',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-staff-')),
    };
    const cli = (...args: string[]) => staffCli(args, { ...env, STAFF_USER: 'anna' });

    // The person reports.
    const person = start({ prefix: redis.prefix, user: 'mayor', env, logLevel: 'info' });
    await walk(person, GERMAN_INTAKE);
    const sent = await person.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    expect(caseRef).not.toBe('');

    // The case appears for staff, as a notice in the feed and in the list.
    let listed: { caseRef: string; status: string }[] = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) {
      listed = JSON.parse((await cli('list', '--json')).stdout) as typeof listed;
      if (listed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject([{ caseRef, status: 'new' }]);
    const feed = await cli('feed');
    expect(feed.stdout).toContain(caseRef);
    expect(feed.stdout).not.toContain(MARKER);

    // Refusals change nothing.
    expect((await staffCli(['claim', caseRef], { ...env, STAFF_USER: 'mallory' })).code).toBe(3);
    const malformed = await cli('claim', 'ZZZZ-ZZZZ-ZZZZ-Z');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('keine gültige Fallnummer');
    const unknown = await cli('claim', newCaseRef());
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toContain('gibt es nicht');
    expect((await cli('reply', caseRef, 'zu früh')).stdout).toContain(
      'übernehmen Sie den Fall zuerst',
    );
    expect((await cli('claim', caseRef)).code).toBe(0);
    const second = await staffCli(['claim', caseRef], { ...env, STAFF_USER: 'ben' });
    expect(second.code).toBe(3);
    expect(second.stdout).toContain('schon übernommen');

    // Staff reply; the person sees it in the same chat and answers.
    const replied = await cli(
      'reply',
      caseRef,
      'Guten Tag, wir rufen Sie morgen an. STAFF-REPLY-1',
    );
    expect(replied, replied.stderr).toMatchObject({ code: 0 });
    const reply = await waitForMessage(person, (m) => m.text.includes('STAFF-REPLY-1'));
    expect(reply.text).toContain(caseRef);
    const answer = await person.send({ text: 'Danke, morgen passt. PERSON-ANSWER-1' });
    expect(questionOf(answer).expects.kind).toBe('text');
    expect(answer.map((l) => (l.type === 'message' ? l.text : '')).join('\n')).toContain(
      'Nachricht ist beim Fall angekommen',
    );
    const status = await person.send({ text: '/status' });
    expect(status.map((l) => (l.type === 'message' ? l.text : '')).join('\n')).toContain(
      'kümmert sich',
    );

    // Staff see the answer, note, export and close.
    const shown = await cli('show', caseRef, '--json', '--files', join(env.DATA_DIR, 'files'));
    const details = JSON.parse(shown.stdout) as {
      messages: { from: string; text: string }[];
      report: { description: string };
    };
    expect(details.report.description).toContain(MARKER);
    expect(details.messages.map((m) => m.from)).toEqual(['staff', 'person']);
    expect(details.messages[1]?.text).toContain('PERSON-ANSWER-1');
    const saved = readdirSync(join(env.DATA_DIR, 'files'));
    expect(saved).toHaveLength(1);
    expect(readFileSync(join(env.DATA_DIR, 'files', saved[0] ?? '')).toString()).toContain(MARKER);
    expect((await cli('note', caseRef, 'Rückruf vereinbart')).code).toBe(0);
    expect((await cli('export', caseRef, '--out', join(env.DATA_DIR, 'export'))).code).toBe(0);
    expect(readFileSync(join(env.DATA_DIR, 'export', `lotse-${caseRef}.txt`), 'utf8')).toContain(
      'Rückruf vereinbart',
    );
    expect((await cli('close', caseRef, 'beraten, Anzeige erstattet')).code).toBe(0);
    expect((await cli('reply', caseRef, 'noch etwas')).stdout).toContain('abgeschlossen');
    // The person writing to the closed case is told so; nothing is added.
    const late = (await person.send({ text: 'Noch eine Frage. LATE-1' }))
      .map((l) => (l.type === 'message' ? l.text : ''))
      .join('\n');
    expect(late).toContain('abgeschlossen');
    expect(late).not.toContain('angekommen');

    // Statistics count it, anonymously.
    const stats = (await cli('stats')).stdout;
    expect(stats).toContain('month,dimension,value,count');
    expect(stats).toMatch(/,kind,threat,1/);
    expect(stats).toMatch(/,state,BY,1/);
    expect(stats).toMatch(/,total,,1/);

    // Closed: every key of the case expires within the retention period.
    const caseKeys = await redis.client.keys(`${redis.prefix}:case:{${caseRef}}*`);
    expect(caseKeys.length).toBeGreaterThan(2);
    for (const key of caseKeys) {
      const ttl = await redis.client.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(90 * 86_400);
    }

    // Nothing readable about the report, the reply or the answer is left in Redis.
    const everything = await everythingUnder(redis.client, redis.prefix);
    expect(everything).not.toContain(MARKER);
    expect(everything).not.toContain('STAFF-REPLY-1');
    expect(everything).not.toContain('PERSON-ANSWER-1');
    expect(everything).not.toContain('Rückruf vereinbart');
    expect(everything).not.toContain('Anzeige erstattet');
    expect(everything).not.toContain('LATE-1');

    // Staff may erase a case at once (e.g. on the person's request); the statistics stay.
    expect((await cli('erase', caseRef)).code).toBe(0);
    expect(await redis.client.keys(`${redis.prefix}:case:{${caseRef}}*`)).toEqual([]);
    expect((await cli('show', caseRef)).code).toBe(3);
    expect((await cli('stats')).stdout).toMatch(/,total,,1/);
    expect(await person.close()).toBe(0);

    // The info logs said what happened, never what was said or who said it.
    expect(person.stderr).toContain('"msg":"event handled"');
    for (const secret of [MARKER, 'STAFF-REPLY-1', 'PERSON-ANSWER-1', '"mayor"', 'instagram.com']) {
      expect(person.stderr).not.toContain(secret);
    }
  });

  it('works with the bot and the worker as separate processes; the bot holds only the public key', async () => {
    const keys = generateStaffKeyPair();
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-roles-'));
    const bot = start({
      prefix: redis.prefix,
      user: 'split',
      args: ['--role', 'bot'],
      env: { STAFF_PUBLIC_KEY: keys.publicKey, DATA_DIR: dataDir },
    });
    await walk(bot, GERMAN_INTAKE);
    const sent = await bot.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    // No worker yet: the report waits, sealed, in the queue.
    const env = {
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna',
      DATA_DIR: dataDir,
    };
    expect(
      JSON.parse((await staffCli(['list', '--json'], { ...env, STAFF_USER: 'anna' })).stdout),
    ).toEqual([]);
    expect(await everythingUnder(redis.client, redis.prefix)).not.toContain(MARKER);

    const worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
    });
    let listed: { caseRef: string }[] = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) {
      listed = JSON.parse(
        (await staffCli(['list', '--json'], { ...env, STAFF_USER: 'anna' })).stdout,
      ) as typeof listed;
      if (listed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject([{ caseRef }]);
    expect((await staffCli(['claim', caseRef], { ...env, STAFF_USER: 'anna' })).code).toBe(0);
    expect(
      (
        await staffCli(['reply', caseRef, 'Antwort über den Bot-Prozess'], {
          ...env,
          STAFF_USER: 'anna',
        })
      ).code,
    ).toBe(0);
    // The bot process delivers the reply (it runs the outbound queue).
    await waitForMessage(bot, (m) => m.text.includes('Antwort über den Bot-Prozess'));
    await worker.kill('SIGTERM');
    expect(await bot.close()).toBe(0);
  });
});
