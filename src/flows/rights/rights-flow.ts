import { z } from 'zod';
import { defineFlow } from '../define.ts';
import {
  text,
  type Answer,
  type InputSpec,
  type Language,
  type Option,
  type Step,
  type StepContext,
  type StepResult,
  type Text,
  type View,
} from '../types.ts';
import { TopicSearch } from './search.ts';
import { formatReviewDate, isTopicId, TOPIC_IDS, type TopicId } from './topics.ts';

/** What the rights flow keeps: the topic being shown, or the two offered for a question. */
export interface RightsData {
  readonly topic?: TopicId;
  readonly offered?: readonly [TopicId, TopicId];
}

const dataSchema = z.strictObject({
  topic: z.enum(TOPIC_IDS).optional(),
  offered: z.tuple([z.enum(TOPIC_IDS), z.enum(TOPIC_IDS)]).optional(),
});

type Result = StepResult<RightsData>;
type RightsStep = Step<RightsData>;

const k = (key: string, params?: Parameters<typeof text>[1]): Text => text(`rights:${key}`, params);

/** Ids of the ways on from an answer; none of them is a topic id. */
export const NEXT = {
  report: 'report',
  call: 'call',
  topics: 'topics',
  menu: 'menu',
} as const;

/** Typed text that is no option is a question for the topic search. */
export const QUESTION_LIMITS = { min: 3, max: 300 } as const;

const topicOptions: readonly Option[] = TOPIC_IDS.map((id) => ({
  id,
  label: k(`topic.${id}.label`),
}));
const nextOption = (id: keyof typeof NEXT, key = `next.${id}`): Option => ({
  id: NEXT[id],
  label: k(key),
});

const choiceWithQuestion = (options: readonly Option[]): InputSpec => ({
  kind: 'choice',
  options,
  freeText: QUESTION_LIMITS,
});

/** The one search over the rights texts; its indexes hold only those fixed texts. */
const search = new TopicSearch();

/** Shows a topic. */
const showTopic = (topic: TopicId): Result => ({ type: 'goto', step: 'topic', data: { topic } });

/**
 * A typed question: the topic that fits it, a choice of the two that fit (best first), or the page
 * that says nothing fits.
 */
function ask(question: string, lang: Language): Result {
  const [best, second] = search.offer(question, lang);
  if (best === undefined) return { type: 'goto', step: 'noMatch', data: {} };
  if (second === undefined) return showTopic(best.topic);
  return { type: 'goto', step: 'choose', data: { offered: [best.topic, second.topic] } };
}

/**
 * Every step of this flow understands the same answers: a topic, a way on, or a question. The core
 * passes only ids the step offered, so one handler serves all steps.
 */
function onAnswer(answer: Answer, { lang }: StepContext<RightsData>): Result {
  if (answer.kind === 'text') return ask(answer.text, lang);
  if (answer.kind !== 'choice') return { type: 'invalid', hint: text('common:invalid.choice') };
  const id = answer.id;
  if (isTopicId(id)) return showTopic(id);
  switch (id) {
    case NEXT.report:
      return { type: 'switch', flow: 'intake' };
    case NEXT.call:
      return { type: 'goto', step: 'contact' };
    case NEXT.topics:
      return { type: 'goto', step: 'topics' };
    case NEXT.menu:
      return { type: 'end' };
    default:
      return { type: 'invalid', hint: text('common:invalid.choice') };
  }
}

const topicsView = (): View => ({
  say: [k('topics.prompt')],
  input: choiceWithQuestion([...topicOptions, nextOption('menu')]),
});

/** The answer to one topic: title, text, the "not legal advice" footer and the ways on. */
function topicView(topic: TopicId, lang: Language): View {
  return {
    say: [
      k(`topic.${topic}.title`),
      k(`topic.${topic}.text`),
      k('footer', { date: formatReviewDate(lang) }),
    ],
    input: choiceWithQuestion([
      nextOption('report'),
      nextOption('call'),
      nextOption('topics'),
      nextOption('menu'),
    ]),
  };
}

const steps: Record<string, RightsStep> = {
  topics: { view: topicsView, onAnswer },

  // Two topics fit the question: both are offered, the better one first.
  choose: {
    view: ({ data }) =>
      data.offered === undefined
        ? topicsView()
        : {
            say: [k('choose.text')],
            input: choiceWithQuestion([
              ...data.offered.map((id) => ({ id, label: k(`topic.${id}.label`) })),
              nextOption('topics'),
              nextOption('menu'),
            ]),
          },
    onAnswer,
  },

  topic: {
    // Without a topic (stale data) the topic list is the sensible page to show.
    view: ({ data, lang }) =>
      data.topic === undefined ? topicsView() : topicView(data.topic, lang),
    onAnswer,
  },

  noMatch: {
    view: () => ({
      say: [k('noMatch.text')],
      input: choiceWithQuestion([
        ...topicOptions,
        nextOption('report', 'noMatch.report'),
        nextOption('call'),
        nextOption('menu'),
      ]),
    }),
    onAnswer,
  },

  contact: {
    view: () => ({
      say: [k('contact.text')],
      input: choiceWithQuestion([nextOption('report'), nextOption('topics'), nextOption('menu')]),
    }),
    onAnswer,
  },
};

/**
 * Rights information: a topic menu that also takes questions in the person's own words, short
 * answers with the review date, and ways on to a report or the contact point.
 */
export const rightsFlow = defineFlow<RightsData>({
  id: 'rights',
  initialData: () => ({}),
  parseData: (raw) => {
    const parsed = dataSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  },
  start: () => 'topics',
  steps,
});
