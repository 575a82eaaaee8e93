import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../../src/flows/intake/report.ts';
import type { Effect } from '../../../src/flows/types.ts';
import { ConversationDriver } from '../../support/conversation-driver.ts';

type Submit = Extract<Effect, { kind: 'submit-report' }>;

/** Start → … → the Land question, in the given language. */
function toState(language: 'de' | 'en'): ConversationDriver {
  const chat = new ConversationDriver({ language });
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('agree');
  chat.choice('council');
  chat.choices('threat');
  chat.choice('letter');
  chat.choice('unknown');
  expect(chat.step).toBe('intake.state');
  return chat;
}

/** From the description to the summary, then send; the report. */
function finish(chat: ConversationDriver) {
  chat.text('Ein Drohbrief lag im Briefkasten des Rathauses.');
  chat.choice('done');
  chat.choice('unknown');
  chat.choice('no');
  chat.choice('no');
  chat.choices('callBack');
  chat.choice('chat');
  chat.choice('ok'); // the deadline notice for an unknown day
  expect(chat.step).toBe('intake.summary');
  chat.choice('send');
  const submit = chat.effects.find((e): e is Submit => e.kind === 'submit-report');
  return reportSchema.parse(submit?.report);
}

describe('plausible places', () => {
  it('asks once, kindly, about a Land given as the municipality; a place is taken (de)', () => {
    const chat = toState('de');
    chat.text('Bayern');
    chat.text('Bayern');
    expect(chat.step).toBe('intake.municipality');
    expect(chat.said).toContain('„Bayern“ ist ein Bundesland (Bayern). Meinen Sie Ihre Gemeinde');
    expect(chat.step).toBe('intake.municipality');
    chat.text('Gemeinde Bayerisch Gmain');
    expect(chat.step).toBe('intake.description');
    expect(finish(chat).municipality).toBe('Gemeinde Bayerisch Gmain');
  });

  it('lets the person keep their answer (en)', () => {
    const chat = toState('en');
    chat.text('Bavaria');
    chat.text('Bavaria');
    expect(chat.said).toContain('“Bavaria” is a federal state (Bavaria).');
    expect(chat.question.text).toContain('Keep it');
    chat.choice('keep');
    expect(chat.step).toBe('intake.description');
    expect(finish(chat).municipality).toBe('Bavaria');
  });

  it('asks only once: the same Land again is taken as it is (de)', () => {
    const chat = toState('de');
    chat.text('NRW');
    chat.text('Hessen');
    expect(chat.step).toBe('intake.municipality');
    chat.text('Hessen');
    expect(chat.step).toBe('intake.description');
    expect(finish(chat).municipality).toBe('Hessen');
  });

  it('takes a city-state as the municipality without asking', () => {
    const chat = toState('de');
    chat.text('Berlin');
    chat.text('Berlin');
    expect(chat.step).toBe('intake.description');
  });

  it('names a municipality given as the Land, and asks for the Land again (de and en)', () => {
    const de = toState('de');
    de.text('München');
    expect(de.step).toBe('intake.state');
    expect(de.said).toContain(
      '„München“ kenne ich nicht als Bundesland – vielleicht ist es Ihre Gemeinde?',
    );
    de.text('Bayern');
    expect(de.step).toBe('intake.municipality');
    const en = toState('en');
    en.text('Munich');
    expect(en.step).toBe('intake.state');
    expect(en.said).toContain('I do not know “Munich” as a federal state');
  });
});
