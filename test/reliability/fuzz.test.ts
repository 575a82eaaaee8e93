/**
 * Fuzzing with fast-check: generated inputs of every kind – unicode, control and bidi characters,
 * markup, 100 kB texts, forged choice ids, malformed files and callback data, commands in every
 * step – through the engine (at every step of the intake and the case chat), through the console's
 * JSON-lines channel end to end on Redis, and through the Telegram and Matrix adapters' parsing.
 * No crash, the stored session always passes its schema, every reply is a localised sentence.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlChannel } from '../../src/adapters/console/jsonl-channel.ts';
import { readMessage, stripReplyFallback } from '../../src/adapters/matrix/inbound.ts';
import { attachmentOf } from '../../src/adapters/telegram/attachments.ts';
import { chatCommandOf } from '../../src/adapters/telegram/bot-commands.ts';
import { parseCallbackData, resolveOption } from '../../src/adapters/telegram/callback-data.ts';
import { createApp } from '../../src/app.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { Engine } from '../../src/bot/engine.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { loadSession } from '../../src/bot/session.ts';
import {
  COMMANDS,
  type InboundEvent,
  type InboundInput,
  type OutboundMessage,
} from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createFlowRegistry } from '../../src/flows/index.ts';
import { text } from '../../src/flows/types.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { parseStaffCommand } from '../../src/staff/commands.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE } from '../support/intake-script.ts';
import { MemoryConversationStore } from '../support/memory-store.ts';
import { useTestRedis } from '../support/redis.ts';

const i18n = Translator.create();
const INTERNAL = [
  i18n.t('de', text('common:error.internal')),
  i18n.t('en', text('common:error.internal')),
];

const SPECIALS = [
  '\u202e',
  '\u2066abc\u2069',
  '\u200f',
  '\u0000',
  '\u0007',
  '\u001b[2J\u001b[31mrot',
  '\r\n',
  '\ud800',
  '<b>fett</b>',
  '<script>alert(1)</script>',
  '<a href="javascript:x">x</a>',
  '*fett* _kursiv_ `code`',
  '[Link](https://example.org)',
  '{{caseRef}}',
  '$t(common:welcome)',
  '%s %d',
  '__proto__',
  'constructor',
  'toString',
  '/constructor',
  'x.constructor',
  '/start',
  '/menu',
  '/menue',
  '/delete',
  '/back',
  '/status',
  '/cancel',
  '/wipe',
  'hilfe',
  '110',
  'Notfall',
  'menu',
  'skip',
  'Fertig',
  '0',
  '-1',
  '99',
  '1e9',
  'ja',
  'nein',
  '29.02.2023',
  '31.12.9999',
  'heute',
  'gestern',
];
const KNOWN_IDS = [
  ...new Set(
    GERMAN_INTAKE.flatMap((l) => {
      const line = l as { choice?: string; choices?: string[] };
      return [...(line.choice === undefined ? [] : [line.choice]), ...(line.choices ?? [])];
    }),
  ),
  'send',
  'yes',
  'no',
  'de',
  'en',
  'back',
  'edit',
  'done',
];

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIALS) },
  {
    weight: 3,
    arbitrary: fc.array(fc.constantFrom(...SPECIALS), { maxLength: 6 }).map((a) => a.join(' ')),
  },
  { weight: 1, arbitrary: fc.constantFrom('ä'.repeat(100_000), 'x\n'.repeat(50_000)) },
);
const idArb = fc.oneof(
  fc.constantFrom(...KNOWN_IDS),
  fc.string({ unit: 'binary', maxLength: 70 }),
  fc.constantFrom(...SPECIALS),
);
const fileArb = fc.record({
  name: textArb,
  mime: fc.oneof(
    fc.constantFrom('image/png', 'application/pdf', 'text/html', 'application/x-msdownload', ''),
    fc.string({ maxLength: 30 }),
  ),
  size: fc.integer(),
  sha256: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ maxLength: 10 })),
  receivedAt: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.string({ maxLength: 20 }),
  ),
  ref: fc.string({ maxLength: 40 }),
});
const inputArb: fc.Arbitrary<InboundInput> = fc.oneof(
  { weight: 6, arbitrary: textArb.map((t) => ({ kind: 'text' as const, text: t })) },
  { weight: 4, arbitrary: idArb.map((id) => ({ kind: 'choice' as const, id })) },
  {
    weight: 2,
    arbitrary: fc.array(idArb, { maxLength: 60 }).map((ids) => ({ kind: 'choices' as const, ids })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        files: fc.array(fileArb, { maxLength: 25 }),
        rejected: fc.option(
          fc.array(fc.constantFrom<'tooLarge' | 'type' | 'empty'>('tooLarge', 'type', 'empty'), {
            maxLength: 3,
          }),
          { nil: undefined },
        ),
      })
      .map(({ files, rejected }) => ({
        kind: 'files' as const,
        files,
        ...(rejected === undefined ? {} : { rejected }),
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...COMMANDS)
      .map((command) => ({ kind: 'command' as const, command })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hello' as const }) },
  {
    weight: 1,
    // Raised by the outbound queue for a staff reply: always a real case reference.
    arbitrary: fc
      .constantFrom(newCaseRef(), newCaseRef(), 'ABCD-EFGH-JKMN-P')
      .map((caseRef) => ({ kind: 'case-opened' as const, caseRef })),
  },
);

/** What is wrong with a message a person would see, if anything. */
function problemsOf(message: OutboundMessage): string[] {
  const problems: string[] = [];
  const texts = [message.text, ...(message.expects.options ?? []).map((o) => o.label)];
  for (const t of texts) {
    if (t.trim() === '') problems.push('empty text');
    if (/undefined|\bNaN\b|\[object Object\]|\{\{|\}\}/.test(t))
      problems.push(`placeholder in ${t.slice(0, 80)}`);
    if (/^[a-z]+:[\w.]+$/.test(t)) problems.push(`bare key ${t}`);
    if (/\n\s+at \S+ \(|\bError: /.test(t)) problems.push('stack trace');
  }
  if (INTERNAL.includes(message.text)) problems.push('internal error');
  return problems;
}

const FILE_REF = {
  name: 'shot.png',
  mime: 'image/png',
  size: 10,
  sha256: 'a'.repeat(64),
  receivedAt: '2026-11-30T10:00:00.000Z',
  ref: 'f1',
};

/** The intake as engine inputs (the file as a stored file reference). */
function scriptInputs(): InboundInput[] {
  return [...GERMAN_INTAKE, { choice: 'send' }, { text: 'Nachricht an den Fall' }].map((l) => {
    const line = l as Record<string, unknown>;
    if (typeof line['text'] === 'string') return { kind: 'text', text: line['text'] };
    if (typeof line['choice'] === 'string') return { kind: 'choice', id: line['choice'] };
    if (Array.isArray(line['choices']))
      return { kind: 'choices', ids: line['choices'] as string[] };
    if (typeof line['command'] === 'string') return { kind: 'command', command: 'start' };
    return { kind: 'files', files: [FILE_REF] };
  });
}

const counts: string[] = [];

describe('fuzzing', () => {
  afterAll(() => {
    reportFigures('fuzz', counts);
  });

  it('the engine, at every step: no crash, a valid session, localised replies', async () => {
    const store = new MemoryConversationStore({ rateLimit: 1e9 });
    const sent: OutboundMessage[][] = [];
    const engine = new Engine({
      store,
      flows: createFlowRegistry(),
      i18n,
      outbound: {
        deliver: (_event, messages) => {
          sent.push([...messages]);
          return Promise.resolve();
        },
      },
      logger: pino({ level: 'silent' }),
      defaultLanguage: 'de',
      newCaseRef: () => 'ABCD-EFGH-JKMN-P',
    });
    const event = (user: string, input: InboundInput): InboundEvent => ({
      platform: 'console',
      userId: user,
      chatId: user,
      eventId: randomUUID(),
      input,
    });
    // The session after each step of the intake, to start the generated inputs from.
    const snapshots: (string | null)[] = [null];
    for (const input of scriptInputs()) {
      await engine.handle(event('walker', input));
      snapshots.push(store.session('console:walker'));
    }
    let inputs = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(snapshots.length - 1),
        fc.constantFrom('de', 'en'),
        fc.array(inputArb, { minLength: 1, maxLength: 8 }),
        async (depth, lang, generated) => {
          runs++;
          const user = `fuzz-${runs}`;
          const key = `console:${user}`;
          const start = snapshots[depth] ?? null;
          store.setSession(
            key,
            start === null ? null : start.replace('"lang":"de"', `"lang":"${lang}"`),
          );
          for (const input of generated) {
            inputs++;
            sent.length = 0;
            await engine.handle(event(user, input));
            const raw = store.session(key);
            if (raw !== null) expect(loadSession(raw).kind).toBe('ok');
            if (input.kind !== 'case-opened') expect(sent.length).toBe(1);
            for (const message of sent.flat()) expect(problemsOf(message)).toEqual([]);
          }
        },
      ),
      { numRuns: 1_500 },
    );
    counts.push(`engine: ${inputs} inputs in ${runs} runs from ${snapshots.length} steps`);
    expect(inputs).toBeGreaterThan(5_000);
  }, 240_000);

  const redis = useTestRedis('fuzz');
  it('the console JSON-lines channel, end to end on Redis: an idle line and valid output for every line', async () => {
    const config = loadConfig(
      { REDIS_KEY_PREFIX: redis.prefix, RATE_LIMIT_MESSAGES: '10000' },
      null,
    );
    const app = createApp(config, redis.connection(), pino({ level: 'silent' }), {
      keys: generateStaffKeyPair(),
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let buffer = '';
    const lines: string[] = [];
    output.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
    });
    await app.addChannel(
      new JsonlChannel({ input, output, defaultUser: 'fuzz', files: app.files }),
    );
    const userArb = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c') },
      { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
    );
    const bodyArb = fc.oneof(
      textArb.map((t) => ({ text: t })),
      idArb.map((choice) => ({ choice })),
      fc.array(idArb, { maxLength: 60 }).map((choices) => ({ choices })),
      fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 10 })).map((command) => ({
        command,
      })),
      fc
        .record({
          name: fc.oneof(textArb, fc.string({ maxLength: 300 })),
          mime: fc.oneof(
            fc.constantFrom('image/png', 'application/pdf', 'text/html'),
            fc.string({ maxLength: 30 }),
          ),
          data: fc.oneof(fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 50 })),
        })
        .map((file) => ({ file })),
    );
    const lineArb = fc
      .oneof(
        {
          weight: 12,
          arbitrary: fc
            .tuple(fc.option(userArb, { nil: undefined }), bodyArb)
            .map(([user, body]) =>
              JSON.stringify({ ...(user === undefined ? {} : { user }), ...body }),
            ),
        },
        {
          weight: 1,
          arbitrary: fc.tuple(bodyArb, bodyArb).map(([x, y]) => JSON.stringify({ ...x, ...y })),
        },
        { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
      )
      .filter((l) => l.trim() !== '' && !/[\n\r\u2028\u2029\u0085]/.test(l));
    let sentLines = 0;
    let messages = 0;
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(lineArb, async (line) => {
        sentLines++;
        const before = lines.length;
        input.write(`${line}\n`);
        for (let i = 0; i < 400 && !lines.slice(before).some((l) => l === '{"type":"idle"}'); i++)
          await new Promise((r) => setTimeout(r, 5));
        const out = lines.slice(before).map(
          (l) =>
            JSON.parse(l) as {
              type: string;
              text?: string;
              expects?: OutboundMessage['expects'];
            },
        );
        expect(out.filter((o) => o.type === 'idle')).toHaveLength(1);
        for (const o of out) {
          if (o.type === 'error') errors++;
          if (o.type !== 'message') continue;
          messages++;
          expect(
            problemsOf({ text: o.text ?? '', expects: o.expects ?? { kind: 'none' } }),
          ).toEqual([]);
        }
      }),
      { numRuns: 1_500 },
    );
    input.end();
    await app.stop();
    counts.push(`console: ${sentLines} lines, ${messages} messages, ${errors} error lines`);
    expect(sentLines).toBe(1_500);
  }, 240_000);

  it('the Telegram and Matrix parsing: no crash, only well-formed results', () => {
    let telegram = 0;
    let matrix = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.constantFrom(
            'c:',
            'c#',
            'c#-1',
            'c#99999999999',
            't:',
            'd',
            's:',
            's:ABCD',
            'c:__proto__',
          ),
        ),
        (data) => {
          telegram++;
          const parsed = parseCallbackData(data);
          if (parsed !== undefined && 'option' in parsed)
            resolveOption([{ id: 'a' }], parsed.option);
        },
      ),
      { numRuns: 1_500 },
    );
    fc.assert(
      fc.property(textArb, (typed) => {
        telegram += 2;
        chatCommandOf(typed);
        parseStaffCommand(typed, '/');
        parseStaffCommand(typed, '');
        matrix += 2;
        parseStaffCommand(typed, '!');
        stripReplyFallback(typed);
      }),
      { numRuns: 1_000 },
    );
    // Telegram messages as the Bot API shapes them, with any values in the fields.
    const telegramFile = fc.record(
      {
        file_id: fc.string({ maxLength: 20 }),
        file_unique_id: fc.string({ maxLength: 20 }),
        file_size: fc.integer(),
        file_name: textArb,
        mime_type: fc.oneof(fc.constantFrom('image/png', 'application/pdf'), fc.string()),
        width: fc.integer(),
        height: fc.integer(),
        duration: fc.integer(),
      },
      { requiredKeys: ['file_id', 'file_unique_id'] },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            photo: fc.array(telegramFile, { maxLength: 4 }),
            document: telegramFile,
            voice: telegramFile,
            audio: telegramFile,
            video: telegramFile,
            video_note: telegramFile,
          },
          { requiredKeys: [] },
        ),
        (parts) => {
          telegram++;
          const found = attachmentOf({
            message_id: 1,
            date: 0,
            chat: { id: 1, type: 'private', first_name: 'x' },
            ...parts,
          } as never);
          if (found !== undefined) expect(typeof found.fileId).toBe('string');
        },
      ),
      { numRuns: 1_500 },
    );
    // Matrix event content is any JSON a client sends.
    fc.assert(
      fc.property(
        fc.record(
          {
            msgtype: fc.oneof(
              fc.constantFrom(
                'm.text',
                'm.emote',
                'm.notice',
                'm.image',
                'm.file',
                'm.audio',
                'm.video',
              ),
              fc.jsonValue(),
            ),
            body: fc.oneof(textArb, fc.jsonValue()),
            filename: fc.oneof(textArb, fc.jsonValue()),
            info: fc.oneof(
              fc.record(
                { mimetype: fc.oneof(fc.string(), fc.jsonValue()), size: fc.jsonValue() },
                { requiredKeys: [] },
              ),
              fc.jsonValue(),
            ),
            url: fc.oneof(fc.constant('mxc://example.org/a'), fc.jsonValue()),
            file: fc.jsonValue(),
            'm.relates_to': fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        (content) => {
          matrix++;
          const result = readMessage(content);
          expect(['text', 'media', 'refused', 'ignore']).toContain(result.kind);
        },
      ),
      { numRuns: 2_000 },
    );
    counts.push(`telegram parsing: ${telegram} inputs; matrix parsing: ${matrix} inputs`);
  });
});
