/**
 * Rights information end to end: the real program over the console JSON-lines channel, from the
 * main menu to a topic found for a question typed in the person's own words, in both languages.
 */
import { describe, expect, it } from 'vitest';
import { questionOf, useJsonl, type MessageLine } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('rights');
const start = useJsonl();

const idsOf = (message: MessageLine): string[] =>
  (message.expects.options ?? []).map((option) => option.id);

const WAYS_ON = ['report', 'call', 'topics', 'menu'];

describe('rights information over the console JSON-lines channel', () => {
  it('answers German questions from the main menu', async () => {
    const bot = start({ prefix: redis.prefix, user: 'mayor' });
    const menu = questionOf(await bot.send({ command: 'start' }));
    expect(idsOf(menu)).toContain('rights');

    const topics = questionOf(await bot.send({ choice: 'rights' }));
    expect(topics.expects.kind).toBe('choice');
    expect(idsOf(topics)).toEqual(expect.arrayContaining(['emergency', 'insult', 'address']));

    const doxxing = questionOf(await bot.send({ text: 'Jemand hat meine Adresse veröffentlicht' }));
    expect(doxxing.text).toContain('§ 126a StGB');
    expect(doxxing.text).toContain(
      'Allgemeine Information, keine Rechtsberatung. Stand: 30.11.2026',
    );
    expect(idsOf(doxxing)).toEqual(WAYS_ON);

    // A follow-up question with a typo, straight from the answer page.
    const address = questionOf(await bot.send({ text: 'Auskunftsperre' }));
    expect(address.text).toContain('§ 51 BMG');

    const contact = questionOf(await bot.send({ choice: 'call' }));
    expect(contact.text).toContain('0800 300 99 44');

    const back = questionOf(await bot.send({ choice: 'menu' }));
    expect(idsOf(back)).toContain('rights');
    expect(await bot.close()).toBe(0);
  });

  it('answers English questions with --lang en and offers staff when nothing fits', async () => {
    const bot = start({ prefix: redis.prefix, user: 'councillor', lang: 'en' });
    await bot.send({ command: 'start' });
    await bot.send({ choice: 'rights' });

    const doxxing = questionOf(await bot.send({ text: 'someone posted my address' }));
    expect(doxxing.text).toContain('section 126a StGB');
    expect(doxxing.text).toContain(
      'General information, not legal advice. Last reviewed: 30 Nov 2026',
    );
    expect(idsOf(doxxing)).toEqual(WAYS_ON);

    const nothing = questionOf(await bot.send({ text: 'tell me a joke' }));
    expect(nothing.text).toContain('could not find');
    expect(idsOf(nothing)).toEqual(expect.arrayContaining(['insult', 'report', 'call']));

    const intake = questionOf(await bot.send({ choice: 'report' }));
    expect(intake.text).toMatch(/danger/i);
    expect(await bot.close()).toBe(0);
  });
});
