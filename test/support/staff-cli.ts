/** Runs the real staff CLI (`node src/staff-cli.ts`) as a child process. */
import { spawn } from 'node:child_process';
import { REDIS_URL } from './redis.ts';
import { ROOT } from './jsonl-process.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one staff command with the given environment (prefix, keys, staff list). */
export function staffCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/staff-cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, REDIS_AUTOSTART: 'false', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
