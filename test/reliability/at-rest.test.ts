/**
 * At rest (issue 13, item 8): after full round trips on every channel – an intake with a file, the
 * report, a staff reply, the person's answer – nothing a person or staff wrote and no file's bytes
 * are readable in any Redis value, in the append-only file on disk (which keeps every write, also
 * of values since deleted) or in the logs at info level.
 *
 * One redis-server of the test's own with `appendonly yes` (as deployed). The real program
 * (`node src/main.ts`) runs the console and Matrix (Synapse) at once, logging to LOG_FILE; staff
 * answer the console case with the real staff CLI and the Matrix case in the encrypted staff room.
 * Telegram runs on the emulator in this process (the emulator cannot serve files to another
 * process), its app logging at info level to a file of its own; staff answer in the group. Every
 * answer and file holds a marker of its own; staff then read each case with `show --files`, which
 * must give every marker back (so the scan looks for what is really there).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../src/bot/case-ref.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { MatrixUser, typed, walk as walkMatrix } from '../adapters/matrix/harness/matrix-user.ts';
import { registerUser, SYNAPSE_URL, useSynapse } from '../adapters/matrix/harness/synapse.ts';
import { TelegramHarness } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE, MARKER, waitForMessage, walk } from '../support/intake-script.ts';
import { messagesOf, useJsonl } from '../support/jsonl-process.ts';
import { hasRedisServer, startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { connect, everything } from '../support/redis.ts';
import { staffCli, type CliResult } from '../support/staff-cli.ts';
import { eventually, until } from '../support/wait.ts';

const CHANNELS = ['console', 'telegram', 'matrix'] as const;
type Channel = (typeof CHANNELS)[number];
const RUN = randomBytes(4).toString('hex');

/** What must not be readable: the markers of one channel's answer, file, staff reply and answer back. */
function secretsOf(channel: Channel) {
  const mark = (what: string) => `${what}-${channel}-${RUN}`;
  const fileBytes = Buffer.from(`%PDF-1.7 evidence ${mark('FILE')} end`);
  return {
    answer: mark('ANSWER'),
    file: mark('FILE'),
    fileBytes,
    reply: mark('REPLY'),
    answerBack: mark('PERSON'),
  };
}
const SECRETS = Object.fromEntries(CHANNELS.map((c) => [c, secretsOf(c)])) as Record<
  Channel,
  ReturnType<typeof secretsOf>
>;

/** The shared German intake, with this channel's answer and file instead of the common marker. */
function intakeOf(channel: Channel): object[] {
  const s = SECRETS[channel];
  return GERMAN_INTAKE.map((line) =>
    'file' in line
      ? {
          file: {
            name: 'beweis.pdf',
            mime: 'application/pdf',
            data: s.fileBytes.toString('base64'),
          },
        }
      : (JSON.parse(JSON.stringify(line).replaceAll(MARKER, s.answer)) as object),
  );
}

/** Every file under a folder (the append-only file is a folder of parts since Redis 7). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const start = useJsonl();
const { defer } = useSynapse();
let own: OwnRedis | undefined;
afterEach(async () => {
  await own?.stop();
  own = undefined;
});

describe.skipIf(!hasRedisServer)('at rest', () => {
  it('no answer, reply or file is readable in Redis, the append-only file or the logs', async () => {
    own = await startOwnRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
    const url = own.url;
    const keys = generateStaffKeyPair();
    // The bot's pair: staff replies are sealed to its public half until the bot delivers them.
    const botKeys = generateStaffKeyPair();
    const dir = mkdtempSync(join(tmpdir(), 'lotse-at-rest-'));
    const prefix = 'lotse-at-rest';
    const logFile = join(dir, 'lotse.log');
    const cliLogs: string[] = [];
    const cli = async (cliPrefix: string, ...args: string[]): Promise<CliResult> => {
      const result = await staffCli(args, {
        REDIS_URL: url,
        REDIS_KEY_PREFIX: cliPrefix,
        STAFF_PRIVATE_KEY: keys.privateKey,
        BOT_PUBLIC_KEY: botKeys.publicKey,
        STAFF_USERS: 'ben',
        STAFF_USER: 'ben',
        DATA_DIR: dir,
        LOG_LEVEL: 'info',
      });
      cliLogs.push(result.stderr);
      return result;
    };
    const watcher = connect(url);
    defer(() => {
      watcher.disconnect();
      return Promise.resolve();
    });
    /** Resolves once the program's worker has made the report a case. */
    const made = (casePrefix: string, caseRef: string) =>
      until(
        async () => (await new CaseStore(watcher, casePrefix).get(caseRef)) !== undefined,
        30_000,
      );

    // Matrix: a staff member with a cross-signed session, the bot's account, the staff room.
    const [staff, anna] = await Promise.all([
      MatrixUser.create('staff'),
      MatrixUser.create('anna'),
    ]);
    defer(() => staff.stop());
    defer(() => anna.stop());
    await staff.crossSign();
    const account = await registerUser('lotse-bot', { login: false });
    const staffRoom = await staff.openGroup([account.userId]);

    // The program: the console and Matrix in one process, on the Redis of its own.
    const bot = start({
      prefix,
      user: 'console-person',
      logLevel: 'info',
      replyTimeoutMs: 30_000,
      env: {
        REDIS_URL: url,
        DATA_DIR: dir,
        LOG_FILE: logFile,
        SESSION_KEY: StateSeal.generateKey(),
        STAFF_PRIVATE_KEY: keys.privateKey,
        BOT_PRIVATE_KEY: botKeys.privateKey,
        MATRIX_HOMESERVER_URL: SYNAPSE_URL,
        MATRIX_USER_ID: account.userId,
        MATRIX_PASSWORD: account.password,
        MATRIX_STAFF_ROOM: staffRoom,
        MATRIX_STAFF_USER_IDS: staff.userId,
      },
    });

    // Telegram: the emulator and the app in this process, on the same Redis.
    const tgPrefix = 'lotse-at-rest-tg';
    const tgLog = join(dir, 'telegram.log');
    const tgRedis = connect(url);
    defer(() => {
      tgRedis.disconnect();
      return Promise.resolve();
    });
    const tg = await TelegramHarness.start({
      redis: tgRedis,
      prefix: tgPrefix,
      staff: { chatId: '-1001', userIds: ['900'] },
      appDesk: true,
      keys,
      botKeys,
      logFile: tgLog,
    });
    defer(() => tg.stop());

    const refs = {} as Record<Channel, { prefix: string; caseRef: string }>;

    // Console: the whole intake with a file, sent; staff reply with the CLI; the person answers.
    const onConsole = async () => {
      const s = SECRETS.console;
      await walk(bot, intakeOf('console'));
      const sent = messagesOf(await bot.send({ choice: 'send' }));
      const caseRef = sent.find((m) => m.case !== undefined)?.case ?? '';
      expect(parseCaseRef(caseRef)).toBe(caseRef);
      await made(prefix, caseRef);
      expect((await cli(prefix, 'claim', caseRef)).code).toBe(0);
      expect((await cli(prefix, 'reply', caseRef, `Wir rufen an. ${s.reply}`)).code).toBe(0);
      await waitForMessage(bot, (m) => m.text.includes(s.reply), 30_000);
      await bot.send({ text: `Danke. ${s.answerBack}` });
      refs.console = { prefix, caseRef };
    };

    // Telegram: the intake with buttons and a document, sent; staff reply in the group.
    const onTelegram = async () => {
      const s = SECRETS.telegram;
      const person = tg.user({ userId: 201 });
      await person.send('/start');
      await person.tap('report');
      await person.tap('no');
      await person.tap('agree');
      await person.send('1');
      await person.choose(['threat', 'hateOnline']);
      await person.tap('online');
      await person.send('Instagram');
      await person.send('https://instagram.com/p/abc');
      await person.tap('yesterday');
      await person.send('Bayern');
      await person.tap('skip');
      await person.send(`Drohung unter meinem Beitrag. ${s.answer}`);
      tg.files.set('evidence', { bytes: s.fileBytes });
      await person.sendContent({
        document: {
          file_id: 'evidence',
          file_unique_id: 'e',
          file_name: 'beweis.pdf',
          mime_type: 'application/pdf',
          file_size: s.fileBytes.byteLength,
        },
      });
      await person.send('Fertig');
      await person.tap('known');
      await person.tap('no');
      await person.tap('no');
      await person.send('2');
      await person.tap('chat');
      await person.tap('remind');
      await person.tap('send');
      const texts = (await person.messages()).map((m) => m.text).join('\n');
      const caseRef = /([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\S)/.exec(texts)?.[1] ?? '';
      expect(parseCaseRef(caseRef)).toBe(caseRef);
      await until(async () => (await tg.app.cases.get(caseRef)) !== undefined, 30_000);
      const group = tg.user({ userId: 900, chatId: -1001, type: 'supergroup', userName: 'anna' });
      await group.send(`/claim ${caseRef}`);
      await group.send(`/reply ${caseRef} Wir rufen an. ${s.reply}`);
      await until(
        async () => (await person.messages()).some((m) => m.text.includes(s.reply)),
        30_000,
      );
      await person.send(`Danke. ${s.answerBack}`);
      await until(async () => (await tg.app.cases.messages(caseRef)).length >= 2, 30_000);
      refs.telegram = { prefix: tgPrefix, caseRef };
    };

    // Matrix: the intake in an encrypted direct chat with a file, sent; staff reply in the room.
    const onMatrix = async () => {
      const s = SECRETS.matrix;
      await staff.membership(staffRoom, account.userId, 'join', 90_000);
      const dm = await anna.openDirectChat(account.userId);
      const hello = await anna.nextBatch(dm, new Set(), 90_000);
      const summary = await walkMatrix(anna, dm, intakeOf('matrix'), hello.at(-1));
      const sent = await anna.say(dm, typed({ choice: 'send' }, summary));
      const caseRef = sent.find((m) => m.caseRef !== undefined)?.caseRef ?? '';
      expect(parseCaseRef(caseRef)).toBe(caseRef);
      const command = async (body: string) => {
        const id = await staff.send(staffRoom, body);
        return staff.nextMessage(staffRoom, (m) => m.replyTo === id, 30_000);
      };
      await made(prefix, caseRef);
      await command(`!claim ${caseRef}`);
      await command(`!reply ${caseRef} Wir rufen an. ${s.reply}`);
      await anna.nextMessage(dm, (m) => m.body.includes(s.reply), 30_000);
      await anna.say(dm, `Danke. ${s.answerBack}`);
      refs.matrix = { prefix, caseRef };
    };

    // Each app's worker (the program's, the Telegram app's) has Redis rewrite the append-only file
    // once at its start: the round trips come after both, so that the file keeps all they write.
    await until(async () => (await rewrites(watcher)) >= 2 && (await rewriteIdle(watcher)), 30_000);
    // The three channels' round trips run side by side, as people would.
    await Promise.all([onConsole(), onTelegram(), onMatrix()]);
    // Staff can read all of it – the markers are really there, sealed – and the files too.
    await Promise.all(
      CHANNELS.map(async (channel) => {
        const s = SECRETS[channel];
        const { prefix: p, caseRef } = refs[channel];
        const files = join(dir, `files-${channel}`);
        const shown = await cli(p, 'show', caseRef, '--files', files);
        expect(shown.code).toBe(0);
        for (const marker of [s.answer, s.reply, s.answerBack])
          expect(shown.stdout).toContain(marker);
        const saved = filesUnder(files).map((f) => readFileSync(f));
        expect(saved.some((bytes) => bytes.equals(s.fileBytes))).toBe(true);
      }),
    );

    // Everything stops; then Redis, its append-only file and every log are read.
    expect(await bot.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    await tg.stop();
    const logs = [
      bot.stderr,
      readFileSync(logFile, 'utf8'),
      readFileSync(tgLog, 'utf8'),
      ...cliLogs,
    ]
      .join('\n')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const client = connect(url);
    defer(() => {
      client.disconnect();
      return Promise.resolve();
    });
    const stored = await everything(client);
    const aofBefore = onDisk(own.dir);
    const corpora = { redis: stored.text, logs: logs.join('\n') };
    const found = plaintextIn({ ...corpora, aof: aofBefore.toString('latin1') });
    // Staff replies wait in their outbound jobs sealed to the bot key (src/queue/sealed-reply.ts):
    // not even the append-only file, which keeps every write, holds one before its rewrite.
    expect(found).toEqual([]);

    // After the rewrite the file holds what Redis holds now: nothing readable.
    await client.bgrewriteaof();
    const aofAfter = await eventually(
      async () =>
        (await rewriteIdle(client)) ? onDisk(own?.dir ?? '') : Buffer.from(SECRETS.console.reply),
      (bytes) => plaintextIn({ aof: bytes.toString('latin1') }).length === 0,
      30_000,
    );
    const after = plaintextIn({ ...corpora, aof: aofAfter.toString('latin1') });
    // The scan reads what is there: the append-only file holds the sealed cases and their files.
    expect(aofBefore.byteLength).toBeGreaterThan(10_000);
    expect(stored.keys).toBeGreaterThan(20);
    reportFigures('at rest', [
      `${String(stored.keys)} values, ${aofBefore.byteLength.toLocaleString('en')} AOF bytes, ${String(logs.length)} log lines scanned on ${String(CHANNELS.length)} channels: ${String(after.length)} plaintext (before the append-only file's rewrite: ${String(found.length)})`,
    ]);
    expect(after).toEqual([]);
  }, 240_000);
});

/** Where a marker of an answer, a staff reply, an answer back or a file's bytes can be read. */
function plaintextIn(corpora: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const channel of CHANNELS) {
    const s = SECRETS[channel];
    const plain = [s.answer, s.file, s.reply, s.answerBack, s.fileBytes.toString('base64')];
    for (const secret of plain)
      for (const [where, text] of Object.entries(corpora))
        if (text.includes(secret)) found.push(`${secret} in ${where}`);
  }
  return found;
}

/** Everything Redis keeps on the disk: its append-only file (a folder of parts) and any snapshot. */
function onDisk(dir: string): Buffer {
  return Buffer.concat(filesUnder(dir).map((f) => readFileSync(f)));
}

/** How many append-only file rewrites this Redis has done. */
async function rewrites(client: Redis): Promise<number> {
  return Number(/aof_rewrites:(\d+)/.exec(await client.info('persistence'))?.[1]);
}

async function rewriteIdle(client: Redis): Promise<boolean> {
  const info = await client.info('persistence');
  return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info);
}
