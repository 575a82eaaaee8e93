/**
 * Unfinished reports are sealed too (issue 10, item 6): with the real program over JSON lines and
 * the real Redis, a scan of every value under the prefix after every step of an unfinished intake
 * finds no answer in plain text – not the description, the phone number, the e-mail address, the
 * link or the evidence file's bytes. Drafts an older version left plain are sealed at start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import {
  RedisConversationStore,
  sessionContext,
} from '../../src/infra/redis/conversation-store.ts';
import { loadSession } from '../../src/bot/session.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { text } from '../../src/flows/types.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER } from '../support/intake-script.ts';
import { questionOf, useJsonl } from '../support/jsonl-process.ts';
import { everythingUnder, useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('sealed');
const start = useJsonl();

const PHONE = '+49 170 5550101';
const EMAIL = 'versteckt.4711@example.org';
/** What the person answers that must never be readable in Redis. */
const SECRETS = [MARKER, '5550101', EMAIL, 'instagram.com', 'Drohung unter', 'Instagram'];

/** The German intake up to the summary, with a phone number or an e-mail address as contact. */
function intakeWith(contact: 'phone' | 'email'): object[] {
  const at = GERMAN_INTAKE.findIndex((line) => 'choice' in line && line.choice === 'chat');
  return [
    ...GERMAN_INTAKE.slice(0, at),
    { choice: contact },
    { text: contact === 'phone' ? PHONE : EMAIL },
    ...GERMAN_INTAKE.slice(at + 1),
  ];
}

describe('unfinished reports in Redis', () => {
  it('hold no answer in plain text at any step of the intake, in any Redis value', async () => {
    const env = {
      SESSION_KEY: StateSeal.generateKey(),
      STAFF_PUBLIC_KEY: generateStaffKeyPair().publicKey,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-sealed-')),
    };
    const bot = start({ prefix: redis.prefix, env, logLevel: 'info', args: ['--role', 'bot'] });
    let steps = 0;
    for (const contact of ['phone', 'email'] as const) {
      const user = `mayor-${contact}`;
      let last;
      for (const line of intakeWith(contact)) {
        last = questionOf(await bot.send({ user, ...line }));
        const stored = await everythingUnder(redis.client, redis.prefix);
        for (const secret of SECRETS)
          expect(stored, `${secret} after ${JSON.stringify(line)}`).not.toContain(secret);
        steps++;
      }
      // The intake stands at the summary, unsent: the draft is complete and waits in Redis.
      expect(last?.expects.options?.map((o) => o.id)).toContain('send');
      expect(last?.text).toContain(contact === 'phone' ? PHONE : EMAIL);
    }
    expect(steps).toBe(2 * intakeWith('phone').length);
    expect(await bot.close()).toBe(0);
    // Nor do the logs name an answer or the person.
    for (const secret of [...SECRETS, 'mayor-phone', 'mayor-email'])
      expect(bot.stderr, secret).not.toContain(secret);
  });

  it('seal at start a draft an older version left plain, and go on with it', async () => {
    const SESSION_KEY = StateSeal.generateKey();
    const seal = StateSeal.fromKeyring(SESSION_KEY);
    const key = 'console:legacy';
    const redisKey = new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: 60,
      rateLimit: 1,
      rateWindowMs: 1,
      seal,
    }).keys(key).session;
    const now = new Date().toISOString();
    const plain = {
      v: 1,
      lang: 'en',
      stack: [{ flow: 'menu', step: 'emergency', history: ['main'] }],
      data: { note: MARKER },
      cases: [],
      createdAt: now,
      updatedAt: now,
    };
    await redis.client.set(redisKey, JSON.stringify(plain), 'EX', 3_600);

    const bot = start({
      prefix: redis.prefix,
      user: 'legacy',
      env: { SESSION_KEY, DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-sealed-')) },
    });
    // "menu" answers the emergency page: the old draft's step and language were kept.
    const reply = await bot.send({ choice: 'menu' });
    expect(questionOf(reply)).toMatchObject({
      user: 'legacy',
      text: Translator.create().t('en', text('common:menu.prompt')),
    });
    const raw = (await redis.client.getBuffer(redisKey)) ?? Buffer.alloc(0);
    expect(StateSeal.isSealed(raw)).toBe(true);
    expect(await everythingUnder(redis.client, redis.prefix)).not.toContain(MARKER);
    const loaded = loadSession(seal.open(raw, sessionContext(key)) ?? null);
    expect(loaded.kind === 'ok' && loaded.session.lang).toBe('en');
    expect(await bot.close()).toBe(0);
  });

  it('refuse to start without a session key once a messenger is configured: one sentence says what to set', async () => {
    const bot = start({
      prefix: redis.prefix,
      env: {
        TELEGRAM_BOT_TOKEN: '123456:TEST-TOKEN',
        STAFF_PUBLIC_KEY: generateStaffKeyPair().publicKey,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-sealed-')),
      },
      args: ['--role', 'bot'],
    });
    expect((await bot.exited).code).toBe(1);
    expect(bot.stderr.trim()).toMatch(/^lotse: Set SESSION_KEY_FILE \(or SESSION_KEY\) to a key/);
    expect(bot.stderr.trim().split('\n')).toHaveLength(1);
  });
});
