/** Runs the real staff CLI (`node src/staff-cli.ts`) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { REDIS_URL } from './redis.ts';
import { ROOT } from './jsonl-process.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the start to the end of the process. */
  readonly ms: number;
}

export interface CliOptions {
  /** Leave standard input open, as a terminal or a script does (default: none). */
  readonly stdinOpen?: boolean;
  /** Kill the process and reject when it has not ended by then (default 30 s). */
  readonly timeoutMs?: number;
}

/** A running staff command: signal it through `child`; `result` resolves when it has ended. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
}

/** Starts one staff command with the given environment (prefix, keys, staff list). */
export function startStaffCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: CliOptions = {},
): RunningCli {
  const started = Date.now();
  const child = spawn(process.execPath, ['src/staff-cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, REDIS_AUTOSTART: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: [options.stdinOpen === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`staff ${args.join(' ')} did not end within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, result };
}

/** Runs one staff command with the given environment (prefix, keys, staff list). */
export function staffCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: CliOptions = {},
): Promise<CliResult> {
  return startStaffCli(args, env, options).result;
}
