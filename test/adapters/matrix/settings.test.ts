import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MatrixChannel } from '../../../src/adapters/matrix/matrix-channel.ts';
import { matrixChannelFromConfig } from '../../../src/adapters/matrix/settings.ts';
import { FileIntake } from '../../../src/bot/files.ts';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';
import { MemoryVault } from './harness/test-bot.ts';

const runtime = { files: new FileIntake(new MemoryVault()), logger: pino({ level: 'silent' }) };
const from = (env: Record<string, string>) =>
  matrixChannelFromConfig(loadConfig(env, null), runtime);

describe('Matrix settings', () => {
  it('leaves Matrix off without MATRIX_HOMESERVER_URL', async () => {
    expect(await from({})).toBeUndefined();
  });

  it('builds the channel from the environment', async () => {
    const channel = await from({
      MATRIX_HOMESERVER_URL: 'https://matrix.example.org/',
      MATRIX_USER_ID: '@lotse:example.org',
      MATRIX_PASSWORD: 'secret',
      MATRIX_STAFF_ROOM: '#staff:example.org',
      MATRIX_STAFF_USER_IDS: '@anna:example.org, @ben:example.org',
    });
    expect(channel).toBeInstanceOf(MatrixChannel);
    expect(channel?.platform).toBe('matrix');
  });

  it('names what is missing', async () => {
    await expect(from({ MATRIX_HOMESERVER_URL: 'https://m.example.org' })).rejects.toThrow(
      new ConfigError('MATRIX_USER_ID must be set when MATRIX_HOMESERVER_URL is.'),
    );
    await expect(
      from({
        MATRIX_HOMESERVER_URL: 'https://m.example.org',
        MATRIX_USER_ID: '@lotse:example.org',
      }),
    ).rejects.toThrow('Matrix needs MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD');
    await expect(
      from({
        MATRIX_HOMESERVER_URL: 'https://m.example.org',
        MATRIX_USER_ID: '@lotse:example.org',
        MATRIX_ACCESS_TOKEN: 'syt_x',
        MATRIX_STAFF_USER_IDS: '@anna:example.org',
      }),
    ).rejects.toThrow('MATRIX_STAFF_USER_IDS needs MATRIX_STAFF_ROOM');
    expect(() => loadConfig({ MATRIX_USER_ID: 'lotse' }, null)).toThrow('MATRIX_USER_ID');
    expect(() => loadConfig({ MATRIX_STAFF_ROOM: 'staff' }, null)).toThrow('MATRIX_STAFF_ROOM');
  });
});
