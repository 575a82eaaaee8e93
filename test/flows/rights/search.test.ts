import { describe, expect, it } from 'vitest';
import {
  foldTerm,
  indexTerms,
  MIN_SCORE,
  queryTerm,
  stem,
  TopicSearch,
} from '../../../src/flows/rights/search.ts';
import type { TopicId } from '../../../src/flows/rights/topics.ts';

const search = new TopicSearch();

/** Questions as officeholders type them, with typos and inflected forms. */
const GERMAN: readonly (readonly [string, TopicId])[] = [
  ['Was kann ich gegen Hasskommentare tun?', 'insult'],
  ['Hasskommentaren', 'insult'],
  ['Ich wurde beleidigt', 'insult'],
  ['Beleidigng', 'insult'],
  ['Auf Facebook werde ich beschimpft', 'insult'],
  ['Paragraf 188', 'insult'],
  ['Lügen über mich im Netz', 'insult'],
  ['Jemand hat meine Adresse veröffentlicht', 'doxxing'],
  ['meine Handynummer wurde im Internet verbreitet', 'doxxing'],
  ['Feindesliste', 'doxxing'],
  ['Foto von meinem Haus gepostet', 'doxxing'],
  ['Drohbrief', 'threat'],
  ['Ich werde bedroht', 'threat'],
  ['Bedrohng', 'threat'],
  ['Man hat mir gedroht, mein Haus anzuzünden', 'threat'],
  ['Jemand lauert mir vor dem Rathaus auf', 'threat'],
  ['Morddrohung per Mail', 'threat'],
  ['Nötigung', 'threat'],
  ['Stalking', 'threat'],
  ['wie lange habe ich Zeit für eine Anzeige', 'complaint'],
  ['Ist die Frist schon abgelaufen?', 'complaint'],
  ['Wie erstatte ich Anzeige?', 'complaint'],
  ['Anzeigee', 'complaint'],
  ['Mein Auto wurde zerkratzt', 'complaint'],
  ['Auskunftsperre', 'address'],
  ['Wie schütze ich meine Adresse?', 'address'],
  ['Kann ich meine Meldeadresse sperren lassen', 'address'],
  ['Wie sichere ich Beweise?', 'evidence'],
  ['Was muss auf den Screenshot?', 'evidence'],
  ['Wie dokumentiere ich Hassnachrichten?', 'evidence'],
  ['Facebook löscht den Kommentar nicht', 'platforms'],
  ['Wer steckt hinter dem anonymen Account?', 'platforms'],
  ['Wie melde ich einen Post bei Instagram', 'platforms'],
  ['Unterlassungserklärung', 'civil'],
  ['Kann ich auf Schmerzensgeld klagen?', 'civil'],
  ['Ich brauche einen Anwalt', 'civil'],
  ['Wo bekomme ich Beratung?', 'help'],
  ['Telefonnummer der Ansprechstelle', 'help'],
  ['psychologische Unterstützung', 'help'],
  ['Ich wurde angegriffen', 'emergency'],
  ['Notrufnummer', 'emergency'],
];

const ENGLISH: readonly (readonly [string, TopicId])[] = [
  ['someone posted my address', 'doxxing'],
  ['they published my phone number', 'doxxing'],
  ['my address is on the internet', 'doxxing'],
  ['what can I do about hate comments', 'insult'],
  ['I was insulted on Facebook', 'insult'],
  ['insultd', 'insult'],
  ['lies about me online', 'insult'],
  ['death threat', 'threat'],
  ['threatening letter', 'threat'],
  ['someone is stalking me', 'threat'],
  ['they threatened to burn my house', 'threat'],
  ['I am being blackmailed', 'threat'],
  ['how long do I have to file a complaint', 'complaint'],
  ['deadline for the Strafantrag', 'complaint'],
  ['how do I keep evidence', 'evidence'],
  ['screenshots', 'evidence'],
  ['protect my home address', 'address'],
  ['informaton blok', 'address'],
  ['report a post to Facebook', 'platforms'],
  ['who is behind this account', 'platforms'],
  ['cease and desist', 'civil'],
  ['can I sue them for damages', 'civil'],
  ['where can I get help', 'help'],
  ['I was attacked', 'emergency'],
];

/** Off-topic questions and nonsense: better no answer than a wrong one. */
const NO_MATCH: readonly (readonly [string, 'de' | 'en'])[] = [
  ['asdf qwertz', 'de'],
  ['Wetter morgen in Berlin', 'de'],
  ['Pizza bestellen', 'de'],
  ['Rezept für Apfelkuchen', 'de'],
  ['Baugenehmigung beantragen', 'de'],
  ['Wann ist die nächste Ratssitzung?', 'de'],
  ['Ich brauche einen neuen Personalausweis', 'de'],
  ['hallo', 'de'],
  ['what is the weather like', 'en'],
  ['buy a cheap car', 'en'],
  ['When is the next council meeting', 'en'],
  ['tell me a joke', 'en'],
];

describe('topic search', () => {
  it.each(GERMAN)('finds the topic for the German question %j', (question, topic) => {
    expect(search.find(question, 'de')).toMatchObject({ topic, lang: 'de' });
  });

  it.each(ENGLISH)('finds the topic for the English question %j', (question, topic) => {
    expect(search.find(question, 'en')).toMatchObject({ topic, lang: 'en' });
  });

  it.each(NO_MATCH)('finds nothing for %j', (question, lang) => {
    expect(search.find(question, lang)).toBeUndefined();
  });

  it('has enough questions in the tables', () => {
    expect(GERMAN.length).toBeGreaterThanOrEqual(25);
    expect(ENGLISH.length).toBeGreaterThanOrEqual(15);
  });

  it('keeps a margin between the weakest right answer and the threshold', () => {
    const weakest = Math.min(
      ...GERMAN.map(([q]) => search.find(q, 'de')?.score ?? 0),
      ...ENGLISH.map(([q]) => search.find(q, 'en')?.score ?? 0),
    );
    const strongestNoise = Math.max(
      ...NO_MATCH.map(([q, lang]) => search.rank(q, lang)[0]?.score ?? 0),
    );
    expect(weakest).toBeGreaterThan(MIN_SCORE * 1.2);
    expect(strongestNoise).toBeLessThan(MIN_SCORE * 0.9);
  });

  it('falls back to the other language when the person asks in it', () => {
    expect(search.find('someone posted my address', 'de')).toMatchObject({
      topic: 'doxxing',
      lang: 'en',
    });
    expect(search.find('Drohbrief', 'en')).toMatchObject({ topic: 'threat', lang: 'de' });
  });

  it('ranks every topic that matches, best first', () => {
    const ranked = search.rank('Jemand hat meine Adresse veröffentlicht', 'de');
    expect(ranked.map((m) => m.topic).slice(0, 2)).toEqual(['doxxing', 'address']);
    const scores = ranked.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('builds an index only from complete locale data', () => {
    const broken = new TopicSearch({ de: { topic: {} }, en: { topic: {} } });
    expect(() => broken.find('Beleidigung', 'de')).toThrow();
  });
});

/** Questions about two things: both topics are offered, the better one first. */
const TWO_TOPICS: readonly (readonly [string, 'de' | 'en', TopicId, TopicId])[] = [
  ['Hasskommentare auf Facebook', 'de', 'insult', 'platforms'],
  ['Drohung auf Facebook', 'de', 'threat', 'platforms'],
  ['Drohung und Beleidigung im Netz', 'de', 'insult', 'threat'],
  ['Ich wurde beleidigt, wie stelle ich Strafantrag?', 'de', 'insult', 'complaint'],
  ['Beleidigung Frist', 'de', 'complaint', 'insult'],
  ['hate comments on Facebook', 'en', 'insult', 'platforms'],
  ['threat on Instagram', 'en', 'threat', 'platforms'],
];

/** Questions about one thing, even where other topics share a word: one topic only. */
const ONE_TOPIC: readonly (readonly [string, 'de' | 'en', TopicId])[] = [
  ['Was kann ich gegen Hasskommentare tun?', 'de', 'insult'],
  ['Jemand hat meine Adresse veröffentlicht', 'de', 'doxxing'],
  ['Facebook löscht den Kommentar nicht', 'de', 'platforms'],
  ['Bedrohung meiner Familie', 'de', 'threat'],
  ['Strafanzeige oder Strafantrag?', 'de', 'complaint'],
  ['Kosten Auskunftssperre', 'de', 'address'],
  ['Ich bin noch nicht betroffen, will aber vorbeugen', 'de', 'prevention'],
  ['Einbruchschutz zu Hause', 'de', 'prevention'],
  ['how can I protect myself before anything happens', 'en', 'prevention'],
  ['Drohbrief', 'de', 'threat'],
];

describe('topics offered for a question', () => {
  it.each(TWO_TOPICS)('offers two for %j (%s): %s, then %s', (question, lang, first, second) => {
    expect(search.offer(question, lang).map((m) => m.topic)).toEqual([first, second]);
  });

  it.each(ONE_TOPIC)('offers one for %j (%s): %s', (question, lang, topic) => {
    expect(search.offer(question, lang).map((m) => m.topic)).toEqual([topic]);
  });

  it('offers the best topic first, as find answers it', () => {
    for (const [question, lang] of [...TWO_TOPICS, ...ONE_TOPIC])
      expect(search.offer(question, lang)[0]).toEqual(search.find(question, lang));
  });

  it('offers nothing where find finds nothing', () => {
    for (const [question, lang] of NO_MATCH) expect(search.offer(question, lang)).toEqual([]);
  });
});

describe('term normalisation', () => {
  it('folds umlauts and ß the German way', () => {
    expect(foldTerm('Veröffentlichung')).toBe('veroeffentlichung');
    expect(foldTerm('Größe')).toBe('groesse');
    expect(foldTerm('Übergriff')).toBe('uebergriff');
    expect(foldTerm('café')).toBe('cafe');
  });

  it('maps inflected German forms to one stem', () => {
    const forms = ['beleidigt', 'Beleidigung', 'Beleidigungen', 'beleidigen'];
    expect(new Set(forms.map((f) => queryTerm(f, 'de')))).toEqual(new Set(['beleidig']));
    expect(queryTerm('bedroht', 'de')).toBe(queryTerm('Bedrohung', 'de'));
    expect(queryTerm('Hasskommentaren', 'de')).toBe(queryTerm('Hasskommentare', 'de'));
  });

  it('maps inflected English forms to one stem', () => {
    expect(stem('threatened', 'en')).toBe(stem('threatening', 'en'));
    expect(stem('insults', 'en')).toBe('insult');
    expect(stem('address', 'en')).toBe('address');
    expect(stem('parties', 'en')).toBe('party');
  });

  it('leaves short words alone', () => {
    expect(stem('hass', 'de')).toBe('hass');
    expect(stem('post', 'de')).toBe('post');
  });

  it('drops stop words and single letters, keeps numbers', () => {
    expect(queryTerm('Ich', 'de')).toBeNull();
    expect(queryTerm('someone', 'en')).toBeNull();
    expect(queryTerm('x', 'en')).toBeNull();
    expect(queryTerm('3', 'de')).toBe('3');
  });

  it('indexes the full word beside its stem', () => {
    expect(indexTerms('Bedrohung', 'de')).toEqual(['bedroh', 'bedrohung']);
    expect(indexTerms('Polizei', 'de')).toEqual(['polizei']);
    expect(indexTerms('und', 'de')).toBeNull();
  });
});
