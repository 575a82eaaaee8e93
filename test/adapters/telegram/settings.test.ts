import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { telegramChannelFromConfig } from '../../../src/adapters/telegram/settings.ts';
import { FileIntake } from '../../../src/bot/files.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

const runtime = () => ({
  redis: new Redis({ lazyConnect: true }),
  files: new FileIntake({ put: () => Promise.resolve('x') }),
  logger: createLogger('silent'),
});

describe('Telegram settings', () => {
  it('start no channel without a token', () => {
    expect(telegramChannelFromConfig(loadConfig({}, null), runtime())).toBeUndefined();
  });

  it('check the token`s form and the staff ids at start', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'not a token' }, null)).toThrow(
      /TELEGRAM_BOT_TOKEN/,
    );
    expect(() => loadConfig({ TELEGRAM_STAFF_USER_IDS: '12,anna' }, null)).toThrow(
      /TELEGRAM_STAFF_USER_IDS/,
    );
    expect(loadConfig({ TELEGRAM_STAFF_USER_IDS: '12, 34' }, null).TELEGRAM_STAFF_USER_IDS).toEqual(
      ['12', '34'],
    );
  });

  it('demand a webhook secret with a webhook URL', () => {
    const config = loadConfig(
      { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: 'https://lotse.example.org/tg' },
      null,
    );
    expect(() => telegramChannelFromConfig(config, runtime())).toThrow(ConfigError);
    expect(() => telegramChannelFromConfig(config, runtime())).toThrow(
      /^TELEGRAM_WEBHOOK_SECRET must be set/,
    );
  });

  it('build the channel with the staff group', () => {
    const channel = telegramChannelFromConfig(
      loadConfig(
        {
          TELEGRAM_BOT_TOKEN: '123:abc',
          TELEGRAM_STAFF_CHAT_ID: '-100123',
          TELEGRAM_STAFF_USER_IDS: '7',
        },
        null,
      ),
      runtime(),
    );
    expect(channel?.platform).toBe('telegram');
    expect(channel?.staffNotices?.name).toBe('telegram');
  });
});
