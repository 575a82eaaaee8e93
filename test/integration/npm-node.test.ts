/**
 * The README's two commands work whatever Node the machine has: npm scripts run on the Node 24
 * that `npm ci` installed from the `node` package, not on the machine's node. The test takes away
 * every Node 24 it knows of from PATH (the one running vitest, node_modules/.bin), so that `node`
 * is the machine's own again (Node 20 on the machine this was written on), and runs `npm start`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/jsonl-process.ts';
import { connect, deleteKeysUnder, REDIS_URL, uniquePrefix } from '../support/redis.ts';

const ownNodeDirs = new Set([dirname(process.execPath)]);
const machinePath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .filter((dir) => dir !== '' && !ownNodeDirs.has(dir) && !dir.includes('node_modules'))
  .join(delimiter);

function onMachinePath(command: string): boolean {
  return machinePath.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const machineNode = onMachinePath('node')
  ? execFileSync('node', ['--version'], { env: { ...process.env, PATH: machinePath } })
      .toString()
      .trim()
  : 'no node';

describe.skipIf(!onMachinePath('npm'))(`npm scripts on a machine with ${machineNode}`, () => {
  const env = { ...process.env, PATH: machinePath, npm_config_update_notifier: 'false' };

  it('run on the Node 24 from node_modules', () => {
    const version = execFileSync('npm', ['exec', '--', 'node', '-p', 'process.versions.node'], {
      cwd: ROOT,
      env,
    })
      .toString()
      .trim();
    expect(Number(version.split('.')[0])).toBe(24);
  });

  it('npm start talks (JSON lines) instead of stopping with "Node is too old"', async () => {
    const prefix = uniquePrefix('npmnode');
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-npm-node-'));
    try {
      const child = spawn('npm', ['start', '--silent', '--', '--jsonl'], {
        cwd: ROOT,
        env: {
          ...env,
          REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          REDIS_AUTOSTART: 'false',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end('{"command":"start"}\n');
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(stderr).not.toContain('too old');
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string });
      expect(lines.some((line) => line.type === 'message')).toBe(true);
      expect(lines.at(-1)).toEqual({ type: 'idle' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      const redis = connect();
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    }
  });
});
