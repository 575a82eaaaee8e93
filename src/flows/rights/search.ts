/**
 * Finds the rights topic for a question typed in the person's own words, in German or English,
 * with typos and inflected forms. Built on MiniSearch (BM25 with fuzzy and prefix matching); this
 * file only decides how words are normalised and how fields are weighted.
 */
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import type { Language } from '../types.ts';
import {
  RIGHTS_SOURCES,
  topicDocuments,
  type RightsSources,
  type TopicDocument,
} from './content.ts';
import type { TopicId } from './topics.ts';

/** A topic found for a question. */
export interface TopicMatch {
  readonly topic: TopicId;
  readonly score: number;
  /** The language whose texts matched (the other one is tried when the person's finds nothing). */
  readonly lang: Language;
}

/**
 * Scores below this are no answer. Tuned with test/flows/rights/search.test.ts: the weakest right
 * answer of the table scores well above it, nonsense and off-topic questions stay below.
 */
export const MIN_SCORE = 6;

/**
 * A second topic that matches no word the best one does not is still offered when it scores at
 * least this share of the best ("beleidigt – wie stelle ich Strafantrag?"). Tuned with
 * test/flows/rights/search.test.ts.
 */
export const SECOND_SHARE = 0.6;

/** Field weights: the hand-made keyword lists and the short label/title count most. */
const BOOST: Readonly<Record<keyof Omit<TopicDocument, 'id'>, number>> = {
  keywords: 3,
  label: 2,
  title: 2,
  text: 1,
};

const SEARCH: SearchOptions = {
  boost: BOOST,
  combineWith: 'OR',
  // A stem also finds longer words ("Drohung" → droh → "Drohbrief"); not under 4 letters.
  prefix: (term) => term.length >= 4,
  // Typos: one in words of 5–7 letters, two from 8 ("Beleidigng"); none in shorter words, so
  // that "Haus" does not find "Hass".
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
  maxFuzzy: 2,
  weights: { fuzzy: 0.6, prefix: 0.5 },
};

/**
 * Words that carry no topic, in both languages (a German person may ask in English and the other
 * way round). Compared after folding (lower case, umlauts as ae/oe/ue, ß as ss).
 */
const STOP_WORDS = new Set(
  `
  aber alle allem als also am an auch auf aus bei bin bis bitte da dafuer damit dann das dass
  dem den denn der des dein deine dich die dies diese diesem diesen dieser dir do doch dort du
  durch ein eine einem einen einer eines er es etwas euch fuer gegen gibt hab habe haben hallo
  hat hatte hier ich ihm ihn ihr ihre im in ins ist ja jemand jetzt kann koennen konnte man mein
  meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob
  oder ohne schon sehr sein seine sich sie sind so soll sollte tun ueber um und uns unter viel
  vom von vor war waren was weil welche wenn wer werde werden wie wieder wir wird wo wurde zu
  zum zur
  a about after all am an and any anyone anything are as at be been being but by can could did
  do does doing done for from get got had has have having he her hi hello him his how i if im in
  into is it its me mine my myself no not of on or our please she should so some somebody
  someone something than that the their them then there these they this those to too us was we
  were what when where which who why will with would you your keep keeps
  `
    .trim()
    .split(/\s+/),
);

/** Lower case, umlauts as ae/oe/ue, ß as ss, other accents dropped. */
export function foldTerm(term: string): string {
  return term
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
}

/** Endings removed from German words, longest first: "beleidigt", "Beleidigungen" → "beleidig". */
const DE_ENDINGS = ['ungen', 'ung', 'en', 'er', 'em', 'es', 'te', 'st', 'e', 'n', 's', 't'];
/** Endings removed from English words: "threatened", "threatening" → "threaten". */
const EN_ENDINGS = ['ings', 'ing', 'ers', 'er', 'ed', 'es', 'ly', 's'];

/**
 * A light stemmer: removes one inflectional ending when at least `min` letters stay. It only has
 * to map the forms of one word to the same key (it runs on the texts and on the question alike);
 * where it does not, fuzzy and prefix matching bridge the gap.
 */
export function stem(term: string, lang: Language): string {
  if (lang === 'en') {
    if (/[^aeiou]ies$/.test(term) && term.length > 4) return `${term.slice(0, -3)}y`;
    if (term.endsWith('ss')) return term;
  }
  const min = lang === 'de' ? 4 : 3;
  const ending = (lang === 'de' ? DE_ENDINGS : EN_ENDINGS).find(
    (e) => term.endsWith(e) && term.length - e.length >= min,
  );
  return ending === undefined ? term : term.slice(0, -ending.length);
}

/** Turns one word of a question into its search key, or null for words to ignore. */
export function queryTerm(term: string, lang: Language): string | null {
  const folded = foldTerm(term);
  if (folded.length < 2 && !/\d/.test(folded)) return null;
  if (STOP_WORDS.has(folded)) return null;
  return stem(folded, lang);
}

/**
 * Turns one word of a topic text into its index keys: the stem, and the full word as well, so that
 * a typo in a long word ("Bedrohng") is one letter away from something indexed.
 */
export function indexTerms(term: string, lang: Language): string[] | null {
  const key = queryTerm(term, lang);
  if (key === null) return null;
  const folded = foldTerm(term);
  return folded === key ? [key] : [key, folded];
}

/**
 * The topic search over the rights texts of every language. Each language's index is built on its
 * first use and then kept; it holds only the fixed texts, never a question.
 */
export class TopicSearch {
  readonly #sources: RightsSources;
  readonly #minScore: number;
  readonly #indexes = new Map<Language, MiniSearch<TopicDocument>>();

  constructor(sources: RightsSources = RIGHTS_SOURCES, minScore: number = MIN_SCORE) {
    this.#sources = sources;
    this.#minScore = minScore;
  }

  /**
   * The best topic for a question, or undefined when nothing fits well enough. Tries the person's
   * language first, then the other one.
   */
  find(question: string, lang: Language): TopicMatch | undefined {
    const other: Language = lang === 'de' ? 'en' : 'de';
    for (const language of [lang, other]) {
      const best = this.rank(question, language)[0];
      if (best !== undefined && best.score >= this.#minScore) return best;
    }
    return undefined;
  }

  /**
   * The topics to offer for a question, best first: none, the one that fits, or two when the
   * second fits nearly as well. Tries the person's language first, then the other one.
   */
  offer(question: string, lang: Language): TopicMatch[] {
    const other: Language = lang === 'de' ? 'en' : 'de';
    for (const language of [lang, other]) {
      const [best, second] = this.#index(language).search(question);
      if (best === undefined || best.score < this.#minScore) continue;
      const match = (r: SearchResult): TopicMatch => ({
        topic: r.id as TopicId,
        score: r.score,
        lang: language,
      });
      // The second topic answers a part of the question the best one does not
      // ("Hasskommentare auf Facebook": the insult, and the platform), or fits nearly as well.
      const addsSubject = second?.queryTerms.some((term) => !best.queryTerms.includes(term));
      const close =
        second !== undefined &&
        second.score >= this.#minScore &&
        (addsSubject === true || second.score >= best.score * SECOND_SHARE);
      return close ? [match(best), match(second)] : [match(best)];
    }
    return [];
  }

  /** Every topic that matches the question in one language, best first, with its score. */
  rank(question: string, lang: Language): TopicMatch[] {
    return this.#index(lang)
      .search(question)
      .map((result) => ({
        topic: result.id as TopicId,
        score: result.score,
        lang,
      }));
  }

  #index(lang: Language): MiniSearch<TopicDocument> {
    let index = this.#indexes.get(lang);
    if (index === undefined) {
      index = new MiniSearch<TopicDocument>({
        fields: ['label', 'title', 'keywords', 'text'],
        processTerm: (term) => indexTerms(term, lang),
        searchOptions: { ...SEARCH, processTerm: (term) => queryTerm(term, lang) },
      });
      index.addAll(topicDocuments(this.#sources[lang]));
      this.#indexes.set(lang, index);
    }
    return index;
  }
}
