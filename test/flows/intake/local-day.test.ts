/**
 * "Today" in the intake is the contact point's day, not the UTC day: at 23:30 UTC it is already
 * 00:30 of the next day in Berlin. "heute"/"today", "gestern"/"yesterday", a typed date and the
 * "never in the future" check all follow the configured TIME_ZONE.
 */
import { describe, expect, it } from 'vitest';
import { localDay } from '../../../src/bot/local-time.ts';
import type { Language } from '../../../src/flows/types.ts';
import { ConversationDriver } from '../../support/conversation-driver.ts';

/** 23:30 UTC on 22 November: 00:30 on 23 November in Berlin. */
const LATE = new Date('2026-11-22T23:30:00Z');

/** Long way up to the day of the incident. */
function toWhen(language: Language, timeZone?: string): ConversationDriver {
  const chat = new ConversationDriver({
    now: LATE,
    language,
    ...(timeZone === undefined ? {} : { timeZone }),
  });
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('agree');
  chat.choice('council');
  chat.choices('threat');
  chat.choice('letter');
  expect(chat.step).toBe('intake.when');
  return chat;
}

const dayOf = (chat: ConversationDriver): unknown => chat.data('intake')['when'];

describe('the day of the incident in the contact point’s time zone', () => {
  it('knows the local day of an instant', () => {
    expect(localDay(LATE)).toBe('2026-11-23');
    expect(localDay(LATE, 'Europe/Berlin')).toBe('2026-11-23');
    expect(localDay(LATE, 'UTC')).toBe('2026-11-22');
    expect(localDay(new Date('2026-11-22T22:59:00Z'))).toBe('2026-11-22');
  });

  it('remembers days per quarter hour without crossing a midnight of any zone', () => {
    // Every minute of a day and a half, asked twice (the second time from the cache), in zones
    // with whole, half and quarter hour offsets and a change of summer time, against Intl itself.
    const zones = ['Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'UTC'];
    const start = Date.parse('2026-03-28T12:00:00Z');
    for (const zone of zones) {
      const intl = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      for (const round of [1, 2])
        for (let minute = 0; minute < 36 * 60; minute++) {
          const instant = new Date(start + minute * 60_000 + round * 7_000);
          expect(localDay(instant, zone), `${zone} ${instant.toISOString()}`).toBe(
            intl.format(instant),
          );
        }
    }
    // Before 1980 some zones kept odd offsets: not cached, still right.
    expect(localDay(new Date('1930-06-01T23:50:00Z'), 'Europe/Amsterdam')).toBe('1930-06-02');
  });

  for (const [language, today, yesterday] of [
    ['de', 'heute', 'gestern'],
    ['en', 'today', 'yesterday'],
  ] as const) {
    it(`takes "${today}" and the button as the Berlin day at 23:30 UTC (${language})`, () => {
      const typed = toWhen(language);
      typed.text(today);
      expect(dayOf(typed)).toEqual({ kind: 'date', date: '2026-11-23' });
      const tapped = toWhen(language);
      tapped.choice('today');
      expect(dayOf(tapped)).toEqual({ kind: 'date', date: '2026-11-23' });
    });

    it(`takes "${yesterday}" as the Berlin yesterday at 23:30 UTC (${language})`, () => {
      const typed = toWhen(language);
      typed.text(yesterday);
      expect(dayOf(typed)).toEqual({ kind: 'date', date: '2026-11-22' });
      const tapped = toWhen(language);
      tapped.choice('yesterday');
      expect(dayOf(tapped)).toEqual({ kind: 'date', date: '2026-11-22' });
    });
  }

  it('takes the Berlin date typed after midnight, and still refuses tomorrow', () => {
    const chat = toWhen('de');
    chat.text('24.11.2026');
    expect(chat.step).toBe('intake.when');
    expect(chat.said).toContain('Zukunft');
    chat.text('23.11.2026');
    expect(dayOf(chat)).toEqual({ kind: 'date', date: '2026-11-23' });
  });

  it('follows another configured zone: in UTC the 23rd is still tomorrow', () => {
    const chat = toWhen('en', 'UTC');
    chat.text('2026-11-23');
    expect(chat.step).toBe('intake.when');
    expect(chat.said).toContain('future');
    chat.text('today');
    expect(dayOf(chat)).toEqual({ kind: 'date', date: '2026-11-22' });
  });

  it('names the Berlin day a draft was begun on when the person comes back to it', () => {
    const chat = toWhen('de');
    chat.command('menu');
    chat.now = new Date('2026-11-24T12:00:00Z');
    chat.choice('report');
    expect(chat.step).toBe('intake.resume');
    expect(chat.said).toContain('am 23. November 2026');
  });
});
