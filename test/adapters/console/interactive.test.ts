import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { InteractiveChannel } from '../../../src/adapters/console/interactive-channel.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('interactive');
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Runs the interactive console with typed lines and returns what the person saw. */
async function session(lines: readonly string[], language?: 'en'): Promise<string> {
  app = createApp(
    loadConfig({ REDIS_KEY_PREFIX: redis.prefix }, null),
    redis.client,
    createLogger('silent'),
  );
  const input = new PassThrough();
  const output = new PassThrough();
  let seen = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (seen += chunk));
  const ended = new Promise<void>((resolve) => {
    void app?.addChannel(
      new InteractiveChannel({
        input,
        output,
        user: 'tty',
        files: app.files,
        onEnd: resolve,
        ...(language ? { language } : {}),
      }),
    );
  });
  // Typed all at once, before the greeting is out: nothing may be lost.
  input.end(lines.map((l) => `${l}\n`).join(''));
  await ended;
  return seen;
}

describe('interactive console', () => {
  it('shows numbered choices and takes numbers, words and commands', async () => {
    const seen = await session(['3', 'Zum Hauptmenü', '/hilfe', '9']);
    expect(seen).toContain('  1) Vorfall melden');
    expect(seen).toContain('110');
    expect(seen).toContain('/zurueck');
    expect(seen).toContain('Bitte wählen Sie eine der Möglichkeiten');
    expect(seen.match(/^> /gm)?.length).toBe(5);
  });

  it('speaks English with --lang en and attaches files with /file', async () => {
    const seen = await session(['1', '2', '2', '/file /nonexistent.png'], 'en');
    expect(seen).toContain('  1) Report an incident');
    expect(seen).toContain('Do you agree?');
    expect(seen).toContain('What is your role?');
    expect(seen).toContain('This file is empty.');
  });
});
