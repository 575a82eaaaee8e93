import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { signalStatus, stopWithin } from '../../src/bot/shutdown.ts';

/** A logger whose lines the test can read. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(sink), lines };
}

const never = () => new Promise<void>(() => undefined);

describe('a bounded stop', () => {
  it('runs the steps in order and reports done', async () => {
    const { logger } = recordingLogger();
    const ran: string[] = [];
    const step = (name: string) => ({
      name,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        ran.push(name);
      },
    });
    const outcome = await stopWithin([step('a'), step('b'), step('c')], 1_000, logger);
    expect(outcome).toEqual({ kind: 'done' });
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('logs a step that fails and goes on with the next', async () => {
    const { logger, lines } = recordingLogger();
    const ran: string[] = [];
    const outcome = await stopWithin(
      [
        { name: 'workers', run: () => Promise.reject(new Error('connection is closed')) },
        {
          name: 'redis',
          run: () => {
            ran.push('redis');
            return Promise.resolve();
          },
        },
      ],
      1_000,
      logger,
    );
    expect(outcome).toEqual({ kind: 'done' });
    expect(ran).toEqual(['redis']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ module: 'shutdown', step: 'workers', level: 40 });
  });

  it('gives up at the bound and names the step in hand and those after it', async () => {
    const { logger } = recordingLogger();
    const ran: string[] = [];
    const started = Date.now();
    const outcome = await stopWithin(
      [
        { name: 'relays', run: () => Promise.resolve() },
        { name: 'channels and workers', run: never },
        {
          name: 'redis',
          run: () => {
            ran.push('redis');
            return Promise.resolve();
          },
        },
      ],
      100,
      logger,
    );
    expect(outcome).toEqual({ kind: 'timed-out', unfinished: ['channels and workers', 'redis'] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(ran).toEqual([]);
  });
});

describe('the exit status of a signal', () => {
  it('is 128 plus its number, as shells report it', () => {
    expect(signalStatus('SIGINT')).toBe(130);
    expect(signalStatus('SIGTERM')).toBe(143);
  });
});
