/**
 * /healthz, /readyz and /metrics of the real program (`node src/main.ts`), over real HTTP, with
 * the real Redis – and with a private Redis that is killed to see readiness fail.
 */
import { describe, expect, it } from 'vitest';
import { startJsonl, useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { freePort, hasRedisServer, useOwnRedis } from '../support/redis-servers.ts';
import { useTestRedis } from '../support/redis.ts';
import { eventually } from '../support/wait.ts';

const start = useJsonl();

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one sample line of the Prometheus text, or undefined when it is not there. */
function sample(metrics: string, line: string): number | undefined {
  const found = metrics.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('health and metrics of the real process', () => {
  const redis = useTestRedis();
  const servers = useOwnRedis();

  it('answers /healthz, is ready with Redis, the console and the workers, and counts messages and steps', async () => {
    const port = await freePort();
    const bot = start({ prefix: redis.prefix, env: { HEALTH_PORT: String(port) } });
    await bot.send({ command: 'start' });
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    const ready = await eventually(
      () => get(port, '/readyz'),
      (answer) => answer.status === 200,
    );
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      ready: true,
      checks: {
        redis: true,
        started: true,
        'channel:console': true,
        'worker:outbound-console': true,
        'worker:reports': true,
        'worker:reminders': true,
      },
    });
    await bot.send({ choice: 'emergency' });
    const metrics = (await get(port, '/metrics')).body;
    expect(sample(metrics, 'lotse_messages_total{channel="console",direction="in"}')).toBe(2);
    expect(
      sample(metrics, 'lotse_messages_total{channel="console",direction="out"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'lotse_step_duration_seconds_count{channel="console"}')).toBe(2);
    expect(sample(metrics, 'lotse_reports{state="queued"}')).toBe(0);
    expect(sample(metrics, 'lotse_reports{state="failed"}')).toBe(0);
    expect(sample(metrics, 'lotse_cases{status="new"}')).toBe(0);
    expect(sample(metrics, 'lotse_check_ok{check="redis"}')).toBe(1);
    expect(metrics).toContain('# TYPE lotse_outbound_retries_total counter');
    expect(metrics).toContain('# TYPE lotse_rate_limited_total counter');
    expect(metrics).toContain('# TYPE lotse_matrix_decryption_failures_total counter');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect((await get(port, '/nothing')).status).toBe(404);
    expect(await bot.close()).toBe(0);
  });

  it('counts rate-limited messages', async () => {
    const port = await freePort();
    const bot = start({
      prefix: redis.prefix,
      env: { HEALTH_PORT: String(port), RATE_LIMIT_MESSAGES: '2' },
    });
    for (let i = 0; i < 4; i++) await bot.send({ command: 'menu' });
    const metrics = (await get(port, '/metrics')).body;
    expect(sample(metrics, 'lotse_rate_limited_total{channel="console"}')).toBe(2);
    expect(await bot.close()).toBe(0);
  });

  it.skipIf(!hasRedisServer)('is not ready while Redis is gone, and stays alive', async () => {
    const own = await servers.start(['--appendonly', 'yes']);
    const port = await freePort();
    const bot: JsonlProcess = startJsonl({
      prefix: redis.prefix,
      env: { REDIS_URL: own.url, HEALTH_PORT: String(port) },
    });
    try {
      await bot.send({ command: 'start' });
      const before = await eventually(
        () => get(port, '/readyz'),
        (answer) => answer.status === 200,
      );
      expect(before.status).toBe(200);
      await own.kill();
      const answer = await eventually(
        () => get(port, '/readyz'),
        (result) => result.status === 503,
      );
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toMatchObject({ ready: false, checks: { redis: false } });
      expect((await get(port, '/healthz')).status).toBe(200);
      expect(sample((await get(port, '/metrics')).body, 'lotse_check_ok{check="redis"}')).toBe(0);
    } finally {
      await bot.kill();
    }
  });

  it('stops with one sentence naming HEALTH_PORT when the port is taken', async () => {
    const port = await freePort();
    const first = start({ prefix: redis.prefix, env: { HEALTH_PORT: String(port) } });
    await first.send({ command: 'start' });
    const second = start({ prefix: redis.prefix, env: { HEALTH_PORT: String(port) } });
    expect((await second.exited).code).toBe(1);
    expect(second.stderr.trim().split('\n').at(-1)).toBe(
      `lotse: HEALTH_PORT ${port} on 127.0.0.1 cannot be used (EADDRINUSE): choose a free port.`,
    );
    expect(await first.close()).toBe(0);
  });
});
