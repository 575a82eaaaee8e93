/**
 * Starting the Matrix channel when it cannot connect: one clear sentence per attempt, retries with
 * backoff, no crash, and a stop that ends the retrying.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MatrixChannel } from '../../../src/adapters/matrix/matrix-channel.ts';
import { FileIntake } from '../../../src/bot/files.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { registerUser, SYNAPSE_URL, useSynapse } from './harness/synapse.ts';
import { MemoryVault } from './harness/test-bot.ts';

const i18n = Translator.create();
const { defer } = useSynapse();

interface LogLine {
  level: number;
  msg: string;
  retryInSeconds?: number;
}

async function channel(homeserverUrl: string, userId: string, password: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lotse-connect-'));
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  const matrix = new MatrixChannel({
    homeserverUrl,
    userId,
    password,
    deviceName: 'Lotse (test)',
    dataDir,
    files: new FileIntake(new MemoryVault()),
    i18n,
    language: 'de',
    logger,
    retryMs: { first: 100, max: 400 },
  });
  let started = false;
  void matrix
    .start({
      handle: () => Promise.resolve(),
      admitFile: () => Promise.resolve({ kind: 'refused' }),
      admitMessage: () => Promise.resolve(true),
    })
    .then(() => {
      started = true;
    });
  defer(async () => {
    await matrix.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const errors = async (count: number) => {
    const deadline = Date.now() + 20_000;
    while (lines.filter((l) => l.level === 50).length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return lines.filter((l) => l.level === 50);
  };
  return { matrix, errors, started: () => started };
}

describe('Matrix channel start-up', () => {
  it('says in one sentence that the server does not answer, and keeps trying with backoff', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${String(port)}`;
    const { matrix, errors, started } = await channel(url, '@lotse:localhost', 'x');
    const failed = await errors(3);
    expect(failed[0]?.msg).toBe(
      `The Matrix homeserver at ${url} does not answer (ECONNREFUSED). Retrying in 0 s.`,
    );
    expect(failed.map((l) => l.msg.split('.')[0])).toEqual(
      Array(failed.length).fill(`The Matrix homeserver at ${url.split('.')[0]}`),
    );
    expect(started()).toBe(false);
    await matrix.stop();
    const after = (await errors(0)).length;
    await new Promise((r) => setTimeout(r, 600));
    expect((await errors(0)).length).toBe(after);
  });

  it('says in one sentence that the password is wrong', async () => {
    const account = await registerUser('lotse-bot', { login: false });
    const { errors } = await channel(SYNAPSE_URL, account.userId, 'wrong password');
    const [failed] = await errors(1);
    expect(failed?.msg).toBe(
      `Matrix login for ${account.userId} failed: wrong user or MATRIX_PASSWORD (M_FORBIDDEN). Retrying in 0 s.`,
    );
  });
});
