/**
 * Adding a yes/no question to the intake is one record and two locale files: this test adds a
 * record to the question list and the question's sentences to a copy of locales/de and
 * locales/en intake.json, nothing else, and drives the conversation core through it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCALES_DIR, Translator } from '../../../src/bot/i18n.ts';
import { caseFlow } from '../../../src/flows/case/case-flow.ts';
import { FlowRegistry } from '../../../src/flows/define.ts';
import { intakeFlowFrom } from '../../../src/flows/intake/intake-flow.ts';
import { intakeSpec } from '../../../src/flows/intake/intake-spec.ts';
import { YES_NO } from '../../../src/flows/intake/options.ts';
import type { AnyQuestion } from '../../../src/flows/intake/question.ts';
import { choiceQuestion, intakeQuestions } from '../../../src/flows/intake/questions.ts';
import { deleteFlow } from '../../../src/flows/menu/delete-flow.ts';
import { languageFlow } from '../../../src/flows/menu/language-flow.ts';
import { menuFlow } from '../../../src/flows/menu/menu-flow.ts';
import { rightsFlow } from '../../../src/flows/rights/rights-flow.ts';
import type { Effect } from '../../../src/flows/types.ts';
import { caseDocument } from '../../../src/staff/case-document.ts';
import { ConversationDriver } from '../../support/conversation-driver.ts';

// The one record: a yes/no question after the one about the family.
const pets = choiceQuestion('pets', YES_NO);
const questions = intakeQuestions().flatMap<AnyQuestion>((q) =>
  q.id === 'family' ? [q, pets] : [q],
);
const spec = intakeSpec(questions);

// The two locale files: the question's sentences in German and English.
const added = {
  de: {
    pets: { prompt: 'Sind auch Haustiere betroffen?', options: { yes: 'Ja', no: 'Nein' } },
    summary: { pets: 'Haustiere betroffen: {{value}}' },
    edit: { options: { pets: 'Haustiere' } },
  },
  en: {
    pets: { prompt: 'Are pets affected too?', options: { yes: 'Yes', no: 'No' } },
    summary: { pets: 'Pets affected: {{value}}' },
    edit: { options: { pets: 'Pets' } },
  },
} as const;

type Json = { [key: string]: Json } | string;
/** `extra` merged into `base`, nested objects key by key. */
function merged(base: Json, extra: Json): Json {
  if (typeof base === 'string' || typeof extra === 'string') return extra;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(extra))
    out[key] = key in base && base[key] !== undefined ? merged(base[key], value) : value;
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'lotse-locales-'));
cpSync(LOCALES_DIR, dir, { recursive: true });
for (const lng of ['de', 'en'] as const) {
  const file = join(dir, lng, 'intake.json');
  const base = JSON.parse(readFileSync(file, 'utf8')) as Json;
  writeFileSync(file, JSON.stringify(merged(base, added[lng]), null, 2));
}
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const i18n = Translator.create({ dir });
const flows = new FlowRegistry([
  menuFlow,
  languageFlow,
  deleteFlow,
  intakeFlowFrom(spec),
  caseFlow,
  rightsFlow,
]);

type Submit = Extract<Effect, { kind: 'submit-report' }>;

/** A letter, from the start to the question after the family. */
function toPets(chat: ConversationDriver): void {
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('agree');
  chat.choice('council');
  chat.choices('threat');
  chat.choice('letter');
  expect(chat.step).toBe('intake.when');
  chat.text('01.11.2026');
  chat.text('NRW');
  chat.choice('skip');
  chat.text('Ein Brief mit einer Drohung lag im Briefkasten.');
  chat.choice('done');
  chat.choice('unknown');
  chat.choice('no');
  expect(chat.step).toBe('intake.family');
  chat.choice('no');
}

describe('a yes/no question added as one record', () => {
  it('is asked in its place, refuses other answers, and is summarised, editable and reported', () => {
    const chat = new ConversationDriver({ flows, i18n, caseRefs: ['PETS-0001'] });
    toPets(chat);
    expect(chat.step).toBe('intake.pets');
    expect(chat.said).toContain('Sind auch Haustiere betroffen?');
    expect(chat.optionIds).toEqual(['yes', 'no']);

    // Bad input: a short explanation and the same question again.
    chat.text('vielleicht');
    expect(chat.step).toBe('intake.pets');
    expect(chat.said).toContain('Sind auch Haustiere betroffen?');

    chat.choice('yes');
    expect(chat.step).toBe('intake.help');
    chat.choices('complaint');
    chat.choice('chat');
    expect(chat.step).toBe('intake.deadline');
    chat.choice('noRemind');
    expect(chat.step).toBe('intake.summary');
    expect(chat.said).toContain('Haustiere betroffen: Ja');

    // Editable from the summary, and changed there.
    chat.choice('edit');
    const expects = chat.question.expects;
    expect('options' in expects ? expects.options : []).toContainEqual({
      id: 'pets',
      label: 'Haustiere',
    });
    chat.choice('pets');
    expect(chat.step).toBe('intake.pets');
    chat.choice('no');
    expect(chat.step).toBe('intake.summary');
    expect(chat.said).toContain('Haustiere betroffen: Nein');

    chat.choice('send');
    const submit = chat.effects.find((e): e is Submit => e.kind === 'submit-report');
    const report = spec.reportSchema.parse(submit?.report);
    expect(report).toMatchObject({ caseRef: 'PETS-0001', pets: 'no', family: 'no' });

    // The case document lists it after the family, in both languages.
    const details = {
      caseRef: 'PETS-0001',
      status: 'new' as const,
      urgent: false,
      report,
      notes: [],
      messages: [],
      eraseRequested: false,
    };
    const de = caseDocument(details, 'de', i18n, spec).split('\n');
    expect(de).toContain('Haustiere betroffen: Nein');
    expect(de.indexOf('Haustiere betroffen: Nein')).toBe(de.indexOf('Familie betroffen: Nein') + 1);
    expect(caseDocument(details, 'en', i18n, spec)).toContain('Pets affected: No');
  });

  it('is skipped on resume once answered, like every question', () => {
    const chat = new ConversationDriver({ flows, i18n });
    toPets(chat);
    chat.choice('yes');
    chat.command('menu');
    chat.choice('report');
    expect(chat.step).toBe('intake.resume');
    chat.choice('continue');
    expect(chat.step).toBe('intake.help');
    expect(chat.data('intake')).toMatchObject({ pets: 'yes' });
  });

  it('is not in the intake Lotse asks', () => {
    const chat = new ConversationDriver();
    toPets(chat);
    expect(chat.step).toBe('intake.help');
  });

  it('may not take an id or a field another question has', () => {
    expect(() => intakeSpec([...questions, choiceQuestion('pets', YES_NO)])).toThrow(
      'two intake questions use the intake question pets',
    );
    // A question named like a shared field of the draft or report would overwrite it.
    expect(() => intakeSpec([...questions, choiceQuestion('caseRef', YES_NO)])).toThrow(
      'draft field caseRef',
    );
    expect(() => intakeSpec([...questions, choiceQuestion('urgent', YES_NO)])).toThrow(
      'report field urgent',
    );
  });
});
