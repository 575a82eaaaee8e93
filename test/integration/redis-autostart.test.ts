import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { questionOf, useJsonl } from '../support/jsonl-process.ts';

const start = useJsonl();

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

const redisServer = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

const answers = (port: number): boolean => {
  try {
    return (
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() ===
      'PONG'
    );
  } catch {
    return false;
  }
};

describe('Redis at start-up', () => {
  // CI's machine has redis-server (it runs the shared Redis); a machine without it can't test this.
  it.skipIf(redisServer === '')(
    'starts its own redis-server with data under DATA_DIR and stops it on exit',
    async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'lotse-autostart-'));
      const bot = start({
        prefix: 'autostart',
        env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_AUTOSTART: 'true', DATA_DIR: dataDir },
      });
      const menu = questionOf(await bot.send({ command: 'start' }));
      expect(menu.expects.kind).toBe('choice');
      expect(answers(port)).toBe(true);
      // Append-only file on, under DATA_DIR/redis.
      expect(
        execFileSync('redis-cli', ['-p', String(port), 'config', 'get', 'appendonly'], {
          encoding: 'utf8',
        }),
      ).toContain('yes');
      expect(
        execFileSync('redis-cli', ['-p', String(port), 'config', 'get', 'maxmemory-policy'], {
          encoding: 'utf8',
        }),
      ).toContain('noeviction');
      expect(existsSync(join(dataDir, 'redis'))).toBe(true);
      expect(await bot.close()).toBe(0);
      expect(answers(port)).toBe(false);
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
