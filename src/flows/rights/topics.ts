/** The topics of the rights information and the date their texts were last reviewed. */
import type { Language } from '../types.ts';

/**
 * Topic ids in menu order. Short, because they travel in Telegram callback data; each names the
 * locale keys `rights:topic.<id>.{label,title,text,keywords}`.
 */
export const TOPIC_IDS = [
  'emergency',
  'complaint',
  'evidence',
  'insult',
  'threat',
  'doxxing',
  'address',
  'platforms',
  'civil',
  'prevention',
  'help',
] as const;

export type TopicId = (typeof TOPIC_IDS)[number];

/** Narrows a string (an option id, stored data) to a topic id. */
export const isTopicId = (value: string): value is TopicId =>
  (TOPIC_IDS as readonly string[]).includes(value);

/**
 * The day the legal content was last checked against CONTENT-FACTS.md (ISO). Change it whenever
 * the texts are reviewed; every answer shows it.
 */
export const REVIEWED_ON = '2026-11-30';

const DATE_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }),
};

/** The review date as people read it: 30.11.2026 / 30 Nov 2026. */
export function formatReviewDate(lang: Language, isoDay: string = REVIEWED_ON): string {
  return DATE_FORMATS[lang].format(new Date(`${isoDay}T00:00:00Z`));
}
