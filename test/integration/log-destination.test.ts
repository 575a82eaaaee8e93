/**
 * Where the real program's logs go: the interactive console is for people, so its logs go to a
 * file named in one line at start; JSON-lines mode and the messenger-only mode log to stderr;
 * LOG_FILE=- asks for stderr in the interactive console too.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/jsonl-process.ts';
import { connect, deleteKeysUnder, REDIS_URL, uniquePrefix } from '../support/redis.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A data folder and a key prefix of its own, removed after the test. */
function place(): { dataDir: string; prefix: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-logs-'));
  const prefix = uniquePrefix('logs');
  cleanups.push(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const redis = connect();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });
  return { dataDir, prefix };
}

/**
 * Runs `node src/main.ts ARGS` with `input` on stdin until it exits; with `stopAt`, sends SIGTERM
 * once stderr holds that text.
 */
function run(
  args: readonly string[],
  env: Record<string, string>,
  input: string,
  stopAt?: string,
): Promise<Run> {
  const child = spawn(process.execPath, ['src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, REDIS_AUTOSTART: 'false', LOG_LEVEL: 'info', ...env },
  });
  let stdout = '';
  let stderr = '';
  let stopped = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stopAt !== undefined && !stopped && stderr.includes(stopAt)) {
      stopped = true;
      child.kill('SIGTERM');
    }
  });
  child.stdin.end(input);
  return new Promise((done) =>
    child.once('close', (code) => {
      done({ code, stdout, stderr });
    }),
  );
}

const jsonLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('{'));

describe('logs of the real program', () => {
  it('interactive console: one line names the log file; no JSON log line in the terminal', async () => {
    const { dataDir, prefix } = place();
    const result = await run(
      ['--lang', 'en'],
      { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix },
      '3\n',
    );
    expect(result.code).toBe(0);
    const file = join(dataDir, 'lotse.log');
    expect(result.stderr.trim()).toBe(`lotse: logs go to ${file} (LOG_FILE=- shows them here)`);
    expect(jsonLines(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('110');
    const logged = readFileSync(file, 'utf8');
    expect(logged).toContain('"msg":"lotse started"');
    expect(logged).toContain('"mode":"interactive"');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('interactive console with LOG_FILE=-: logs on stderr, no file', async () => {
    const { dataDir, prefix } = place();
    const result = await run(
      [],
      { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix, LOG_FILE: '-' },
      '',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('"msg":"lotse started"');
    expect(existsSync(join(dataDir, 'lotse.log'))).toBe(false);
  });

  it('JSON-lines mode keeps logging to stderr, stdout holds protocol lines only', async () => {
    const { dataDir, prefix } = place();
    const result = await run(
      ['--jsonl'],
      { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix },
      '{"command":"start"}\n',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('"mode":"jsonl"');
    expect(result.stderr).not.toContain('logs go to');
    for (const line of jsonLines(result.stdout))
      expect(JSON.parse(line)).not.toHaveProperty('level');
    expect(existsSync(join(dataDir, 'lotse.log'))).toBe(false);
  });

  it('the messenger-only mode (--no-console) logs to stderr; in the bot role it needs a messenger', async () => {
    const { dataDir, prefix } = place();
    const alone = await run(
      ['--no-console'],
      { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix },
      '',
      '"msg":"lotse started"',
    );
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain('"mode":"none"');
    expect(alone.stderr).toContain('"reason":"SIGTERM"');
    expect(existsSync(join(dataDir, 'lotse.log'))).toBe(false);

    const result = await run(
      ['--no-console', '--role', 'bot'],
      { DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix },
      '',
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'lotse: --no-console in the bot role needs a messenger: set TELEGRAM_BOT_TOKEN or MATRIX_HOMESERVER_URL.',
    );
    expect(existsSync(join(dataDir, 'lotse.log'))).toBe(false);
  });
});
