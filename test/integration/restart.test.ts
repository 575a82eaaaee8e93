/**
 * A step's answer is stored before the reply is sent: after `kill -9` and a restart the
 * conversation goes on at the same step. Real program, real Redis.
 */
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import {
  RedisConversationStore,
  sessionContext,
} from '../../src/infra/redis/conversation-store.ts';
import { loadSession } from '../../src/bot/session.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { text } from '../../src/flows/types.ts';
import { messagesOf, questionOf, useJsonl } from '../support/jsonl-process.ts';
import { keysUnder, useTestRedis } from '../support/redis.ts';

const i18n = Translator.create();
const DAY = 86_400;

describe('kill -9 and restart', () => {
  const redis = useTestRedis('restart');
  const start = useJsonl();
  // Both runs share the session key (as one installation's processes do); the test reads with it.
  const SESSION_KEY = StateSeal.generateKey();
  const seal = StateSeal.fromKeyring(SESSION_KEY);
  const sessionKey = (user: string) =>
    new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: 1,
      rateLimit: 1,
      rateWindowMs: 1,
      seal,
    }).keys(`console:${user}`).session;
  /** The stored session of a console user, opened with the shared key. */
  const storedSession = async (user: string) => {
    const raw = await redis.client.getBuffer(sessionKey(user));
    return loadSession(
      raw === null ? null : (seal.open(raw, sessionContext(`console:${user}`)) ?? null),
    );
  };

  it('continues at the emergency page after the process was killed', async () => {
    const first = start({
      prefix: redis.prefix,
      user: 'rita',
      env: { DRAFT_TTL_DAYS: '3', SESSION_KEY },
    });
    await first.send({ command: 'start' });
    const page = questionOf(await first.send({ choice: 'emergency' }));
    expect(page.text).toBe(i18n.t('de', text('common:emergency.text')));

    // The step is in Redis, under the prefix, with the draft TTL, before the process dies.
    const keys = await keysUnder(redis.client, redis.prefix);
    expect(keys).toContain(sessionKey('rita'));
    expect(keys.every((k) => k.startsWith(`${redis.prefix}:`))).toBe(true);
    const stored = await storedSession('rita');
    expect(stored.kind).toBe('ok');
    if (stored.kind === 'ok')
      expect(stored.session.stack.at(-1)).toMatchObject({ flow: 'menu', step: 'emergency' });
    const ttl = await redis.client.ttl(sessionKey('rita'));
    expect(ttl).toBeGreaterThan(3 * DAY - 60);
    expect(ttl).toBeLessThanOrEqual(3 * DAY);

    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = start({ prefix: redis.prefix, user: 'rita', env: { SESSION_KEY } });
    const reply = await second.send({ choice: 'menu' });
    // "menu" is only an answer on the emergency page: it leads to the main menu, with no greeting
    // (a lost session would greet) and no hint (the main menu does not offer "menu").
    expect(messagesOf(reply)).toHaveLength(1);
    expect(questionOf(reply)).toMatchObject({
      user: 'rita',
      text: i18n.t('de', text('common:menu.prompt')),
      expects: { kind: 'choice' },
    });
    const after = await storedSession('rita');
    expect(after.kind === 'ok' && after.session.stack).toEqual([
      { flow: 'menu', step: 'main', history: [] },
    ]);

    // For contrast: someone without a stored step is greeted first.
    const fresh = messagesOf(await second.send({ user: 'nobody', choice: 'menu' }));
    expect(fresh[0]?.text).toBe(i18n.t('de', text('common:welcome')));
    expect(await second.close()).toBe(0);
  });

  it('keeps the language and a detour across a restart', async () => {
    const first = start({ prefix: redis.prefix, user: 'sam', env: { SESSION_KEY } });
    await first.send({ command: 'start' });
    await first.send({ command: 'language' });
    await first.send({ choice: 'en' });
    await first.send({ command: 'delete' });
    await first.kill('SIGKILL');

    const second = start({ prefix: redis.prefix, user: 'sam', env: { SESSION_KEY } });
    const reply = await second.send({ choice: 'no' });
    expect(messagesOf(reply).map((m) => m.text)).toEqual([
      i18n.t('en', text('common:delete.kept')),
      i18n.t('en', text('common:menu.prompt')),
    ]);
    expect(await second.close()).toBe(0);
  });
});
