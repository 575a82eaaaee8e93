/**
 * The console JSON-lines protocol end to end: the real program (`node src/main.ts --jsonl`) against
 * the real Redis, driven line by line.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Translator } from '../../../src/bot/i18n.ts';
import { RedisConversationStore } from '../../../src/infra/redis/conversation-store.ts';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { text, type Language } from '../../../src/flows/types.ts';
import {
  messagesOf,
  questionOf,
  useJsonl,
  type JsonlOptions,
  type JsonlProcess,
  type MessageLine,
  type OutputLine,
} from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';

const i18n = Translator.create();
const t = (lang: Language, key: string, params?: Record<string, string | number>) =>
  i18n.t(lang, text(key, params));

const redis = useTestRedis('jsonl');
const startJsonl = useJsonl();
const start = (options: Partial<JsonlOptions> = {}): JsonlProcess =>
  startJsonl({ prefix: redis.prefix, ...options });

/** The output lines, exactly as ARCHITECTURE.md specifies them (no other fields). */
const option = z.strictObject({ id: z.string().min(1), label: z.string().min(1) });
const outputLine = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('message'),
    user: z.string().min(1),
    text: z.string().min(1),
    expects: z.union([
      z.strictObject({
        kind: z.enum(['choice', 'multi', 'confirm']),
        options: z.array(option).min(1),
      }),
      z.strictObject({ kind: z.enum(['text', 'date', 'place', 'files', 'none']) }),
    ]),
    case: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('idle') }),
  z.strictObject({ type: z.literal('error'), error: z.string().min(1), message: z.string() }),
]);

/** Checks the protocol of a reply: valid lines, exactly one idle, at the end. */
function protocol(lines: readonly OutputLine[]): readonly OutputLine[] {
  for (const line of lines) expect(outputLine.safeParse(line).error).toBeUndefined();
  expect(lines.filter((l) => l.type === 'idle')).toHaveLength(1);
  expect(lines.at(-1)).toEqual({ type: 'idle' });
  return lines;
}

const MENU_IDS = ['report', 'rights', 'emergency', 'language', 'delete'];

function menuOf(lang: Language, user = 'console'): MessageLine {
  return {
    type: 'message',
    user,
    text: t(lang, 'common:menu.prompt'),
    expects: {
      kind: 'choice',
      options: MENU_IDS.map((id) => ({ id, label: t(lang, `common:menu.${id}`) })),
    },
  };
}
const emergencyPage = (lang: Language, user = 'console'): MessageLine => ({
  type: 'message',
  user,
  text: t(lang, 'common:emergency.text'),
  expects: { kind: 'choice', options: [{ id: 'menu', label: t(lang, 'common:nav.menu') }] },
});
const note = (lang: Language, key: string, user = 'console'): MessageLine => ({
  type: 'message',
  user,
  text: t(lang, key),
  expects: { kind: 'none' },
});

describe('JSON-lines protocol', () => {
  it('answers with message lines and one idle line per input line', async () => {
    const bot = start();
    const lines = protocol(await bot.send({ command: 'start' }));
    expect(lines).toEqual([note('de', 'common:welcome'), menuOf('de'), { type: 'idle' }]);
    expect(protocol(await bot.send({ choice: 'emergency' }))).toEqual([
      emergencyPage('de'),
      { type: 'idle' },
    ]);
    expect(protocol(await bot.send({ text: 'Zum Hauptmenü' }))).toEqual([
      menuOf('de'),
      { type: 'idle' },
    ]);
    expect(await bot.close()).toBe(0);
  });

  it('answers a broken line with an error object and idle, and stays where it was', async () => {
    const bot = start();
    await bot.send({ command: 'start' });
    await bot.send({ choice: 'emergency' });
    const broken: [string, string][] = [
      ['not json', 'invalid-json'],
      ['{"text": "unterminated', 'invalid-json'],
      ['{"text":"a","choice":"b"}', 'invalid-line'],
      ['{"command":"menu","text":"x"}', 'invalid-line'],
      ['{}', 'invalid-line'],
      ['{"user":"someone"}', 'invalid-line'],
      ['[]', 'invalid-line'],
      ['42', 'invalid-line'],
      ['null', 'invalid-line'],
      ['"menu"', 'invalid-line'],
      ['{"command":"fly"}', 'invalid-line'],
      ['{"choices":"report"}', 'invalid-line'],
      ['{"user":"bad user!","text":"x"}', 'invalid-line'],
      ['{"text":42}', 'invalid-line'],
      ['{"file":{"name":"a.png","mime":"image/png","data":"not base64!"}}', 'invalid-line'],
    ];
    for (const [line, error] of broken) {
      const reply = protocol(await bot.send(line));
      expect(reply, line).toEqual([
        { type: 'error', error, message: expect.any(String) as string },
        { type: 'idle' },
      ]);
    }
    // Still on the emergency page: its only option is accepted and leads to the menu.
    expect(questionOf(await bot.send({ choice: 'menu' }))).toEqual(menuOf('de'));
    expect(await bot.close()).toBe(0);
  });

  it('opens a separate conversation for each "user", and replies carry that user', async () => {
    const bot = start();
    expect(protocol(await bot.send({ user: 'alice', command: 'start' }))).toEqual([
      note('de', 'common:welcome', 'alice'),
      menuOf('de', 'alice'),
      { type: 'idle' },
    ]);
    expect(questionOf(await bot.send({ user: 'alice', choice: 'emergency' }))).toEqual(
      emergencyPage('de', 'alice'),
    );
    // Bob is new: greeted, whatever he sends; Alice's step is untouched.
    const bob = await bot.send({ user: 'bob', choice: 'menu' });
    expect(messagesOf(bob).map((m) => m.user)).toEqual(['bob', 'bob']);
    expect(messagesOf(bob)[0]?.text).toBe(t('de', 'common:welcome'));
    // The default user is another conversation again.
    expect(messagesOf(await bot.send({ text: 'hallo' }))[0]).toEqual(note('de', 'common:welcome'));
    expect(questionOf(await bot.send({ user: 'alice', choice: 'menu' }))).toEqual(
      menuOf('de', 'alice'),
    );
    const store = new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: 1,
      rateLimit: 1,
      rateWindowMs: 1,
      seal: StateSeal.fromKeyring(StateSeal.generateKey()),
    });
    for (const user of ['alice', 'bob', 'console'])
      expect(await redis.client.exists(store.keys(`console:${user}`).session), user).toBe(1);
    expect(await bot.close()).toBe(0);
  });

  it('speaks English with --lang en, to the --user given', async () => {
    const bot = start({ lang: 'en', user: 'eve' });
    expect(protocol(await bot.send({ command: 'start' }))).toEqual([
      note('en', 'common:welcome', 'eve'),
      menuOf('en', 'eve'),
      { type: 'idle' },
    ]);
    expect(questionOf(await bot.send({ text: '3' }))).toMatchObject({
      user: 'eve',
      text: t('en', 'common:emergency.text'),
    });
    // Another user of the same process gets English too.
    expect(messagesOf(await bot.send({ user: 'frank', command: 'start' }))[0]?.text).toBe(
      t('en', 'common:welcome'),
    );
    expect(await bot.close()).toBe(0);
  });

  it('carries out start, menu, help, cancel, language and delete', async () => {
    const bot = start();
    const send = async (line: object) => protocol(await bot.send(line));
    await send({ command: 'start' });
    expect(await send({ choice: 'emergency' })).toEqual([emergencyPage('de'), { type: 'idle' }]);
    expect(await send({ command: 'help' })).toEqual([
      {
        ...note('de', 'common:help.text'),
        // The help lists the console's commands, then the emergency numbers.
        text: ['common:help.text', 'common:help.commands.console', 'common:help.danger']
          .map((key) => t('de', key))
          .join('\n\n'),
      },
      emergencyPage('de'),
      { type: 'idle' },
    ]);
    const language = questionOf(await send({ command: 'language' }));
    expect(language).toEqual({
      type: 'message',
      user: 'console',
      text: t('de', 'common:language.prompt'),
      expects: {
        kind: 'choice',
        options: [
          { id: 'de', label: 'Deutsch' },
          { id: 'en', label: 'English' },
        ],
      },
    });
    expect(await send({ command: 'cancel' })).toEqual([
      note('de', 'common:cancel.detour'),
      emergencyPage('de'),
      { type: 'idle' },
    ]);
    expect(await send({ command: 'menu' })).toEqual([menuOf('de'), { type: 'idle' }]);
    expect(await send({ command: 'cancel' })).toEqual([
      note('de', 'common:cancel.nothing'),
      menuOf('de'),
      { type: 'idle' },
    ]);
    await send({ choice: 'emergency' });
    expect(await send({ command: 'cancel' })).toEqual([
      note('de', 'common:cancel.done'),
      menuOf('de'),
      { type: 'idle' },
    ]);
    expect(await send({ command: 'start' })).toEqual([
      note('de', 'common:welcome'),
      menuOf('de'),
      { type: 'idle' },
    ]);
    await send({ command: 'language' });
    expect(await send({ choice: 'en' })).toEqual([
      note('en', 'common:language.changed'),
      menuOf('en'),
      { type: 'idle' },
    ]);
    const confirm = questionOf(await send({ command: 'delete' }));
    expect(confirm).toEqual({
      type: 'message',
      user: 'console',
      text: t('en', 'common:delete.prompt'),
      expects: {
        kind: 'confirm',
        options: [
          { id: 'yes', label: t('en', 'common:delete.yes') },
          { id: 'no', label: t('en', 'common:delete.no') },
        ],
      },
    });
    const store = new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: 1,
      rateLimit: 1,
      rateWindowMs: 1,
      seal: StateSeal.fromKeyring(StateSeal.generateKey()),
    });
    expect(await redis.client.exists(store.keys('console:console').session)).toBe(1);
    expect(await send({ choice: 'yes' })).toEqual([
      note('en', 'common:delete.done'),
      { type: 'idle' },
    ]);
    expect(await redis.client.exists(store.keys('console:console').session)).toBe(0);
    // Erased: the next message starts afresh, in the default language.
    expect(messagesOf(await send({ text: 'hello again' }))[0]).toEqual(
      note('de', 'common:welcome'),
    );
    expect(await bot.close()).toBe(0);
  });
});

describe('bad input over JSON lines', () => {
  /** The reply must be one message: the hint, then the same question; and an idle line. */
  function expectHint(lines: readonly OutputLine[], question: MessageLine, hint: string): void {
    protocol(lines);
    expect(lines).toHaveLength(2);
    const [message] = messagesOf(lines);
    expect(message?.text).toBe(`${hint}\n\n${question.text}`);
    expect(message?.expects).toEqual(question.expects);
    expect(message?.user).toBe(question.user);
  }

  it('gets a short localised answer and the same question again; the process lives on', async () => {
    for (const lang of ['de', 'en'] as const) {
      const bot = start({ lang, user: `bad-${lang}` });
      const menu = questionOf(await bot.send({ command: 'start' }));
      const cases: [object, string][] = [
        [{ text: '' }, t(lang, 'common:invalid.empty')],
        [{ text: '    ' }, t(lang, 'common:invalid.empty')],
        [{ text: ' \t\n\r\n ' }, t(lang, 'common:invalid.empty')],
        [{ text: '\u0000\u0001\u0007\u001b\u007f' }, t(lang, 'common:invalid.empty')],
        [{ text: '\u202e\u2066\ufeff' }, t(lang, 'common:invalid.empty')],
        [{ text: 'x'.repeat(100 * 1024) }, t(lang, 'common:invalid.tooLong', { max: 8000 })],
        [{ text: 'Guten\u0000 Tag\u202e' }, t(lang, 'common:invalid.choice')],
        [{ choice: 'admin' }, t(lang, 'common:invalid.choice')],
        [{ choice: 'yes' }, t(lang, 'common:invalid.choice')],
        [{ choices: ['report', 'rights'] }, t(lang, 'common:invalid.choice')],
        [{ text: '9' }, t(lang, 'common:invalid.choice')],
        [{ text: '/foo' }, t(lang, 'common:invalid.unknownCommand')],
        [{ text: '/admin@LotseBot now' }, t(lang, 'common:invalid.unknownCommand')],
      ];
      for (const [line, hint] of cases) expectHint(await bot.send(line), menu, hint);
      // Still at the menu, still answering.
      expect(questionOf(await bot.send({ choice: 'emergency' })).text).toBe(
        t(lang, 'common:emergency.text'),
      );
      expect(bot.child.exitCode).toBeNull();
      expect(bot.stderr).not.toMatch(/"level":(50|60)/);
      expect(await bot.close()).toBe(0);
    }
  });

  it('explains files of a refused type, too large or empty, and asks the same question; a file off the evidence step gets one line', async () => {
    const bot = start();
    const menu = questionOf(await bot.send({ command: 'start' }));
    const file = (mime: string, bytes: Buffer, name = 'evidence.bin') => ({
      file: { name, mime, data: bytes.toString('base64') },
    });
    expectHint(
      await bot.send(file('application/x-msdownload', Buffer.from('MZ\x90\x00'), 'tool.exe')),
      menu,
      t('de', 'common:invalid.file.type'),
    );
    expectHint(
      await bot.send(file('text/html', Buffer.from('<script>'), 'page.html')),
      menu,
      t('de', 'common:invalid.file.type'),
    );
    expectHint(
      await bot.send(file('image/png', Buffer.alloc(20 * 1024 * 1024 + 1, 1), 'huge.png')),
      menu,
      t('de', 'common:invalid.file.tooLarge'),
    );
    expectHint(
      await bot.send(file('image/png', Buffer.alloc(0), 'empty.png')),
      menu,
      t('de', 'common:invalid.file.empty'),
    );
    // An allowed file where none is asked: one line saying so, nothing taken; the menu still works.
    const allowed = messagesOf(await bot.send(file('image/png', Buffer.from('png'), 'ok.png')));
    expect(allowed.map((m) => m.text)).toEqual([t('de', 'common:file.notHere')]);
    expect(allowed[0]?.expects).toEqual({ kind: 'none' });
    expect(questionOf(await bot.send({ command: 'menu' })).expects).toEqual(menu.expects);
    expect(await bot.close()).toBe(0);
  });
});
