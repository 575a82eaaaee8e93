import { describe, expect, it } from 'vitest';
import {
  converse,
  fileWelcome,
  pickLanguage,
  type CoreDeps,
  type Outcome,
} from '../../src/bot/conversation.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { render } from '../../src/bot/render.ts';
import { loadSession, SESSION_VERSION, type Loaded, type Session } from '../../src/bot/session.ts';
import type { CommandName, InboundEvent, InboundInput } from '../../src/bot/types.ts';
import { defineFlow } from '../../src/flows/define.ts';
import { text, type Language } from '../../src/flows/types.ts';
import { frame, registryWith, sessionAt } from '../support/flows.ts';

/** The help: how Lotse works, the console's command list, the emergency numbers. */
const HELP = ['common:help.text', 'common:help.commands.console', 'common:help.danger'];

const i18n = Translator.create();
const NOW = new Date('2026-03-14T10:00:00.000Z');

/** A small flow of our own, for typed answers and "back": note → more? → note … */
const noteFlow = defineFlow<{ notes: string[] }>({
  id: 'note',
  initialData: () => ({ notes: [] }),
  parseData: (raw) => {
    const notes = (raw as { notes?: unknown } | null)?.notes;
    return Array.isArray(notes) && notes.every((n) => typeof n === 'string')
      ? { notes }
      : undefined;
  },
  start: () => 'write',
  steps: {
    write: {
      view: () => ({ say: [text('test:note.write')], input: { kind: 'text', min: 2, max: 500 } }),
      onAnswer: (answer, ctx) =>
        answer.kind === 'text'
          ? { type: 'goto', step: 'more', data: { notes: [...ctx.data.notes, answer.text] } }
          : { type: 'invalid', hint: text('common:invalid.expectedText') },
    },
    more: {
      view: () => ({
        say: [text('test:note.more')],
        input: {
          kind: 'confirm',
          options: [
            { id: 'yes', label: text('common:delete.yes') },
            { id: 'no', label: text('common:delete.no') },
          ],
        },
      }),
      onAnswer: (answer) =>
        answer.kind === 'choice' && answer.id === 'yes'
          ? { type: 'goto', step: 'write' }
          : { type: 'end', say: [text('test:note.thanks')] },
    },
  },
});

const deps: CoreDeps = {
  flows: registryWith(noteFlow),
  now: NOW,
  defaultLanguage: 'de',
  label: (lang, t) => i18n.t(lang, t),
  newCaseRef: () => 'TEST-0000-0000-0',
};

let seq = 0;
const event = (input: InboundInput, extra: Partial<InboundEvent> = {}): InboundEvent => ({
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId: `e${++seq}`,
  input,
  ...extra,
});
const cmd = (command: CommandName): InboundInput => ({ kind: 'command', command });
const say = (value: string): InboundInput => ({ kind: 'text', text: value });
const pick = (id: string): InboundInput => ({ kind: 'choice', id });

const loaded = (session: Session | null): Loaded =>
  session === null ? { kind: 'none' } : { kind: 'ok', session };

/** Runs inputs one after another from a session (null: first contact); returns every outcome. */
function talk(session: Session | null, ...inputs: InboundInput[]): Outcome[] {
  const outcomes: Outcome[] = [];
  let current = session;
  for (const input of inputs) {
    const outcome = converse(loaded(current), event(input), deps);
    outcomes.push(outcome);
    current = outcome.session;
  }
  return outcomes;
}
const last = (outcomes: Outcome[]): Outcome => {
  const outcome = outcomes.at(-1);
  if (outcome === undefined) throw new Error('no outcome');
  return outcome;
};
const after = (session: Session | null, ...inputs: InboundInput[]): Outcome =>
  last(talk(session, ...inputs));

/** The text keys of each reply. */
const keys = (outcome: Outcome): string[][] =>
  outcome.replies.map((r) => r.texts.map((t) => t.key));
const question = (outcome: Outcome) => {
  const reply = outcome.replies.at(-1);
  if (reply === undefined) throw new Error('no reply');
  return reply;
};
const stackOf = (outcome: Outcome): string[] =>
  (outcome.session?.stack ?? []).map((f) => `${f.flow}.${f.step}`);
const sessionOf = (outcome: Outcome): Session => {
  if (outcome.session === null) throw new Error('session erased');
  return outcome.session;
};
const without = (session: Session | null) =>
  session === null ? null : { ...session, updatedAt: '-' };

const session = sessionAt;

const MAIN = session([frame('menu', 'main')]);
const EMERGENCY_PAGE = session([frame('menu', 'emergency', ['main'])]);
const LANGUAGE_DETOUR = session([frame('menu', 'emergency', ['main']), frame('language', 'pick')]);
const DELETE_DETOUR = session([frame('menu', 'emergency', ['main']), frame('delete', 'confirm')]);
const NOTE_WRITE = session([frame('note', 'write')]);

const MENU_Q = ['common:menu.prompt'];
const EMERGENCY_Q = ['common:emergency.text'];
const LANGUAGE_Q = ['common:language.prompt'];
const DELETE_Q = ['common:delete.prompt'];

describe('first contact', () => {
  it('greets and shows the main menu with its five options', () => {
    const outcome = after(null, { kind: 'hello' });
    expect(keys(outcome)).toEqual([['common:welcome'], MENU_Q]);
    expect(outcome.replies[0]?.input).toEqual({ kind: 'none' });
    const menu = question(outcome).input;
    expect(menu.kind).toBe('choice');
    if (menu.kind === 'choice')
      expect(menu.options.map((o) => o.id)).toEqual([
        'report',
        'rights',
        'emergency',
        'language',
        'delete',
      ]);
    expect(outcome.session).toMatchObject({
      v: SESSION_VERSION,
      lang: 'de',
      stack: [frame('menu', 'main')],
      data: {},
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(outcome.effects).toEqual([]);
  });

  it('greets whatever the first message is, without taking it as an answer', () => {
    for (const input of [say('Hallo'), pick('emergency'), cmd('start'), cmd('menu')]) {
      const outcome = after(null, input);
      expect(keys(outcome)).toEqual([['common:welcome'], MENU_Q]);
      expect(stackOf(outcome)).toEqual(['menu.main']);
    }
  });

  it('carries out a first command after the greeting', () => {
    expect(keys(after(null, cmd('help')))).toEqual([['common:welcome', ...HELP], MENU_Q]);
    expect(stackOf(after(null, cmd('language')))).toEqual(['menu.main', 'language.pick']);
    expect(keys(after(null, cmd('language')))).toEqual([['common:welcome'], LANGUAGE_Q]);
    expect(stackOf(after(null, cmd('delete')))).toEqual(['menu.main', 'delete.confirm']);
  });

  it('speaks the messenger`s language, or the explicit one, or the default', () => {
    expect(
      converse({ kind: 'none' }, event({ kind: 'hello' }, { languageHint: 'en-GB' }), deps).lang,
    ).toBe('en');
    expect(
      converse({ kind: 'none' }, event({ kind: 'hello' }, { languageHint: 'de-AT' }), deps).lang,
    ).toBe('de');
    expect(
      converse({ kind: 'none' }, event({ kind: 'hello' }, { languageHint: 'fr' }), deps).lang,
    ).toBe('de');
    expect(
      converse(
        { kind: 'none' },
        event({ kind: 'hello' }, { languageHint: 'de', language: 'en' }),
        deps,
      ).session?.lang,
    ).toBe('en');
    expect(
      converse({ kind: 'none' }, event({ kind: 'hello' }), { ...deps, defaultLanguage: 'en' }).lang,
    ).toBe('en');
  });

  it('welcomes back someone who returns, at the same step', () => {
    const outcome = after(EMERGENCY_PAGE, { kind: 'hello' });
    expect(keys(outcome)).toEqual([['common:welcomeBack'], EMERGENCY_Q]);
    expect(without(outcome.session)).toEqual(without(EMERGENCY_PAGE));
  });
});

describe('pickLanguage', () => {
  it('maps language tags to de or en, else the fallback', () => {
    expect(pickLanguage('de', 'en')).toBe('de');
    expect(pickLanguage('DE-ch', 'en')).toBe('de');
    expect(pickLanguage('en-US', 'de')).toBe('en');
    expect(pickLanguage('tr', 'de')).toBe('de');
    expect(pickLanguage(undefined, 'en')).toBe('en');
  });
});

describe('global commands', () => {
  type Case = [CommandName, string[], string[][]];

  describe('from a step of the menu flow (the emergency page)', () => {
    it.each<Case>([
      ['start', ['menu.main'], [['common:welcome'], MENU_Q]],
      ['menu', ['menu.main'], [MENU_Q]],
      ['help', ['menu.emergency'], [HELP, EMERGENCY_Q]],
      ['cancel', ['menu.main'], [['common:cancel.done'], MENU_Q]],
      ['back', ['menu.main'], [MENU_Q]],
      ['language', ['menu.emergency', 'language.pick'], [LANGUAGE_Q]],
      ['delete', ['menu.emergency', 'delete.confirm'], [DELETE_Q]],
    ])('%s', (command, stack, replies) => {
      const outcome = after(EMERGENCY_PAGE, cmd(command));
      expect(stackOf(outcome)).toEqual(stack);
      expect(keys(outcome)).toEqual(replies);
      expect(outcome.effects).toEqual([]);
    });
  });

  describe('from a detour (language)', () => {
    it.each<Case>([
      ['start', ['menu.main'], [['common:welcome'], MENU_Q]],
      ['menu', ['menu.main'], [MENU_Q]],
      ['help', ['menu.emergency', 'language.pick'], [HELP, LANGUAGE_Q]],
      ['cancel', ['menu.emergency'], [['common:cancel.detour'], EMERGENCY_Q]],
      ['back', ['menu.emergency', 'language.pick'], [['common:back.none', ...LANGUAGE_Q]]],
      ['language', ['menu.emergency', 'language.pick'], [LANGUAGE_Q]],
      ['delete', ['menu.emergency', 'language.pick', 'delete.confirm'], [DELETE_Q]],
    ])('%s', (command, stack, replies) => {
      const outcome = after(LANGUAGE_DETOUR, cmd(command));
      expect(stackOf(outcome)).toEqual(stack);
      expect(keys(outcome)).toEqual(replies);
    });
  });

  describe('from a detour (delete)', () => {
    it.each<Case>([
      ['start', ['menu.main'], [['common:welcome'], MENU_Q]],
      ['menu', ['menu.main'], [MENU_Q]],
      ['help', ['menu.emergency', 'delete.confirm'], [HELP, DELETE_Q]],
      ['cancel', ['menu.emergency'], [['common:cancel.detour'], EMERGENCY_Q]],
      ['back', ['menu.emergency', 'delete.confirm'], [['common:back.none', ...DELETE_Q]]],
      ['language', ['menu.emergency', 'delete.confirm', 'language.pick'], [LANGUAGE_Q]],
      ['delete', ['menu.emergency', 'delete.confirm'], [DELETE_Q]],
    ])('%s', (command, stack, replies) => {
      const outcome = after(DELETE_DETOUR, cmd(command));
      expect(stackOf(outcome)).toEqual(stack);
      expect(keys(outcome)).toEqual(replies);
      expect(outcome.session).not.toBeNull();
    });
  });

  it('works typed as slash commands and words, in German and English', () => {
    expect(stackOf(after(EMERGENCY_PAGE, say('Hauptmenü')))).toEqual(['menu.main']);
    expect(stackOf(after(EMERGENCY_PAGE, say('/menü')))).toEqual(['menu.main']);
    expect(stackOf(after(EMERGENCY_PAGE, say('Zurück')))).toEqual(['menu.main']);
    expect(stackOf(after(EMERGENCY_PAGE, say('/sprache')))).toEqual([
      'menu.emergency',
      'language.pick',
    ]);
    expect(stackOf(after(EMERGENCY_PAGE, say('/delete@LotseBot')))).toEqual([
      'menu.emergency',
      'delete.confirm',
    ]);
    expect(keys(after(LANGUAGE_DETOUR, say('abbrechen')))).toEqual([
      ['common:cancel.detour'],
      EMERGENCY_Q,
    ]);
    expect(keys(after(EMERGENCY_PAGE, say('Hilfe')))).toEqual([HELP, EMERGENCY_Q]);
  });
});

describe('cancel and back', () => {
  it('has nothing to cancel in the main menu', () => {
    const outcome = after(MAIN, cmd('cancel'));
    expect(keys(outcome)).toEqual([['common:cancel.nothing'], MENU_Q]);
    expect(without(outcome.session)).toEqual(without(MAIN));
  });

  it('cancels a flow back to the main menu, keeping its data for later', () => {
    const outcomes = talk(NOTE_WRITE, say('Erste Notiz'), cmd('cancel'));
    expect(stackOf(last(outcomes))).toEqual(['menu.main']);
    expect(keys(last(outcomes))).toEqual([['common:cancel.done'], MENU_Q]);
    expect(sessionOf(last(outcomes)).data).toEqual({ note: { notes: ['Erste Notiz'] } });
  });

  it('cancels only the detour and returns to the step below', () => {
    const outcome = after(
      session([frame('note', 'more', ['write']), frame('language', 'pick')]),
      cmd('cancel'),
    );
    expect(stackOf(outcome)).toEqual(['note.more']);
    expect(keys(outcome)).toEqual([['common:cancel.detour'], ['test:note.more']]);
  });

  it('goes back one step at a time, then says it cannot go further', () => {
    const [atMore, again, back, backAgain] = talk(
      NOTE_WRITE,
      say('Notiz'),
      pick('yes'),
      cmd('back'),
      cmd('back'),
    );
    expect(stackOf(atMore!)).toEqual(['note.more']);
    expect(stackOf(again!)).toEqual(['note.write']);
    expect(sessionOf(again!).stack[0]?.history).toEqual(['write', 'more']);
    expect(stackOf(back!)).toEqual(['note.more']);
    expect(keys(back!)).toEqual([['test:note.more']]);
    expect(stackOf(backAgain!)).toEqual(['note.write']);
    expect(sessionOf(backAgain!).stack[0]?.history).toEqual([]);
    const further = after(NOTE_WRITE, cmd('back'));
    expect(keys(further)).toEqual([['common:back.none', 'test:note.write']]);
    expect(without(further.session)).toEqual(without(NOTE_WRITE));
  });

  it('keeps the detours shallow: the same detour is never stacked twice', () => {
    const outcome = after(
      LANGUAGE_DETOUR,
      cmd('delete'),
      cmd('language'),
      cmd('delete'),
      cmd('language'),
    );
    expect(stackOf(outcome)).toEqual(['menu.emergency', 'delete.confirm', 'language.pick']);
  });
});

describe('language', () => {
  it('switches the language and answers in it at once, back where the person was', () => {
    const outcome = after(EMERGENCY_PAGE, cmd('language'), pick('en'));
    expect(outcome.lang).toBe('en');
    expect(sessionOf(outcome).lang).toBe('en');
    expect(stackOf(outcome)).toEqual(['menu.emergency']);
    expect(keys(outcome)).toEqual([['common:language.changed'], EMERGENCY_Q]);
    const messages = render(outcome.replies, outcome.lang, i18n);
    expect(messages[0]?.text).toBe('I will write to you in English now.');
    expect(messages[1]?.text).toBe(i18n.t('en', text('common:emergency.text')));
    expect(messages[1]?.expects).toEqual({
      kind: 'choice',
      options: [{ id: 'menu', label: 'Main menu' }],
    });
  });

  it('takes the language typed as its name or number', () => {
    expect(after(LANGUAGE_DETOUR, say('English')).lang).toBe('en');
    expect(after(LANGUAGE_DETOUR, say('2')).lang).toBe('en');
    const back = after({ ...LANGUAGE_DETOUR, lang: 'en' }, say('deutsch'));
    expect(back.lang).toBe('de');
    expect(render(back.replies, back.lang, i18n)[0]?.text).toBe(
      'Ich schreibe Ihnen jetzt auf Deutsch.',
    );
  });

  it('follows an explicit language of the event over the stored one', () => {
    const outcome = converse(loaded(MAIN), event({ kind: 'hello' }, { language: 'en' }), deps);
    expect(outcome.lang).toBe('en');
    expect(sessionOf(outcome).lang).toBe('en');
  });
});

describe('delete my data', () => {
  it('erases everything after a yes: no session, one erase effect, a confirmation', () => {
    const withData = session([frame('note', 'more', ['write'])], {
      data: { note: { notes: ['x'] } },
    });
    const outcome = after(withData, cmd('delete'), pick('yes'));
    expect(outcome.session).toBeNull();
    expect(outcome.effects).toEqual([{ kind: 'erase-my-data' }]);
    expect(keys(outcome)).toEqual([['common:delete.done']]);
    expect(question(outcome).input).toEqual({ kind: 'none' });
  });

  it('erases from a detour too, and starts afresh with a welcome afterwards', () => {
    const [, erased, next] = talk(LANGUAGE_DETOUR, cmd('delete'), say('1'), say('Hallo'));
    expect(erased!.session).toBeNull();
    expect(keys(next!)).toEqual([['common:welcome'], MENU_Q]);
  });

  it('keeps everything after a no and returns to where the person was', () => {
    const outcome = after(DELETE_DETOUR, pick('no'));
    expect(keys(outcome)).toEqual([['common:delete.kept'], EMERGENCY_Q]);
    expect(without(outcome.session)).toEqual(without(EMERGENCY_PAGE));
    expect(outcome.effects).toEqual([]);
  });

  it('asks again on anything but yes or no', () => {
    const outcome = after(DELETE_DETOUR, say('vielleicht'));
    expect(keys(outcome)).toEqual([['common:invalid.choice', ...DELETE_Q]]);
    expect(outcome.effects).toEqual([]);
    expect(without(outcome.session)).toEqual(without(DELETE_DETOUR));
  });
});

describe('stored sessions that cannot be used', () => {
  it.each([
    ['of another version', JSON.stringify({ ...EMERGENCY_PAGE, v: 0 }), 'de'],
    [
      'of another version, in English',
      JSON.stringify({ ...EMERGENCY_PAGE, v: 99, lang: 'en' }),
      'en',
    ],
    ['damaged JSON', '{"v":1,"lang":"de","stack":[', 'de'],
    ['with an empty stack', JSON.stringify({ ...EMERGENCY_PAGE, stack: [] }), 'de'],
    ['with a bad date', JSON.stringify({ ...EMERGENCY_PAGE, createdAt: 'yesterday' }), 'de'],
    ['not an object', '"hello"', 'de'],
  ])('restarts one %s at the menu, with the notice', (_name, raw, lang) => {
    const state = loadSession(raw);
    expect(state.kind).toBe('stale');
    const outcome = converse(state, event(say('Hallo')), deps);
    expect(keys(outcome)).toEqual([['common:session.restarted'], MENU_Q]);
    expect(stackOf(outcome)).toEqual(['menu.main']);
    expect(outcome.lang).toBe(lang);
  });

  it('carries out a command after the notice', () => {
    const outcome = converse(loadSession('{"broken'), event(cmd('help')), deps);
    expect(keys(outcome)).toEqual([['common:session.restarted', ...HELP], MENU_Q]);
  });

  it('falls back to the menu when a stored flow or step no longer exists', () => {
    const gone = after(session([frame('retired', 'step1')]), say('3'));
    expect(stackOf(gone)).toEqual(['menu.emergency']);
    const stepGone = after(session([frame('note', 'removed')]), { kind: 'hello' });
    expect(keys(stepGone)).toEqual([['common:welcomeBack'], MENU_Q]);
  });

  it('reads back a session it stored', () => {
    const outcome = after(null, { kind: 'hello' });
    const stored = loadSession(JSON.stringify(outcome.session));
    expect(stored.kind).toBe('ok');
    if (stored.kind === 'ok') expect(stored.session).toMatchObject(outcome.session ?? {});
    expect(loadSession(null)).toEqual({ kind: 'none' });
    expect(loadSession('')).toEqual({ kind: 'none' });
  });
});

describe('unknown commands and emergency words', () => {
  it('explains an unknown command and asks the same question', () => {
    const outcome = after(EMERGENCY_PAGE, say('/foo'));
    expect(keys(outcome)).toEqual([['common:invalid.unknownCommand', ...EMERGENCY_Q]]);
    expect(without(outcome.session)).toEqual(without(EMERGENCY_PAGE));
  });

  it.each([
    'Notfall',
    'notfall!',
    'Gefahr',
    'SOS',
    'Hilfe Notfall',
    'Ich bin in Gefahr',
    'emergency',
    'danger',
  ])('%j alone: the emergency help, then the same question, nothing answered', (words) => {
    for (const state of [MAIN, NOTE_WRITE, LANGUAGE_DETOUR]) {
      const before = question(after(state, { kind: 'hello' }));
      const outcome = after(state, say(words));
      expect(keys(outcome)[0]).toEqual(['common:emergency.text']);
      expect(outcome.replies[0]?.input).toEqual({ kind: 'none' });
      expect(question(outcome)).toEqual(before);
      expect(without(outcome.session)).toEqual(without(state));
    }
  });

  it('a longer answer with "Gefahr": the emergency help and the answer taken as usual', () => {
    const answer = 'Vor meinem Haus steht jemand, ich sehe eine Gefahr für meine Familie';
    const outcome = after(NOTE_WRITE, say(answer));
    expect(keys(outcome)).toEqual([['common:emergency.text'], ['test:note.more']]);
    expect(stackOf(outcome)).toEqual(['note.more']);
    expect(sessionOf(outcome).data).toEqual({ note: { notes: [answer] } });
  });

  it('a longer message with "Gefahr" where it does not fit: the help, then the hint', () => {
    const outcome = after(MAIN, say('Es besteht Gefahr für mich und meine Familie hier'));
    expect(keys(outcome)).toEqual([
      ['common:emergency.text'],
      ['common:invalid.choice', ...MENU_Q],
    ]);
    expect(without(outcome.session)).toEqual(without(MAIN));
  });
});

describe('invalid input changes nothing', () => {
  const huge = 'x'.repeat(100 * 1024);
  const cases: [string, Session, InboundInput, string][] = [
    ['a choice not offered', MAIN, pick('admin'), 'common:invalid.choice'],
    ['a number out of range', MAIN, say('9'), 'common:invalid.choice'],
    ['unknown words', MAIN, say('Guten Tag'), 'common:invalid.choice'],
    ['an empty message', MAIN, say(''), 'common:invalid.empty'],
    ['white space', MAIN, say(' \n\t '), 'common:invalid.empty'],
    ['control characters', MAIN, say('\u0000\u0007\u202E'), 'common:invalid.empty'],
    ['100 KB', MAIN, say(huge), 'common:invalid.tooLong'],
    ['several choices', MAIN, { kind: 'choices', ids: ['report'] }, 'common:invalid.choice'],
    [
      'a refused file',
      MAIN,
      { kind: 'files', files: [], rejected: ['type'] },
      'common:invalid.file.type',
    ],
    ['a choice on the emergency page', EMERGENCY_PAGE, pick('report'), 'common:invalid.choice'],
    ['a language not offered', LANGUAGE_DETOUR, pick('fr'), 'common:invalid.choice'],
    ['a too short note', NOTE_WRITE, say('x'), 'common:invalid.tooShort'],
    ['100 KB as a note', NOTE_WRITE, say(huge), 'common:invalid.tooLong'],
    ['a choice where a note is asked', NOTE_WRITE, pick('yes'), 'common:invalid.expectedText'],
    [
      'a file too large',
      NOTE_WRITE,
      { kind: 'files', files: [], rejected: ['tooLarge'] },
      'common:invalid.file.tooLarge',
    ],
  ];

  it.each(cases)(
    '%s: a short hint, the same question, the same session',
    (_name, state, input, hint) => {
      const before = question(after(state, { kind: 'hello' }));
      const outcome = after(state, input);
      expect(outcome.replies).toHaveLength(1);
      const reply = question(outcome);
      expect(reply.texts[0]?.key).toBe(hint);
      expect(reply.texts.slice(1)).toEqual(before.texts);
      expect(reply.input).toEqual(before.input);
      expect(outcome.effects).toEqual([]);
      expect(without(outcome.session)).toEqual(without(state));
      expect(outcome.session?.updatedAt).toBe(NOW.toISOString());
    },
  );

  it('renders every hint as a sentence in both languages', () => {
    for (const [, state, input, hint] of cases)
      for (const lang of ['de', 'en'] as Language[]) {
        expect(i18n.has(lang, hint)).toBe(true);
        const outcome = after({ ...state, lang }, input);
        const [message] = render(outcome.replies, outcome.lang, i18n);
        const first = message?.text.split('\n\n')[0] ?? '';
        expect(first).toBe(i18n.t(lang, question(outcome).texts[0]!));
        expect(first).not.toMatch(/common:|\{\{|invalid\./);
      }
  });
});

describe('files: may one be taken now?', () => {
  const MB = 1024 * 1024;
  const file = (n: number, size: number) => ({
    name: `f${String(n)}.pdf`,
    mime: 'application/pdf',
    size,
    sha256: String(n).padStart(64, '0'),
    receivedAt: NOW.toISOString(),
    ref: `ref-${String(n)}`,
  });
  /** The intake's evidence step, already holding files of these sizes. */
  const atEvidence = (...sizes: number[]): Session =>
    session([frame('intake', 'evidence')], {
      data: { intake: { evidence: { files: sizes.map((s, i) => file(i, s)), links: [] } } },
    });
  const budgeted: CoreDeps = { ...deps, fileBudgetBytes: 10 * MB };

  it('takes files only at a step that asks for them', () => {
    expect(fileWelcome(loaded(MAIN), 'console', budgeted)).toEqual({ kind: 'not-here' });
    expect(fileWelcome(loaded(NOTE_WRITE), 'console', budgeted)).toEqual({ kind: 'not-here' });
    expect(fileWelcome({ kind: 'none' }, 'console', budgeted)).toEqual({ kind: 'not-here' });
    expect(fileWelcome(loaded(atEvidence()), 'console', budgeted)).toEqual({
      kind: 'welcome',
      bytesLeft: 10 * MB,
    });
  });

  it('tells what is left of the report`s budget, nothing once it is spent', () => {
    expect(fileWelcome(loaded(atEvidence(4 * MB, 2 * MB)), 'console', budgeted)).toEqual({
      kind: 'welcome',
      bytesLeft: 4 * MB,
    });
    expect(fileWelcome(loaded(atEvidence(6 * MB, 6 * MB)), 'console', budgeted)).toEqual({
      kind: 'welcome',
      bytesLeft: 0,
    });
    expect(fileWelcome(loaded(atEvidence(6 * MB)), 'console', deps)).toEqual({
      kind: 'welcome',
      bytesLeft: Number.POSITIVE_INFINITY,
    });
  });

  it('refuses files that arrive beyond the budget, keeping what was there', () => {
    const start = atEvidence(8 * MB);
    const over = converse(
      loaded(start),
      event({ kind: 'files', files: [file(7, 3 * MB)] }),
      budgeted,
    );
    expect(question(over).texts[0]?.key).toBe('common:file.budget');
    expect(over.session?.data).toEqual(start.data);
    const within = converse(
      loaded(start),
      event({ kind: 'files', files: [file(8, 2 * MB)] }),
      budgeted,
    );
    expect(keys(within)).toEqual([['intake:evidence.status']]);
  });
});
