/**
 * The whole program on Matrix against a real Synapse, started as `npm start` starts it (the real
 * process, configuration from the environment), with the staff CLI beside it. A person reports in
 * an encrypted direct chat; the case notice reaches the encrypted staff room; staff claim, read
 * the details with `!show`, answer with `!reply`; the person receives the answer in their chat and
 * writes back; staff see it and `!close`. Deployed as a public-facing `--role bot` beside a
 * `--role worker`, the worker's and the CLI's notices reach the room through the feed.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../../src/bot/case-ref.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER } from '../../support/intake-script.ts';
import { useJsonl, type JsonlProcess } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';
import { staffCli, type CliResult } from '../../support/staff-cli.ts';
import { MatrixUser, typed, walk, type BotMessage } from './harness/matrix-user.ts';
import { registerUser, SYNAPSE_URL, useSynapse } from './harness/synapse.ts';

const redis = useTestRedis('matrix_program');
const start = useJsonl();
const { defer } = useSynapse();

const i18n = Translator.create();
const t = (key: string, params?: Record<string, string>) =>
  i18n.t('de', { key, ...(params ? { params } : {}) });

async function user(label: string): Promise<MatrixUser> {
  const created = await MatrixUser.create(label);
  defer(() => created.stop());
  return created;
}

interface Deployment {
  readonly staff: MatrixUser;
  readonly anna: MatrixUser;
  readonly botUserId: string;
  readonly staffRoom: string;
  readonly bot: JsonlProcess;
  readonly cli: (...args: string[]) => Promise<CliResult>;
  readonly stop: () => Promise<void>;
}

/**
 * Starts Lotse as `npm start` would, with Matrix configured: one process in the default role, or
 * a `--role bot` process (public key only) beside a `--role worker` process (private key).
 */
async function deploy(split: boolean): Promise<Deployment> {
  const [staff, anna] = await Promise.all([user('staff'), user('anna')]);
  // Staff command from a session they have cross-signed.
  await staff.crossSign();
  const account = await registerUser('lotse-bot', { login: false });
  const staffRoom = await staff.openGroup([account.userId]);
  const keys = generateStaffKeyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-matrix-program-'));
  defer(() => rm(dataDir, { recursive: true, force: true }));
  const common = { REDIS_KEY_PREFIX: redis.prefix, DATA_DIR: dataDir };
  // With Matrix configured the bot needs a session key (the worker and the CLI ignore it).
  const SESSION_KEY = StateSeal.generateKey();
  const bot = start({
    prefix: redis.prefix,
    user: 'console-nobody',
    args: split ? ['--role', 'bot'] : [],
    logLevel: 'info',
    env: {
      ...common,
      SESSION_KEY,
      ...(split ? { STAFF_PUBLIC_KEY: keys.publicKey } : { STAFF_PRIVATE_KEY: keys.privateKey }),
      MATRIX_HOMESERVER_URL: SYNAPSE_URL,
      MATRIX_USER_ID: account.userId,
      MATRIX_PASSWORD: account.password,
      MATRIX_STAFF_ROOM: staffRoom,
      MATRIX_STAFF_USER_IDS: staff.userId,
    },
  });
  const worker = split
    ? start({
        prefix: redis.prefix,
        args: ['--role', 'worker'],
        env: { ...common, STAFF_PRIVATE_KEY: keys.privateKey },
      })
    : undefined;
  // The bot joins the staff room it was invited to.
  await staff.membership(staffRoom, account.userId, 'join', 90_000);
  return {
    staff,
    anna,
    botUserId: account.userId,
    staffRoom,
    bot,
    cli: (...args: string[]) =>
      staffCli(args, {
        ...common,
        STAFF_PRIVATE_KEY: keys.privateKey,
        STAFF_USERS: 'ben',
        STAFF_USER: 'ben',
      }),
    // With a messenger running, the end of console input does not end the program: SIGTERM does,
    // gracefully.
    stop: async () => {
      if (worker) expect(await worker.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await bot.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    },
  };
}

/** The person's encrypted direct chat with the bot, and a submitted report: its room and case. */
async function report(d: Deployment): Promise<{ dm: string; caseRef: string }> {
  const dm = await d.anna.openDirectChat(d.botUserId);
  const hello = await d.anna.nextBatch(dm, new Set(), 90_000);
  const summary = await walk(d.anna, dm, GERMAN_INTAKE, hello.at(-1));
  expect(summary?.body).toContain(MARKER);
  const sent = await d.anna.say(dm, typed({ choice: 'send' }, summary));
  const caseRef = sent.find((m) => m.caseRef !== undefined)?.caseRef ?? '';
  expect(parseCaseRef(caseRef)).toBe(caseRef);
  return { dm, caseRef };
}

/** Sends a command to the staff room and resolves with the bot's answer to it. */
async function command(d: Deployment, body: string): Promise<BotMessage> {
  const id = await d.staff.send(d.staffRoom, body);
  return d.staff.nextMessage(d.staffRoom, (m) => m.replyTo === id, 30_000);
}

/** Waits for a case notice of one kind in the staff room. */
function notice(d: Deployment, caseRef: string, kind: string): Promise<BotMessage> {
  return d.staff.nextMessage(
    d.staffRoom,
    (m) =>
      m.replyTo === undefined &&
      m.body.includes(caseRef) &&
      m.body.includes(t(`matrix:staff.notice.${kind}`)),
    60_000,
  );
}

describe('Lotse on Matrix, the whole program against a real Synapse', () => {
  it('report in an encrypted chat → staff room → claim, show, reply → answer → close', async () => {
    const d = await deploy(false);
    const { dm, caseRef } = await report(d);

    // The case notice reaches the encrypted staff room, without details.
    const fresh = await notice(d, caseRef, 'new');
    expect(fresh.encrypted).toBe(true);
    expect(fresh.msgtype).toBe('m.notice');
    expect(fresh.body).not.toContain(MARKER);

    expect((await command(d, `!claim ${caseRef}`)).body).toBe(t('staff:done.claim', { caseRef }));
    // The details, in the encrypted staff room only.
    const details = await command(d, `!show ${caseRef}`);
    expect(details.encrypted).toBe(true);
    expect(details.body).toContain(MARKER);
    // The same readable document as the CLI's `show`, not the stored JSON.
    expect(details.body).toContain(t('staff:doc.description'));
    expect(details.body).toContain('shot.png');
    expect(details.body).not.toContain('"description"');
    expect(details.html).toContain('<br');

    // The staff reply reaches the person's encrypted chat; the person answers there.
    expect(
      (await command(d, `!reply ${caseRef} Wir rufen Sie morgen an. STAFF-REPLY-M`)).body,
    ).toBe(t('staff:done.reply', { caseRef }));
    const reply = await d.anna.nextMessage(dm, (m) => m.body.includes('STAFF-REPLY-M'), 30_000);
    expect(reply.encrypted).toBe(true);
    expect(reply.body).toContain(caseRef);
    const answered = await d.anna.say(dm, 'Danke, morgen passt. PERSON-ANSWER-M');
    expect(answered.map((m) => m.body).join('\n')).toContain(t('case:chat.sent'));
    await notice(d, caseRef, 'message');
    expect((await command(d, `!show ${caseRef}`)).body).toContain('PERSON-ANSWER-M');

    // Closed in the room; the notice says so and the CLI sees the case closed.
    expect((await command(d, `!close ${caseRef} beraten`)).body).toBe(
      t('staff:done.close', { caseRef }),
    );
    await notice(d, caseRef, 'closed');
    expect((await d.cli('reply', caseRef, 'noch etwas')).stdout).toContain('abgeschlossen');

    // Erasing from the room takes the same command twice.
    expect((await command(d, `!erase ${caseRef}`)).body).toBe(t('staff:confirmErase', { caseRef }));
    expect((await d.cli('show', caseRef)).code).toBe(0);
    expect((await command(d, `!erase ${caseRef}`)).body).toBe(t('staff:done.erase', { caseRef }));
    await notice(d, caseRef, 'erased');
    expect((await d.cli('show', caseRef)).code).toBe(3);

    // Each notice was posted once.
    const notices = d.staff.received.filter(
      (m) => m.roomId === d.staffRoom && m.replyTo === undefined && m.body.includes(caseRef),
    );
    expect(new Set(notices.map((m) => m.body)).size).toBe(notices.length);

    // The info logs name neither what was said nor who said it.
    for (const secret of [MARKER, 'STAFF-REPLY-M', 'PERSON-ANSWER-M', d.anna.userId]) {
      expect(d.bot.stderr).not.toContain(secret);
    }
    await d.stop();
  }, 240_000);

  it('with a separate worker: its notices and the CLI`s reach the room; the bot cannot decrypt', async () => {
    const d = await deploy(true);
    const { dm, caseRef } = await report(d);
    // Opened by the worker process, relayed to the room by the bot process.
    expect((await notice(d, caseRef, 'new')).encrypted).toBe(true);
    // A claim in the staff CLI is announced in the room as well.
    expect((await d.cli('claim', caseRef)).code).toBe(0);
    await notice(d, caseRef, 'claimed');
    // The public-facing bot holds only the public key: no details from it, but where to read them.
    expect((await command(d, `!show ${caseRef}`)).body).toBe(
      t('staff:refused.show-elsewhere', { caseRef }),
    );
    expect((await d.cli('reply', caseRef, 'Antwort aus der CLI. STAFF-REPLY-S')).code).toBe(0);
    const reply = await d.anna.nextMessage(dm, (m) => m.body.includes('STAFF-REPLY-S'), 30_000);
    expect(reply.encrypted).toBe(true);
    await d.stop();
  }, 240_000);
});
