/**
 * Injection (issue 13, item 6): HTML, Markdown (Telegram's parse modes, Matrix's formatted_body)
 * and terminal escapes (CSI, OSC 8 links, BEL, C1 controls, bidi overrides) written by a person –
 * in every free-text answer of a report and in messages to the case – and by staff in a note and a
 * reply never act as markup or control where the case is read:
 *
 * - the Matrix staff room on Synapse (`!show`: the body and formatted_body staff receive),
 * - Telegram on the emulator (every Bot API call the program made: the staff group's notices and
 *   answers, and the staff reply in the person's chat – its text and parse mode),
 * - the staff CLI (the bytes the real `npm run staff` process prints: show, list, feed, --json),
 * - the case document (`staff export`: the .txt document and the .json file).
 *
 * One list of payloads; each is checked on each surface and counted as rendered when it shows in
 * any other form than as text, or when anything the surface got could act on a client or terminal.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { printable } from '../../src/bot/printable.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { MatrixUser } from '../adapters/matrix/harness/matrix-user.ts';
import { ensureSynapse, registerUser } from '../adapters/matrix/harness/synapse.ts';
import { TestBot } from '../adapters/matrix/harness/test-bot.ts';
import { TelegramHarness, type TelegramUser } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { TestRedis, uniquePrefix } from '../support/redis.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { staffCli } from '../support/staff-cli.ts';
import { until } from '../support/wait.ts';

/**
 * What people type to make a staff tool show something other than text. Each starts with its own
 * tag (P01 …) so that it can be found; none has a line break or surrounding blanks (a line break
 * is kept as one, by design).
 */
const PAYLOADS = [
  // HTML, as Telegram's HTML parse mode and Matrix's formatted_body would read it.
  'P01 <b>fett</b> <i>kursiv</i> <u>unter</u> <s>durch</s>',
  'P02 <a href="https://evil.example/login">Zum Portal</a>',
  'P03 <script>alert(1)</script><img src=x onerror=alert(2)>',
  'P04 <mx-reply><blockquote>gefälschtes Zitat</blockquote></mx-reply>',
  'P05 <font color="#ff0000" data-mx-bg-color="#000">rot</font> <span data-mx-spoiler>geheim</span>',
  'P06 &lt;b&gt;schon maskiert&lt;/b&gt; &amp; &#x3C;i&#x3E; &quot;',
  'P07 <pre><code class="language-js">x</code></pre> <tg-spoiler>s</tg-spoiler> <tg-emoji emoji-id="1">e</tg-emoji>',
  // Markdown and Telegram's MarkdownV2.
  'P08 **fett** __unter__ _kursiv_ *stern* ~durch~ ||spoiler|| `code`',
  'P09 [Klick hier](https://evil.example/x) ![bild](https://evil.example/p.png) <https://evil.example>',
  'P10 # Überschrift > Zitat - Liste 1. eins ``` block ```',
  'P11 \\*entwertet\\* \\_x\\_ \\[a\\]\\(b\\) \\\\ \\`',
  'P12 [@room](https://matrix.to/#/@admin:evil.example) @room',
  // Terminal escapes: colours, screen and cursor, OSC 8 links, title, BEL, C1, carriage return.
  'P13 \x1b[31mROT\x1b[0m \x1b[1;5mblinkt\x1b[m',
  'P14 \x1b[2J\x1b[H\x1b[3J Bildschirm geleert',
  'P15 \x1b]8;;https://evil.example/\x07harmloser Link\x1b]8;;\x07',
  'P16 \x1b]8;;https://evil.example/\x1b\\ST-Link\x1b]8;;\x1b\\',
  'P17 \x1b]0;Fenstertitel\x07 \x1b]52;c;ZXZpbA==\x07 Zwischenablage',
  'P18 \x07\x07 Klingel \x08\x08\x08 zurück',
  'P19 \x9b31mC1-CSI\x9b0m \x9d8;;https://evil.example/\x9cC1-OSC\x9d8;;\x9c \x85NEL \x90DCS\x9c',
  'P20 harmlos\r\x1b[2Kersetzt',
  'P21 \x1bc\x1b[?1049h\x1b[?25l Terminal zurückgesetzt',
  // Bidi and invisible characters: reorder or hide what follows.
  'P22 Rechnung\u202Efdp.exe\u202C \u2066isoliert\u2069 \u2067rtl\u2069',
  'P23 a\u200Fb\u200Ec \u061C d\u200Be\u2060f\uFEFFg \u2028 \u2029',
  // Mixed: a tag around an escape, i18next syntax.
  'P24 <b>\x1b[31m</b>{{caseRef}} $t(common:menu.prompt) %s %n',
] as const;

/** What may never reach a terminal or a chat as it is: C0 (but line feed and tab), DEL, C1, bidi. */
const RAW_CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** The tags Lotse's own staff room answers are built of (src/adapters/matrix/render.ts). */
const OWN_TAGS = new Set(['<p>', '</p>', '<br>']);

const unescapeHtml = (html: string): string =>
  html
    .replace(/<br>/g, '\n')
    .replace(/<\/?p>/g, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** How often a text holds a piece. */
const count = (text: string, piece: string): number => text.split(piece).length - 1;

const keys = generateStaffKeyPair();
const PERSON = 208;
let redis: TestRedis | undefined;
let tg: TelegramHarness | undefined;
let matrix: { staff: MatrixUser; room: string; bot: TestBot } | undefined;
let caseRef = '';
let person: TelegramUser | undefined;

const cliEnv = () => ({
  REDIS_KEY_PREFIX: redis?.prefix ?? '',
  STAFF_PRIVATE_KEY: keys.privateKey,
  STAFF_USERS: 'anna',
  STAFF_USER: 'anna',
  DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-injection-')),
  LOG_LEVEL: 'error',
});

beforeAll(async () => {
  await ensureSynapse();
  redis = new TestRedis(uniquePrefix('injection'));
  const staff = await MatrixUser.create('staff');
  const h = await TelegramHarness.start({
    redis: redis.client,
    prefix: redis.prefix,
    staff: { chatId: '-1001', userIds: ['900'], matrixUserIds: [staff.userId] },
    appDesk: true,
    keys,
  });
  tg = h;
  person = h.user({ userId: PERSON });
  await person.send('/start');

  // The Matrix staff room on the same desk: a cross-signed staff member and the bot, nobody else.
  await staff.crossSign();
  const account = await registerUser('lotse-bot', { login: false });
  const room = await staff.openGroup([account.userId]);
  const bot = await TestBot.create({
    account,
    redis: redis.client,
    prefix: redis.prefix,
    staffRoom: room,
    staffUserIds: [staff.userId],
    desk: h.app.desk,
  });
  await bot.start();
  await staff.membership(room, bot.userId, 'join');
  matrix = { staff, room, bot };

  // A report whose every free-text answer is hostile: the description holds them all, each other
  // field one (as long as it fits), the evidence files' names and types and the links too.
  caseRef = newCaseRef();
  const pick = (i: number, max: number): string => {
    const fitting = PAYLOADS.filter((p) => p.length <= max);
    return fitting[i % fitting.length] ?? '';
  };
  const report = sampleReport(caseRef, {
    submittedAt: new Date().toISOString(),
    description: PAYLOADS.join('\n'),
    municipality: pick(1, 200),
    link: pick(2, 2000),
    fileNumber: pick(3, 100),
    contact: 'phone',
    contactValue: pick(4, 254),
    evidence: {
      files: PAYLOADS.slice(0, 5).map((p, i) => ({
        name: p,
        mime: pick(i + 5, 255),
        size: 10,
        sha256: '0'.repeat(64),
        receivedAt: new Date().toISOString(),
        ref: `file-${String(i)}`,
      })),
      links: [...PAYLOADS],
    },
  });
  await h.app.reports.submit(
    reportJob(
      caseRef,
      { report, address: { platform: 'telegram', userId: String(PERSON), chatId: String(PERSON) } },
      keys.publicKey,
    ),
  );
  await until(async () => (await h.app.cases.get(caseRef)) !== undefined, 20_000);

  // The person writes to the case (what the case-message effect hands the desk) …
  for (const p of PAYLOADS) expect(await h.app.desk.personMessage(caseRef, p)).toBe('ok');
  // … and staff answer in the Telegram group: claim, a note and a reply to the person.
  const anna = h.user({ userId: 900, chatId: -1001, type: 'supergroup', userName: 'anna' });
  await anna.send(`/claim ${caseRef}`);
  const all = PAYLOADS.join(' ');
  await anna.send(`/note ${caseRef} ${all}`);
  await anna.send(`/reply ${caseRef} ${all}`);
  const replied = async () =>
    (await person?.messages())?.some((m) => m.text.includes('P24')) === true;
  await until(replied, 30_000);
}, 5 * 60_000);

afterAll(async () => {
  await matrix?.staff.stop();
  await matrix?.bot.dispose();
  await tg?.stop();
  await redis?.cleanup();
});

describe('hostile answers and messages where staff read them', () => {
  /** Per surface, the payloads that showed as something other than text. */
  const rendered = new Map<string, string[]>();
  const note = (surface: string, failed: readonly string[]) => {
    rendered.set(surface, [...failed]);
  };

  it('Matrix staff room: every payload escaped in formatted_body, no control character in body', async () => {
    const m = matrix;
    if (m === undefined) throw new Error('Matrix did not start');
    const id = await m.staff.send(m.room, `!show ${caseRef}`);
    const shown = await m.staff.nextMessage(m.room, (x) => x.replyTo === id);
    const html = shown.html ?? '';
    const foreignTags = (html.match(/<[^>]*>/g) ?? []).filter((tag) => !OWN_TAGS.has(tag));
    // "@room" and names in the text notify nobody: the message says it mentions no one.
    const mentions = JSON.stringify(shown.mentions);
    const failed = PAYLOADS.filter(
      (p) =>
        foreignTags.length > 0 ||
        mentions !== '{}' ||
        RAW_CONTROL.test(shown.body) ||
        // Description, person's message, note and reply: each shows the payload as text.
        count(shown.body, printable(p)) < 4 ||
        count(unescapeHtml(html), printable(p)) < 4,
    );
    note('Matrix staff room', failed);
    expect(foreignTags).toEqual([]);
    expect(shown.mentions).toEqual({});
    expect(shown.body).not.toMatch(RAW_CONTROL);
    expect(failed).toEqual([]);
  });

  it('Telegram: no parse mode or entities on any call, the group shows no answer, the person gets the reply as text', () => {
    const h = tg;
    if (h === undefined) throw new Error('Telegram did not start');
    const sent = h.calls.filter((c) => ['sendMessage', 'editMessageText'].includes(c.method));
    const formatted = sent.filter(
      (c) => c.payload['parse_mode'] !== undefined || c.payload['entities'] !== undefined,
    );
    const group = sent.filter((c) => String(c.payload['chat_id']) === '-1001');
    const toPerson = sent
      .filter((c) => String(c.payload['chat_id']) === String(PERSON))
      .map((c) => String(c.payload['text']));
    expect(group.length).toBeGreaterThan(0);
    const failed = PAYLOADS.filter(
      (p) =>
        formatted.length > 0 ||
        // The group is not end-to-end encrypted: nothing a person or staff wrote is shown there.
        group.some((c) => String(c.payload['text']).includes(p.slice(0, 10))) ||
        // The reply reaches the person exactly as staff typed it (plain text: nothing to render).
        !toPerson.some((t) => t.includes(p)),
    );
    note('Telegram', failed);
    expect(formatted).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('staff CLI: no control byte in what it prints, every payload shown as text, --json faithful', async () => {
    const env = cliEnv();
    const runs = await Promise.all(
      [['show', caseRef], ['show', caseRef, '--json'], ['list'], ['list', '--json'], ['feed']].map(
        (args) => staffCli(args, env),
      ),
    );
    for (const run of runs) expect(run.code).toBe(0);
    const [show, json] = runs;
    const bytes = runs.map((r) => r.stdout + r.stderr).join('\n');
    const details = JSON.parse(json?.stdout ?? '{}') as {
      report: { description: string };
      messages: { text: string }[];
      notes: { text: string }[];
    };
    const failed = PAYLOADS.filter(
      (p) =>
        RAW_CONTROL.test(bytes) ||
        count(show?.stdout ?? '', printable(p)) < 4 ||
        !details.report.description.includes(p) ||
        !details.messages.some((message) => message.text === p) ||
        !details.notes.some((n) => n.text.includes(p)),
    );
    note('staff CLI', failed);
    expect(bytes).not.toMatch(RAW_CONTROL);
    expect(failed).toEqual([]);
  });

  it('case document: the .txt holds every payload as text and no control character; the .json gives it back', async () => {
    const env = cliEnv();
    const out = mkdtempSync(join(tmpdir(), 'lotse-injection-export-'));
    const run = await staffCli(['export', caseRef, '--out', out], env);
    expect(run.code).toBe(0);
    const names = readdirSync(out).sort();
    expect(names).toEqual([`lotse-${caseRef}.json`, `lotse-${caseRef}.txt`]);
    const txt = readFileSync(join(out, `lotse-${caseRef}.txt`), 'utf8');
    const json = readFileSync(join(out, `lotse-${caseRef}.json`), 'utf8');
    const parsed = JSON.parse(json) as { report: { description: string } };
    const failed = PAYLOADS.filter(
      (p) =>
        RAW_CONTROL.test(txt) ||
        RAW_CONTROL.test(json) ||
        count(txt, printable(p)) < 4 ||
        !parsed.report.description.includes(p),
    );
    note('case document', failed);
    expect(txt).not.toMatch(RAW_CONTROL);
    expect(json).not.toMatch(RAW_CONTROL);
    expect(failed).toEqual([]);
  });

  it('counts: N payloads × M surfaces, none rendered', () => {
    const surfaces = [...rendered.keys()];
    const total = [...rendered.values()].reduce((sum, failed) => sum + failed.length, 0);
    reportFigures('injection', [
      `${String(PAYLOADS.length)} payloads × ${String(surfaces.length)} surfaces (${surfaces.join(', ')}): ${String(total)} rendered`,
    ]);
    expect(surfaces).toHaveLength(4);
    expect(total).toBe(0);
  });
});
