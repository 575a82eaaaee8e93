import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { questionOf, useJsonl } from '../support/jsonl-process.ts';
import { staffCli } from '../support/staff-cli.ts';
import { freePort, hasRedisServer, pings, useOwnRedis } from '../support/redis-servers.ts';

const start = useJsonl();

describe('Redis at start-up', () => {
  const servers = useOwnRedis();

  // CI's machine has redis-server (it runs the shared Redis); a machine without it can't test this.
  it.skipIf(!hasRedisServer)(
    'starts its own redis-server with data under DATA_DIR, asking for a password that no command line shows, and stops it on exit',
    async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'lotse-autostart-'));
      try {
        const bot = start({
          prefix: 'autostart',
          env: {
            REDIS_URL: `redis://127.0.0.1:${port}`,
            REDIS_AUTOSTART: 'true',
            DATA_DIR: dataDir,
          },
        });
        const menu = questionOf(await bot.send({ command: 'start' }));
        expect(menu.expects.kind).toBe('choice');
        // Without the password the Redis refuses: NOAUTH.
        expect(await pings(port)).toBe(false);
        const unauthenticated = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
        unauthenticated.on('error', () => undefined);
        await expect(unauthenticated.get('anything')).rejects.toThrow(/NOAUTH/);
        unauthenticated.disconnect();
        // The password is kept in files only their owner reads.
        const password = readFileSync(join(dataDir, 'redis', 'password'), 'utf8').trim();
        expect(password.length).toBeGreaterThanOrEqual(40);
        expect(statSync(join(dataDir, 'redis', 'password')).mode & 0o777).toBe(0o600);
        expect(statSync(join(dataDir, 'redis', 'redis.conf')).mode & 0o777).toBe(0o600);
        const own = new Redis({ port, host: '127.0.0.1', password });
        // Append-only file on, no eviction, data under DATA_DIR/redis.
        expect(await own.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await own.config('GET', 'maxmemory-policy')).toEqual([
          'maxmemory-policy',
          'noeviction',
        ]);
        expect(await own.config('GET', 'dir')).toEqual(['dir', join(dataDir, 'redis')]);
        // What `ps` shows of the server: its command line, which holds no password.
        const pid = /process_id:(\d+)/.exec(await own.info('server'))?.[1];
        expect(pid).toBeDefined();
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        expect(cmdline).not.toContain(password);
        expect(cmdline).not.toContain('requirepass');
        expect(execFileSync('ps', ['-ww', '-eo', 'args'], { encoding: 'utf8' })).not.toContain(
          password,
        );
        own.disconnect();
        // The staff CLI, beside the bot, finds the password under the same DATA_DIR.
        const staff = await staffCli(['list', '--json', '--as', 'anna'], {
          REDIS_URL: `redis://127.0.0.1:${port}`,
          REDIS_KEY_PREFIX: 'autostart',
          DATA_DIR: dataDir,
          STAFF_USERS: 'anna',
          STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
        });
        expect(staff.stderr).not.toMatch(/Redis|"level":(50|60)/);
        expect(staff.code).toBe(0);
        expect(JSON.parse(staff.stdout)).toEqual([]);
        expect(await bot.close()).toBe(0);
        expect(await pings(port, password)).toBe(false);
      } finally {
        // A failed assertion leaves the bot killed and its Redis running: stop that Redis too.
        const file = join(dataDir, 'redis', 'password');
        if (existsSync(file)) {
          const leftover = new Redis({
            port,
            host: '127.0.0.1',
            password: readFileSync(file, 'utf8').trim(),
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
          });
          leftover.on('error', () => undefined);
          await leftover
            .connect()
            .then(() => leftover.shutdown('NOSAVE'))
            .catch(() => undefined);
          leftover.disconnect();
        }
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!hasRedisServer)(
    'stops with one sentence when Redis evicts keys when full (jobs would vanish)',
    async () => {
      const evicting = await servers.start(['--maxmemory-policy', 'allkeys-lru']);
      const bot = start({
        prefix: 'evicting',
        env: { REDIS_URL: evicting.url, REDIS_AUTOSTART: 'false' },
      });
      const exit = await bot.exited;
      expect(exit.code).toBe(1);
      expect(bot.stderr.trim().split('\n').at(-1)).toBe(
        `lotse: Redis at ${evicting.url} evicts keys when its memory is full (maxmemory-policy allkeys-lru), so queued reports could vanish: set maxmemory-policy noeviction.`,
      );
      expect(bot.stderr).not.toContain('lotse started');
    },
  );

  it.skipIf(!hasRedisServer)(
    'warns loudly when Redis keeps nothing on disk, and runs',
    async () => {
      const volatile = await servers.start(['--appendonly', 'no']);
      const bot = start({
        prefix: 'volatile',
        env: { REDIS_URL: volatile.url, REDIS_AUTOSTART: 'false' },
      });
      expect(questionOf(await bot.send({ command: 'start' })).expects.kind).toBe('choice');
      expect(bot.stderr).toContain('"level":40');
      expect(bot.stderr).toContain('REDIS KEEPS NOTHING ON DISK');
      expect(await bot.close()).toBe(0);

      const kept = await servers.start(['--appendonly', 'yes']);
      const safe = start({
        prefix: 'persistent',
        env: { REDIS_URL: kept.url, REDIS_AUTOSTART: 'false' },
      });
      expect(questionOf(await safe.send({ command: 'start' })).expects.kind).toBe('choice');
      expect(safe.stderr).not.toContain('KEEPS NOTHING');
      expect(await safe.close()).toBe(0);
    },
  );

  it.skipIf(!hasRedisServer)(
    'stops with one sentence when Redis asks for a password it was not given',
    async () => {
      const locked = await servers.start(['--requirepass', 'test-only-secret'], {
        password: 'test-only-secret',
      });
      const bot = start({
        prefix: 'locked',
        env: { REDIS_URL: locked.url, REDIS_AUTOSTART: 'true' },
      });
      expect((await bot.exited).code).toBe(1);
      expect(bot.stderr.trim().split('\n').at(-1)).toBe(
        `lotse: Redis at ${locked.url} refuses the password: put the right one into REDIS_URL (redis://:PASSWORD@host:port).`,
      );
    },
  );

  it('stops with one clear sentence when no Redis answers and none may be started', async () => {
    const port = await freePort();
    const bot = start({
      prefix: 'noredis',
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_AUTOSTART: 'false' },
    });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    const lines = bot.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^lotse: Redis does not answer at redis://127\\.0\\.0\\.1:${port}/?: start one .*REDIS_URL`,
      ),
    );
  });

  it('stops naming the variable when a setting is invalid', async () => {
    const bot = start({ prefix: 'badconfig', env: { DRAFT_TTL_DAYS: 'soon' } });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    expect(bot.stderr).toContain('DRAFT_TTL_DAYS');
  });
});
