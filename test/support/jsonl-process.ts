/**
 * Drives the real program in JSON-lines mode (`node src/main.ts --jsonl`) as a child process, for
 * end-to-end tests of the console protocol (docs in ../shared/ARCHITECTURE.md):
 *
 *   const bot = startJsonl({ prefix: uniquePrefix() });
 *   const lines = await bot.send({ command: 'start' }); // … up to and including {"type":"idle"}
 *   expect(questionOf(lines).expects.kind).toBe('choice');
 *   expect(await bot.close()).toBe(0);
 *
 * The child talks to the real Redis (REDIS_URL) under the given key prefix and never starts a Redis
 * of its own. Delete the prefix's keys afterwards (test/support/redis.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { REDIS_URL } from './redis.ts';

/** The repository root, where the program runs. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

export type ExpectKind =
  'choice' | 'multi' | 'text' | 'date' | 'place' | 'files' | 'confirm' | 'none';

/** `{"type":"message"}`: one message to a user. */
export interface MessageLine {
  readonly type: 'message';
  readonly user: string;
  readonly text: string;
  readonly expects: {
    readonly kind: ExpectKind;
    readonly options?: readonly { readonly id: string; readonly label: string }[];
  };
  /** The case reference, on the message confirming a submitted report. */
  readonly case?: string;
}

/** `{"type":"idle"}`: all replies to one input line are out. */
export interface IdleLine {
  readonly type: 'idle';
}

/** `{"type":"error"}`: an input line that could not be used. */
export interface ErrorLine {
  readonly type: 'error';
  readonly error: string;
  readonly message: string;
}

export type OutputLine = MessageLine | IdleLine | ErrorLine;

export interface JsonlOptions {
  /** REDIS_KEY_PREFIX of the child: use a unique one per test. */
  readonly prefix: string;
  /** `--user`: the default user of input lines without "user". */
  readonly user?: string;
  /** `--lang`. */
  readonly lang?: 'de' | 'en';
  /** LOG_LEVEL of the child (default warn); its logs go to `stderr`. */
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** More environment variables (they win over the defaults above). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long `send` waits for the idle line before it fails (default 15 s). */
  readonly replyTimeoutMs?: number;
  /** More arguments for the program, e.g. `['--role', 'bot']`. */
  readonly args?: readonly string[];
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Waiter {
  readonly resolve: (lines: OutputLine[]) => void;
  readonly reject: (error: Error) => void;
}

/** A running `node src/main.ts --jsonl`. */
export class JsonlProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  readonly #timeoutMs: number;
  readonly #lines: OutputLine[] = [];
  readonly #all: OutputLine[] = [];
  readonly #waiters: Waiter[] = [];
  #stderr = '';
  #exit: Exit | undefined;
  #broken: Error | undefined;

  constructor(options: JsonlOptions) {
    const args = ['src/main.ts', '--jsonl'];
    if (options.user !== undefined) args.push('--user', options.user);
    if (options.lang !== undefined) args.push('--lang', options.lang);
    args.push(...(options.args ?? []));
    this.#timeoutMs = options.replyTimeoutMs ?? 15_000;
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL,
        REDIS_KEY_PREFIX: options.prefix,
        REDIS_AUTOSTART: 'false',
        LOG_LEVEL: options.logLevel ?? 'warn',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Writing to a process that was killed is expected in some tests; the exit tells the story.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      this.#receive(line);
    });
    // 'close' comes after 'exit' and after stdout has ended, so every output line has been read.
    this.exited = new Promise<Exit>((done) => {
      this.child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        this.#fail(
          new Error(`the process exited (${describeExit(this.#exit)})${this.#stderrTail()}`),
        );
        done(this.#exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process wrote to stderr so far (its JSON logs, start-up errors). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Every output line so far, in order. */
  get output(): readonly OutputLine[] {
    return this.#all;
  }

  /**
   * Writes one input line (an object is JSON-encoded; a string is written as it is) and resolves
   * with the output lines up to and including the next `{"type":"idle"}`. Concurrent sends are
   * answered in order. Rejects on timeout, on a line that is not JSON, or when the process exits.
   * A blank line is no input line and gets no idle: use `write` for it.
   */
  send(line: object | string, timeoutMs: number = this.#timeoutMs): Promise<OutputLine[]> {
    const raw = typeof line === 'string' ? line : JSON.stringify(line);
    if (raw.trim() === '') return Promise.reject(new Error('send: a blank line gets no reply'));
    if (raw.includes('\n')) return Promise.reject(new Error('send: one line at a time'));
    const reply = this.untilIdle(timeoutMs);
    this.write(raw);
    return reply;
  }

  /** Writes a raw line without waiting for anything. */
  write(raw: string): void {
    this.child.stdin.write(`${raw}\n`);
  }

  /** Resolves with the next output lines up to and including an idle line. */
  untilIdle(timeoutMs: number = this.#timeoutMs): Promise<OutputLine[]> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise<OutputLine[]>((resolvePromise, rejectPromise) => {
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        rejectPromise(new Error(`no idle line within ${timeoutMs} ms${this.#stderrTail()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (lines) => {
          clearTimeout(timer);
          resolvePromise(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          rejectPromise(error);
        },
      };
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  /** Sends a signal (default SIGKILL, like a crash) and resolves when the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.#exit === undefined) this.child.kill(signal);
    return this.exited;
  }

  /**
   * Ends stdin (the program then finishes its work and stops) and resolves with the exit code.
   * Kills the process and rejects if it has not exited within `timeoutMs`.
   */
  async close(timeoutMs = 10_000): Promise<number | null> {
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => {
        r('late');
      }, timeoutMs);
    });
    const result = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (result === 'late') {
      await this.kill();
      throw new Error(`the process did not exit within ${timeoutMs} ms of end of input`);
    }
    return result.code;
  }

  #receive(raw: string): void {
    let line: OutputLine;
    try {
      line = JSON.parse(raw) as OutputLine;
    } catch {
      this.#fail(new Error(`stdout line is not JSON: ${raw.slice(0, 200)}`));
      return;
    }
    this.#all.push(line);
    this.#lines.push(line);
    this.#pump();
  }

  #pump(): void {
    for (;;) {
      const idle = this.#lines.findIndex((l) => l.type === 'idle');
      const waiter = this.#waiters[0];
      if (idle < 0 || waiter === undefined) return;
      this.#waiters.shift();
      waiter.resolve(this.#lines.splice(0, idle + 1));
    }
  }

  #fail(error: Error): void {
    this.#broken ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  #stderrTail(): string {
    const tail = this.#stderr.trim().split('\n').slice(-5).join('\n');
    return tail === '' ? '' : `; stderr:\n${tail}`;
  }
}

function describeExit(exit: Exit): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}

/** Starts `node src/main.ts --jsonl` with the options. Stop it with `close()` or `kill()`. */
export function startJsonl(options: JsonlOptions): JsonlProcess {
  return new JsonlProcess(options);
}

/**
 * Like startJsonl, and kills whatever is still running after each test of the calling suite, so a
 * failing test leaves no process behind.
 */
export function useJsonl(): (options: JsonlOptions) => JsonlProcess {
  const running: JsonlProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill()));
  });
  return (options) => {
    const started = startJsonl(options);
    running.push(started);
    return started;
  };
}

/** The message lines among output lines. */
export function messagesOf(lines: readonly OutputLine[]): MessageLine[] {
  return lines.filter((l): l is MessageLine => l.type === 'message');
}

/** The last message of a reply: the question now asked. Throws when there is none. */
export function questionOf(lines: readonly OutputLine[]): MessageLine {
  const last = messagesOf(lines).at(-1);
  if (last === undefined) throw new Error(`no message among ${JSON.stringify(lines)}`);
  return last;
}
