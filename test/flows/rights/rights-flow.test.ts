import { describe, expect, it } from 'vitest';
import { converse } from '../../../src/bot/conversation.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { render } from '../../../src/bot/render.ts';
import { SESSION_VERSION, type Loaded, type Session } from '../../../src/bot/session.ts';
import type { InboundInput, OutboundMessage } from '../../../src/bot/types.ts';
import { FlowRegistry } from '../../../src/flows/define.ts';
import { intakeFlow } from '../../../src/flows/intake/intake-flow.ts';
import { deleteFlow } from '../../../src/flows/menu/delete-flow.ts';
import { languageFlow } from '../../../src/flows/menu/language-flow.ts';
import { menuFlow } from '../../../src/flows/menu/menu-flow.ts';
import { NEXT, QUESTION_LIMITS, rightsFlow } from '../../../src/flows/rights/rights-flow.ts';
import {
  formatReviewDate,
  REVIEWED_ON,
  TOPIC_IDS,
  type TopicId,
} from '../../../src/flows/rights/topics.ts';
import type { Answer, Language, StepContext, Text, View } from '../../../src/flows/types.ts';

const i18n = Translator.create();
const LANGS: readonly Language[] = ['de', 'en'];

const ctx = (data: unknown, lang: Language = 'de'): StepContext<unknown> => ({
  data,
  lang,
  now: new Date('2026-11-22T10:00:00Z'),
  today: '2026-11-22',
  dayOf: (instant: string) => instant.slice(0, 10),
  cases: [],
  newCaseRef: () => 'CASE-0001',
});

const stepOf = (id: string) => {
  const step = rightsFlow.steps[id];
  if (step === undefined) throw new Error(`no step ${id}`);
  return step;
};
const view = (id: string, data: unknown = {}, lang: Language = 'de'): View =>
  stepOf(id).view(ctx(data, lang));
const answer = (id: string, a: Answer, data: unknown = {}, lang: Language = 'de') =>
  stepOf(id).onAnswer(a, ctx(data, lang));
const choice = (id: string): Answer => ({ kind: 'choice', id });
const question = (value: string): Answer => ({ kind: 'text', text: value });

/** The texts of a view as the person reads them. */
const said = (v: View, lang: Language): string => v.say.map((t) => i18n.t(lang, t)).join('\n\n');
const optionIds = (v: View): string[] =>
  ('options' in v.input ? v.input.options : []).map((o) => o.id);
const labels = (v: View, lang: Language): string[] =>
  ('options' in v.input ? v.input.options : []).map((o) => i18n.t(lang, o.label));

/** Every key a view names exists in the language (i18next would show the bare key otherwise). */
function keysOf(v: View): string[] {
  const keys: string[] = [];
  const walk = (t: Text): void => {
    keys.push(t.key);
    for (const p of Object.values(t.params ?? {})) if (typeof p === 'object' && 'key' in p) walk(p);
  };
  for (const t of v.say) walk(t);
  if ('options' in v.input) for (const o of v.input.options) walk(o.label);
  return keys;
}

const FOOTER: Record<Language, string> = {
  de: 'Allgemeine Information, keine Rechtsberatung. Stand: 30.11.2026',
  en: 'General information, not legal advice. Last reviewed: 30 Nov 2026',
};
const NEXT_LABELS: Record<Language, string[]> = {
  de: ['Diesen Vorfall melden', 'Ansprechstelle anrufen', 'Andere Themen', 'Hauptmenü'],
  en: ['Report this incident', 'Call the contact point', 'Other topics', 'Main menu'],
};

describe('rights flow: topic pages', () => {
  const cases = LANGS.flatMap((lang) => TOPIC_IDS.map((topic) => [lang, topic] as const));

  it.each(cases)('%s %s: fits one screen, ends with the footer and the ways on', (lang, topic) => {
    const v = view('topic', { topic }, lang);
    const message = said(v, lang);
    // One phone screen: the text and the words on its buttons together stay under 900 characters.
    expect(message.length + labels(v, lang).join('').length).toBeLessThan(900);
    expect(message.endsWith(FOOTER[lang])).toBe(true);
    expect(optionIds(v)).toEqual([NEXT.report, NEXT.call, NEXT.topics, NEXT.menu]);
    expect(labels(v, lang)).toEqual(NEXT_LABELS[lang]);
    expect(v.input).toMatchObject({ kind: 'choice', freeText: QUESTION_LIMITS });
    for (const key of keysOf(v)) expect(i18n.has(lang, key), key).toBe(true);
  });

  it.each(cases)('%s %s: plain text, no Markdown or HTML', (lang, topic) => {
    const message = said(view('topic', { topic }, lang), lang);
    expect(message).not.toMatch(/[*_`#<>[\]]|\{\{|rights:/);
  });

  it('dates the footer from one constant, per language', () => {
    expect(REVIEWED_ON).toBe('2026-11-30');
    expect(formatReviewDate('de')).toBe('30.11.2026');
    expect(formatReviewDate('en')).toBe('30 Nov 2026');
  });

  it('shows numbers as text', () => {
    for (const lang of LANGS) {
      expect(said(view('topic', { topic: 'emergency' }, lang), lang)).toMatch(/110[\s\S]*112/);
      const contact = said(view('contact', {}, lang), lang);
      expect(contact).toContain('0800 300 99 44');
      expect(contact).toContain('info@starkestelle.de');
      expect(contact).toMatch(/9–16 Uhr|9 am–4 pm/);
      expect(said(view('topic', { topic: 'help' }, lang), lang)).toContain('116 006');
    }
  });

  it('states no draft as law: §§ 105/106 for councils only with "not law (as of …)", or not at all', () => {
    for (const lang of LANGS)
      for (const topic of TOPIC_IDS) {
        const message = said(view('topic', { topic }, lang), lang);
        if (/§§? ?10[56]\b|sections? 10[56]\b/.test(message))
          expect(message, `${lang} ${topic}`).toMatch(/kein Gesetz \(Stand|not law \(as of/);
      }
  });

  it('states the conditions of § 188 and § 241 (CONTENT-FACTS.md)', () => {
    const insult = said(view('topic', { topic: 'insult' }, 'de'), 'de');
    expect(insult).toContain('politischen Stellung');
    expect(insult).toContain('vor allem für Gewählte');
    const threat = said(view('topic', { topic: 'threat' }, 'de'), 'de');
    expect(threat).toContain('nahestehende Person');
    expect(threat).toContain('nicht jede private Nachricht');
    const threatEn = said(view('topic', { topic: 'threat' }, 'en'), 'en');
    expect(threatEn).toContain('someone close to you');
    expect(threatEn).toContain('not to every private message');
  });

  it('explains the Strafantrag precisely: offences, express words, online, one deadline per act', () => {
    const de = said(view('topic', { topic: 'complaint' }, 'de'), 'de');
    for (const part of ['§ 303c', '§ 230', '§ 241 Abs. 5', 'Ich stelle Strafantrag', 'Onlinewache'])
      expect(de).toContain(part);
    expect(de).toContain('Eine Strafanzeige ist noch kein Strafantrag');
    expect(de).toContain('jede Tat hat ihre eigene Frist');
    const en = said(view('topic', { topic: 'complaint' }, 'en'), 'en');
    for (const part of ['§ 303c', '§ 230', '§ 241 (5)', 'Ich stelle Strafantrag', 'each act has'])
      expect(en).toContain(part);
  });

  it('gives referral contacts their web address, and the platform and address topics their news', () => {
    for (const lang of LANGS) {
      const help = said(view('topic', { topic: 'help' }, lang), lang);
      for (const web of [
        'hateaid.org',
        'meldestelle-respect.de',
        'hessengegenhetze.de',
        'verband-brg.de',
        'stark-im-amt.de',
        'starkestelle.de',
        '116 006',
      ])
        expect(help, `${lang} ${web}`).toContain(web);
      expect(said(view('topic', { topic: 'platforms' }, lang), lang)).toContain(
        'Bundesnetzagentur',
      );
    }
    const address = said(view('topic', { topic: 'address' }, 'de'), 'de');
    expect(address).toContain('kostenlos');
    expect(address).toContain('konkretes Amt und die Vorfälle');
    const addressEn = said(view('topic', { topic: 'address' }, 'en'), 'en');
    expect(addressEn).toContain('free of charge');
    expect(addressEn).toContain('concrete office and the incidents');
  });

  it('has a prevention topic for people not (yet) affected', () => {
    const de = said(view('topic', { topic: 'prevention' }, 'de'), 'de');
    for (const part of [
      'Auskunftssperre schon vorher',
      'Polizei berät',
      'Resilienz',
      'nicht betroffen',
    ])
      expect(de).toContain(part);
    const en = said(view('topic', { topic: 'prevention' }, 'en'), 'en');
    for (const part of ['in advance', 'police advise', 'resilience', 'not (yet) affected'])
      expect(en).toContain(part);
  });
});

describe('rights flow: topic menu', () => {
  it('starts with the topic list, which also takes a question', () => {
    expect(rightsFlow.start(ctx({}))).toBe('topics');
    const v = view('topics');
    expect(optionIds(v)).toEqual([...TOPIC_IDS, NEXT.menu]);
    expect(v.input).toMatchObject({ kind: 'choice', freeText: { min: 3, max: 300 } });
  });

  it('offers short ids and short labels (they become buttons)', () => {
    for (const lang of LANGS) {
      const v = view('topics', {}, lang);
      for (const id of optionIds(v)) expect(id.length).toBeLessThanOrEqual(20);
      for (const label of labels(v, lang)) expect(label.length, label).toBeLessThanOrEqual(24);
      for (const key of keysOf(v)) expect(i18n.has(lang, key), key).toBe(true);
    }
  });

  it.each(TOPIC_IDS)('choosing %s shows its page', (topic) => {
    expect(answer('topics', choice(topic))).toEqual({
      type: 'goto',
      step: 'topic',
      data: { topic },
    });
  });

  it('answers a typed question with the topic that fits', () => {
    expect(answer('topics', question('Jemand hat meine Adresse veröffentlicht'))).toEqual({
      type: 'goto',
      step: 'topic',
      data: { topic: 'doxxing' },
    });
    expect(answer('topics', question('someone posted my address'), {}, 'en')).toEqual({
      type: 'goto',
      step: 'topic',
      data: { topic: 'doxxing' },
    });
  });

  it('offers both topics, the better first, when a question fits two', () => {
    const result = answer('topics', question('Hasskommentare auf Facebook'));
    expect(result).toEqual({
      type: 'goto',
      step: 'choose',
      data: { offered: ['insult', 'platforms'] },
    });
    for (const lang of LANGS) {
      const v = view('choose', { offered: ['insult', 'platforms'] }, lang);
      expect(optionIds(v)).toEqual(['insult', 'platforms', NEXT.topics, NEXT.menu]);
      expect(said(v, lang)).not.toMatch(/rights:|\{\{/);
      expect(v.input).toMatchObject({ kind: 'choice', freeText: QUESTION_LIMITS });
    }
    expect(answer('choose', choice('platforms'), { offered: ['insult', 'platforms'] })).toEqual({
      type: 'goto',
      step: 'topic',
      data: { topic: 'platforms' },
    });
    expect(answer('topics', question('threat on Instagram'), {}, 'en')).toMatchObject({
      step: 'choose',
      data: { offered: ['threat', 'platforms'] },
    });
    expect(rightsFlow.parseData({ offered: ['insult', 'platforms'] })).toEqual({
      offered: ['insult', 'platforms'],
    });
  });

  it('takes a follow-up question on a topic page too', () => {
    expect(answer('topic', question('Drohbrief'), { topic: 'insult' })).toEqual({
      type: 'goto',
      step: 'topic',
      data: { topic: 'threat' },
    });
  });

  it('ends in the main menu from the list', () => {
    expect(answer('topics', choice(NEXT.menu))).toEqual({ type: 'end' });
  });
});

describe('rights flow: no match', () => {
  it('goes to a page that says so when nothing fits', () => {
    expect(answer('topics', question('Pizza bestellen'))).toEqual({
      type: 'goto',
      step: 'noMatch',
      data: {},
    });
  });

  it('shows the topics again and offers staff: a report and the phone number', () => {
    for (const lang of LANGS) {
      const v = view('noMatch', {}, lang);
      expect(said(v, lang)).toMatch(/nichts Passendes|could not find/);
      expect(optionIds(v)).toEqual([...TOPIC_IDS, NEXT.report, NEXT.call, NEXT.menu]);
      expect(v.input).toMatchObject({ freeText: QUESTION_LIMITS });
      for (const key of keysOf(v)) expect(i18n.has(lang, key), key).toBe(true);
    }
    expect(answer('noMatch', choice(NEXT.report))).toEqual({ type: 'switch', flow: 'intake' });
    expect(answer('noMatch', choice(NEXT.call))).toEqual({ type: 'goto', step: 'contact' });
    expect(answer('noMatch', choice('insult'))).toMatchObject({ data: { topic: 'insult' } });
    expect(answer('noMatch', question('Beleidigng'))).toMatchObject({ data: { topic: 'insult' } });
  });
});

describe('rights flow: ways on from a topic', () => {
  const data = { topic: 'address' satisfies TopicId };

  it('reports this incident in the intake', () => {
    expect(answer('topic', choice(NEXT.report), data)).toEqual({ type: 'switch', flow: 'intake' });
  });

  it('shows the contact point as text, with ways on', () => {
    expect(answer('topic', choice(NEXT.call), data)).toEqual({ type: 'goto', step: 'contact' });
    const v = view('contact');
    expect(optionIds(v)).toEqual([NEXT.report, NEXT.topics, NEXT.menu]);
    expect(answer('contact', choice(NEXT.report))).toEqual({ type: 'switch', flow: 'intake' });
    expect(answer('contact', choice(NEXT.topics))).toEqual({ type: 'goto', step: 'topics' });
  });

  it('goes back to the topics', () => {
    expect(answer('topic', choice(NEXT.topics), data)).toEqual({ type: 'goto', step: 'topics' });
  });

  it('ends in the main menu', () => {
    expect(answer('topic', choice(NEXT.menu), data)).toEqual({ type: 'end' });
  });

  it('refuses answers of another kind', () => {
    expect(answer('topic', { kind: 'multi', ids: ['report'] }, data)).toEqual({
      type: 'invalid',
      hint: { key: 'common:invalid.choice' },
    });
    expect(answer('topic', choice('nonsense'), data)).toMatchObject({ type: 'invalid' });
  });

  it('shows the topic list when the stored topic is gone', () => {
    expect(optionIds(view('topic', {}))).toEqual(optionIds(view('topics')));
  });
});

describe('rights flow: stored data', () => {
  it('accepts what it writes', () => {
    expect(rightsFlow.parseData({})).toEqual({});
    expect(rightsFlow.parseData({ topic: 'insult' })).toEqual({ topic: 'insult' });
    expect(rightsFlow.parseData(rightsFlow.initialData())).toEqual({});
  });

  it.each([
    ['an unknown topic', { topic: 'bogus' }],
    ['a topic of the wrong type', { topic: 3 }],
    ['an unknown field', { topic: 'insult', extra: true }],
    ['a string', 'insult'],
    ['null', null],
    ['a list', ['insult']],
  ])('rejects %s', (_name, raw) => {
    expect(rightsFlow.parseData(raw)).toBeUndefined();
  });
});

/**
 * The flow inside the real conversation core, with a registry of its own (the menu does not link
 * to 'rights' yet): typed questions, option numbers, the global "back" and the switch to intake.
 */
describe('rights flow in the conversation core', () => {
  const flows = new FlowRegistry([menuFlow, languageFlow, deleteFlow, intakeFlow, rightsFlow]);

  class Chat {
    loaded: Loaded;
    last: OutboundMessage[] = [];

    constructor(lang: Language) {
      const at = '2026-11-22T10:00:00.000Z';
      const session: Session = {
        v: SESSION_VERSION,
        lang,
        stack: [{ flow: 'rights', step: 'topics', history: [] }],
        data: {},
        cases: [],
        createdAt: at,
        updatedAt: at,
      };
      this.loaded = { kind: 'ok', session };
    }

    send(input: InboundInput): OutboundMessage[] {
      const outcome = converse(
        this.loaded,
        { platform: 'console', userId: 'u', chatId: 'u', eventId: 'e', input },
        {
          flows,
          now: new Date('2026-11-22T10:00:00Z'),
          defaultLanguage: 'de',
          label: (lang, t) => i18n.t(lang, t),
          newCaseRef: () => 'CASE-0001',
        },
      );
      if (outcome.session === null) throw new Error('session erased');
      this.loaded = { kind: 'ok', session: outcome.session };
      this.last = render(outcome.replies, outcome.lang, i18n);
      return this.last;
    }

    get step(): string {
      const top = this.loaded.kind === 'ok' ? this.loaded.session.stack.at(-1) : undefined;
      return top === undefined ? 'none' : `${top.flow}.${top.step}`;
    }

    get said(): string {
      return this.last.map((m) => m.text).join('\n\n');
    }
  }

  it('answers a German question, goes back and reports the incident', () => {
    const chat = new Chat('de');
    chat.send({ kind: 'text', text: 'Was kann ich gegen Hasskommentare tun?' });
    expect(chat.step).toBe('rights.topic');
    expect(chat.said).toContain('§ 188 StGB');
    expect(chat.said).toContain(FOOTER.de);
    chat.send({ kind: 'command', command: 'back' });
    expect(chat.step).toBe('rights.topics');
    chat.send({ kind: 'text', text: '7' });
    expect(chat.step).toBe('rights.topic');
    expect(chat.said).toContain('Auskunftssperre');
    chat.send({ kind: 'text', text: 'Diesen Vorfall melden' });
    expect(chat.step).toBe('intake.danger');
  });

  it('answers an English question and offers staff when nothing fits', () => {
    const chat = new Chat('en');
    chat.send({ kind: 'text', text: 'someone posted my address' });
    expect(chat.said).toContain('section 126a StGB');
    chat.send({ kind: 'text', text: 'tell me a joke' });
    expect(chat.step).toBe('rights.noMatch');
    chat.send({ kind: 'choice', id: 'call' });
    expect(chat.said).toContain('0800 300 99 44');
    chat.send({ kind: 'choice', id: 'menu' });
    expect(chat.step).toBe('menu.main');
  });

  it('refuses a question that is too short or too long, and keeps the step', () => {
    const chat = new Chat('de');
    chat.send({ kind: 'text', text: 'xy' });
    expect(chat.step).toBe('rights.topics');
    chat.send({ kind: 'text', text: 'a'.repeat(301) });
    expect(chat.step).toBe('rights.topics');
    expect(chat.said).toContain('300');
  });
});
