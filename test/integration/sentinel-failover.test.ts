/**
 * Redis Sentinel with real processes: a master, a replica and a sentinel (all asking for
 * passwords), a bot and a worker process of Lotse following the sentinel. The master is killed in
 * the middle of intakes; the sentinel promotes the replica. Every report a person was told is sent
 * (a case reference) must become exactly one case on the new master.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import { useJsonl, type JsonlProcess, type MessageLine } from '../support/jsonl-process.ts';
import { freePort, hasRedisServer, useOwnRedis } from '../support/redis-servers.ts';
import { uniquePrefix } from '../support/redis.ts';
import { eventually } from '../support/wait.ts';

const start = useJsonl();
const MASTER = 'lotse';

/** The intake of one person, every line sent as that person. */
const intakeOf = (user: string): object[] => GERMAN_INTAKE.map((line) => ({ ...line, user }));

/**
 * Sends the report at the summary, again after a failure (Redis gone for a moment), until a case
 * reference comes back; undefined when none does within the time.
 */
async function sendReport(bot: JsonlProcess, user: string): Promise<string | undefined> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const lines = await bot.send({ choice: 'send', user }, 20_000);
      const ref = lines.find(
        (l): l is MessageLine => l.type === 'message' && l.case !== undefined,
      )?.case;
      if (ref !== undefined) return ref;
    } catch (error) {
      // No idle line in time: the step is still under way or was dropped; the loop asks again.
      if (!(error instanceof Error) || !error.message.startsWith('no idle line')) throw error;
    }
    await sleep(500);
  }
  return undefined;
}

describe.skipIf(!hasRedisServer)('Redis Sentinel failover', () => {
  const servers = useOwnRedis();

  it('in the middle of intakes loses no acknowledged report, and makes each one case', async () => {
    const password = randomBytes(16).toString('hex');
    const sentinelPassword = randomBytes(16).toString('hex');
    const data = [`requirepass ${password}`, `masterauth ${password}`];
    const master = await servers.start(['--appendonly', 'yes'], { password, config: data });
    // Two replicas: after the failover the new master still has one to confirm reports (WAIT).
    const replica = await servers.start(
      ['--appendonly', 'yes', '--replicaof', '127.0.0.1', String(master.port)],
      { password, config: data },
    );
    await servers.start(['--appendonly', 'yes', '--replicaof', '127.0.0.1', String(master.port)], {
      password,
      config: [...data, 'replica-priority 200'],
    });
    const sentinelPort = await freePort();
    await servers.start(['--sentinel'], {
      port: sentinelPort,
      password: sentinelPassword,
      config: [
        `sentinel monitor ${MASTER} 127.0.0.1 ${master.port} 1`,
        `sentinel auth-pass ${MASTER} ${password}`,
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 10000`,
        `requirepass ${sentinelPassword}`,
      ],
    });
    const sentinel = new Redis({ port: sentinelPort, password: sentinelPassword });
    // The sentinel has found the replicas (it could not promote one otherwise).
    const replicas = await eventually(
      async () => (await sentinel.call('SENTINEL', 'REPLICAS', MASTER)) as unknown[],
      (list) => list.length === 2,
      30_000,
    );
    expect(replicas).toHaveLength(2);

    const prefix = uniquePrefix('sentinel');
    const keys = generateStaffKeyPair();
    const env = {
      REDIS_URL: `redis://:${password}@sentinel-master/0`,
      REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
      REDIS_SENTINEL_MASTER: MASTER,
      REDIS_SENTINEL_PASSWORD: sentinelPassword,
      REDIS_AUTOSTART: 'false',
    };
    const bot = start({
      prefix,
      env: { ...env, STAFF_PUBLIC_KEY: keys.publicKey },
      args: ['--role', 'bot'],
      replyTimeoutMs: 30_000,
    });
    const worker = start({
      prefix,
      env: { ...env, STAFF_PRIVATE_KEY: keys.privateKey },
      args: ['--role', 'worker'],
    });

    const acknowledged: string[] = [];
    // Three reports before the failover; three more people are at their summary when it comes.
    for (const user of ['a1', 'a2', 'a3']) {
      await walk(bot, intakeOf(user));
      const ref = await sendReport(bot, user);
      if (ref !== undefined) acknowledged.push(ref);
    }
    expect(acknowledged).toHaveLength(3);
    for (const user of ['b1', 'b2', 'b3']) await walk(bot, intakeOf(user));

    await master.kill();
    for (const user of ['b1', 'b2', 'b3']) {
      const ref = await sendReport(bot, user);
      if (ref !== undefined) acknowledged.push(ref);
    }
    // A whole intake after the failover.
    await walk(bot, intakeOf('c1'));
    const late = await sendReport(bot, 'c1');
    if (late !== undefined) acknowledged.push(late);
    expect(acknowledged).toHaveLength(7);

    // The first replica (the lower replica-priority) is the master now, and it holds one case for each acknowledged report.
    const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)) as [
      string,
      string,
    ];
    expect(Number(port)).toBe(replica.port);
    const promoted = new Redis({ port: replica.port, password });
    const cases = await eventually(
      () => promoted.keys(`${prefix}:case:{*}`),
      (found) => found.length >= acknowledged.length,
      30_000,
    );
    expect(cases.sort()).toEqual(acknowledged.map((ref) => `${prefix}:case:{${ref}}`).sort());

    // Each process stops on SIGTERM within SHUTDOWN_TIMEOUT_SECONDS: 0 when everything finished,
    // 1 when a connection still hung on the killed master and the stop was cut short.
    for (const process of [bot, worker])
      expect([0, 1]).toContain((await process.kill('SIGTERM')).code);
    promoted.disconnect();
    sentinel.disconnect();
  }, 360_000);
});
