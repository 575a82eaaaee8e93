/**
 * The layers of docs/ARCHITECTURE.md ("The map"), held by the import rules of eslint.config.js:
 * each forbidden import, written into a file of the layer, is reported; an allowed one is not.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.ts';
import { reportSchema } from '../src/flows/intake/report.ts';
import { LANGUAGES } from '../src/flows/types.ts';
import { MESSENGERS } from '../src/bot/types.ts';
import { replyAddressSchema } from '../src/queue/reports-queue.ts';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages of the import rule for `code` placed in `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layer boundaries', () => {
  // The first lint builds the TypeScript program; the rest reuse it.
  beforeAll(() => refusals('src/bot/case-ref.ts', ''), 60_000);

  it.each([
    ['src/bot/case-ref.ts', "import 'ioredis';", 'imports no Redis client'],
    ['src/bot/case-ref.ts', "import 'bullmq';", 'imports no Redis client'],
    ['src/bot/case-ref.ts', "import 'grammy';", 'platform SDK'],
    ['src/bot/case-ref.ts', "import '../infra/redis/connect.ts';", 'Infrastructure'],
    ['src/bot/case-ref.ts', "import '../staff/desk.ts';", 'staff side'],
    ['src/bot/case-ref.ts', "import '../adapters/channel.ts';", 'adapter'],
    ['src/flows/define.ts', "import 'ioredis';", 'imports no Redis client'],
    ['src/flows/define.ts', "import 'matrix-js-sdk';", 'platform SDK'],
    ['src/flows/define.ts', "import 'pino';", 'Flows are pure'],
    ['src/flows/define.ts', "import '../queue/outbound.ts';", 'staff side'],
    ['src/staff/desk.ts', "import 'grammy';", 'platform SDK'],
    ['src/staff/desk.ts', "import '../infra/redis/connect.ts';", 'Infrastructure'],
    ['src/queue/outbound.ts', "import '../adapters/telegram/sender.ts';", 'adapter'],
    ['src/infra/redis/connect.ts', "import '../../staff/desk.ts';", 'staff side'],
    ['src/effects/case-status.ts', "import 'ioredis';", 'imports no Redis client'],
    ['src/effects/case-status.ts', "import '../infra/redis/effect-marks.ts';", 'Infrastructure'],
    ['src/web/server.ts', "import '../adapters/channel.ts';", 'adapter'],
    ['src/web/server.ts', "import '../flows/types.ts';", 'never the conversation flows'],
    ['src/web/server.ts', "import 'grammy';", 'platform SDK'],
    ['src/staff/desk.ts', "import '../web/server.ts';", 'staff inbox'],
    ['src/bot/case-ref.ts', "import '../web/server.ts';", 'staff inbox'],
    [
      'src/adapters/telegram/sender.ts',
      "import '../matrix/render.ts';",
      'do not import each other',
    ],
    [
      'src/adapters/matrix/render.ts',
      "import '../console/protocol.ts';",
      'do not import each other',
    ],
    [
      'src/adapters/console/protocol.ts',
      "import '../telegram/sender.ts';",
      'do not import each other',
    ],
  ])('%s may not: %s', async (filePath, code, reason) => {
    const messages = await refusals(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it.each([
    ['src/infra/redis/connect.ts', "import 'ioredis';"],
    ['src/staff/case-store.ts', "import '../bot/types.ts';"],
    ['src/adapters/telegram/sender.ts', "import 'grammy';"],
    ['src/adapters/telegram/sender.ts', "import '../channel.ts';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual([]);
  });
});

describe('the platform and language lists', () => {
  it('are the options of every schema that names a language or a messenger', () => {
    expect(configSchema.shape.DEFAULT_LANGUAGE.unwrap().options).toEqual([...LANGUAGES]);
    expect(reportSchema.shape.language.options).toEqual([...LANGUAGES]);
    expect(replyAddressSchema.shape.platform.options).toEqual([...MESSENGERS]);
  });
});
