/** Browser sessions on real Redis: only a hash of the id stored, idle expiry, ending them. */
import { describe, expect, it } from 'vitest';
import { WebSessions } from '../../src/web/auth/sessions.ts';
import { everythingUnder, useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('web_sessions');

describe('browser sessions', () => {
  it('stores only a hash of the id, with the form token', async () => {
    const sessions = new WebSessions(redis.client, redis.prefix, 600);
    const { id, session } = await sessions.start('anna');
    expect(await sessions.touch(id)).toEqual(session);
    expect(await everythingUnder(redis.client, redis.prefix)).not.toContain(id);
    expect(await sessions.touch(`${id.slice(0, -1)}x`)).toBeUndefined();
    expect(await sessions.touch('not a session id')).toBeUndefined();
    await sessions.end(id);
    expect(await sessions.touch(id)).toBeUndefined();
  });

  it('ends a session left idle; a background peek does not keep it alive', async () => {
    const sessions = new WebSessions(redis.client, redis.prefix, 1);
    const { id } = await sessions.start('anna');
    expect(await sessions.peek(id)).toMatchObject({ account: 'anna' });
    await until(async () => (await sessions.peek(id)) === undefined, 10_000);
    expect(await sessions.touch(id)).toBeUndefined();
  });
});
