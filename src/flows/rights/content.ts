/**
 * The rights texts as data, for the topic search. The locale files are imported statically, so the
 * flow stays pure (no file system) and the search indexes the very sentences people are shown.
 */
import { z } from 'zod';
import de from '../../../locales/de/rights.json' with { type: 'json' };
import en from '../../../locales/en/rights.json' with { type: 'json' };
import type { Language } from '../types.ts';
import { TOPIC_IDS, type TopicId } from './topics.ts';

const topicSchema = z.object({
  label: z.string().min(1),
  title: z.string().min(1),
  text: z.string().min(1),
  /** Comma-separated words and phrases people use that the text itself does not say. */
  keywords: z.string(),
});

/** The part of a rights locale file the search needs; every topic must be there. */
const contentSchema = z.object({ topic: z.record(z.enum(TOPIC_IDS), topicSchema) });

/** One topic in one language, as the search indexes it. */
export interface TopicDocument {
  readonly id: TopicId;
  readonly label: string;
  readonly title: string;
  readonly keywords: string;
  readonly text: string;
}

/** The raw locale data by language (replaceable in tests). */
export type RightsSources = Readonly<Record<Language, unknown>>;

/** The rights locale files of the repository. */
export const RIGHTS_SOURCES: RightsSources = { de, en };

/** The topics of one language, in menu order. Throws when the locale data is incomplete. */
export function topicDocuments(source: unknown): TopicDocument[] {
  const { topic } = contentSchema.parse(source);
  return TOPIC_IDS.map((id) => ({ id, ...topic[id] }));
}
