import { defineFlow, type AnyFlow } from '../define.ts';
import {
  text,
  type Answer,
  type InputSpec,
  type Option,
  type Step,
  type StepContext,
  type StepResult,
  type Text,
  type View,
} from '../types.ts';
import type { IntakeData } from './data.ts';
import { formatDay } from './deadline.ts';
import { INTAKE, type IntakeSpec } from './intake-spec.ts';
import { STATE_HOTLINES, YES_NO } from './options.ts';
import { notOffered, options, picked, type AnyQuestion, type FlowStep } from './question.ts';
import { isUrgent } from './report.ts';

/** Where the intake's own steps may go: a question, one of their own, or the first question. */
type Target<S extends string> = S | FlowStep | 'danger';

const k = (key: string, params?: Parameters<typeof text>[1]): Text => text(`intake:${key}`, params);

/**
 * The intake's steps: one per question record (questions.ts), and its own around them. The next
 * step is always the first question that applies and is unanswered (IntakeSpec.nextStep), so going
 * back, changing an answer from the summary and resuming a draft all follow from one rule: a
 * question's answer says `next`, and this rule picks where that is.
 */
export function intakeFlowFrom<S extends string>(spec: IntakeSpec<S>): AnyFlow {
  type Result = StepResult<IntakeData, Target<S>>;
  /**
   * Stores an answer and moves on to the next open question. After a short report, when no detail
   * is left, the person goes on to their case.
   */
  const save = (data: IntakeData, say?: readonly Text[], effects?: Effects): Result => {
    const step = spec.nextStep(data);
    if (data.sent === true && step === 'summary') return detailsDone(data, say, effects);
    return {
      type: 'goto',
      step,
      data,
      ...(say ? { say } : {}),
      ...(effects ? { effects } : {}),
    };
  };
  const asStep = (q: AnyQuestion): Step<IntakeData> => ({
    view: (ctx) => (ctx.data.sent === true ? asDetail(q.step.view(ctx)) : q.step.view(ctx)),
    onAnswer: (answer, ctx) => {
      if (ctx.data.sent === true) return detailAnswer(q, answer, ctx);
      const result = q.step.onAnswer(answer, ctx);
      return result.type === 'next' ? save(result.data, result.say) : result;
    },
  });
  /**
   * A detail after a short report: answered, the case takes it in its place (and as a message);
   * it may be skipped.
   */
  const detailAnswer = (
    q: AnyQuestion,
    answer: Answer,
    ctx: StepContext<IntakeData>,
  ): StepResult<IntakeData> => {
    const { data, lang } = ctx;
    const chosen =
      answer.kind === 'choice' ? [answer.id] : answer.kind === 'multi' ? answer.ids : [];
    if (chosen.includes(STOP_DETAILS)) return detailsDone(data);
    if (chosen.includes(SKIP_DETAIL))
      return save({ ...data, skipped: [...(data.skipped ?? []), q.id] });
    const result = q.step.onAnswer(answer, ctx);
    if (result.type !== 'next') return result;
    const lines = q.summary?.(result.data, lang) ?? [];
    return save(
      result.data,
      result.say,
      data.caseRef === undefined
        ? undefined
        : [
            {
              kind: 'case-details',
              caseRef: data.caseRef,
              lang,
              lines,
              details: spec.detailsOf(result.data),
            },
          ],
    );
  };
  const steps: Record<string, Step<IntakeData>> = { ...ownSteps(spec, save) };
  for (const q of spec.questions) steps[q.id] = asStep(q);
  return defineFlow<IntakeData>({
    id: 'intake',
    initialData: () => ({}),
    parseData: (raw) => {
      const parsed = spec.draftSchema.safeParse(raw);
      return parsed.success ? parsed.data : undefined;
    },
    // A draft with consent given is offered for resuming; otherwise danger comes first.
    start: ({ data }) =>
      data.consent === true && data.caseRef !== undefined ? 'resume' : 'danger',
    steps,
    emergencyHelp: ({ data }) =>
      data.state !== undefined && STATE_HOTLINES[data.state]
        ? [k(`dangerHelp.hotline.${data.state}`)]
        : [],
  });
}

type Effects = NonNullable<Extract<StepResult<IntakeData>, { type: 'goto' }>['effects']>;

const SKIP_DETAIL = 'skipDetail';
const STOP_DETAILS = 'stopDetails';
const detailOptions: readonly Option[] = [
  { id: SKIP_DETAIL, label: k('details.skip') },
  { id: STOP_DETAILS, label: k('details.stop') },
];

/** A question's view as a detail: with "skip" and "no more details" beside its own answers. */
function asDetail(view: View): View {
  const input: InputSpec = view.input;
  switch (input.kind) {
    case 'choice':
    case 'multi':
    case 'confirm':
      return { ...view, input: { ...input, options: [...input.options, ...detailOptions] } };
    case 'text':
    case 'date':
    case 'place':
    case 'files': {
      // A question with a "skip" of its own keeps it (it records "not given").
      const own = input.shortcuts ?? [];
      const extra = own.some((o) => o.id === 'skip') ? detailOptions.slice(1) : detailOptions;
      return { ...view, input: { ...input, shortcuts: [...own, ...extra] } };
    }
    case 'none':
      return view;
  }
}

/** No details left, or the person wants no more: on to their case. */
function detailsDone(
  data: IntakeData,
  say: readonly Text[] = [],
  effects?: Effects,
): StepResult<IntakeData, never> {
  return {
    type: 'switch',
    flow: 'case',
    data: {},
    ...(data.caseRef === undefined ? {} : { caseRef: data.caseRef }),
    ...(effects ? { effects } : {}),
    say: [...say, k('details.thanks')],
  };
}

/** The intake's own steps, around the questions: resuming, danger help, summary, edit, discard. */
function ownSteps<S extends string>(
  spec: IntakeSpec<S>,
  save: (
    data: IntakeData,
    say?: readonly Text[],
    effects?: Effects,
  ) => StepResult<IntakeData, Target<S>>,
): Record<FlowStep, Step<IntakeData, Target<S>>> {
  return {
    resume: {
      view: ({ data, lang, dayOf }) => ({
        say: [
          k('resume.prompt', {
            date: formatDay(
              data.startedAt === undefined ? '2000-01-01' : dayOf(data.startedAt),
              lang,
            ),
          }),
        ],
        input: { kind: 'choice', options: options('resume', ['continue', 'restart']) },
      }),
      onAnswer: (answer, { data }) => {
        const id = picked(answer, ['continue', 'restart']);
        if (id === 'continue') return { type: 'goto', step: spec.nextStep(data) };
        if (id === 'restart') return { type: 'goto', step: 'danger', data: {} };
        return notOffered;
      },
    },

    dangerHelp: {
      view: ({ data }) => ({
        say: [
          k('dangerHelp.text'),
          data.state === undefined
            ? k('dangerHelp.stateUnknown')
            : STATE_HOTLINES[data.state]
              ? k(`dangerHelp.hotline.${data.state}`)
              : k('dangerHelp.stateOther', { state: k(`state.options.${data.state}`) }),
          k('dangerHelp.continuePrompt'),
        ],
        input: { kind: 'choice', options: options('dangerHelp', ['continue', 'menu']) },
      }),
      onAnswer: (answer, { data }) => {
        const id = picked(answer, ['continue', 'menu']);
        if (id === 'continue') return save(data);
        if (id === 'menu') return { type: 'end', say: [k('dangerHelp.kept')] };
        return notOffered;
      },
    },

    summary: {
      view: ({ data, lang }) => ({
        say: [
          k('summary.body', { lines: { lines: spec.summaryLines(data, lang) } }),
          k('summary.prompt'),
        ],
        input: { kind: 'confirm', options: options('summary', ['send', 'edit', 'discard']) },
      }),
      onAnswer: (answer, { data, lang, now }) => {
        const id = picked(answer, ['send', 'edit', 'discard']);
        if (id === 'edit') return { type: 'goto', step: 'edit' };
        if (id === 'discard') return { type: 'goto', step: 'discard' };
        if (id === undefined) return notOffered;
        const report = spec.buildReport(data, lang, now);
        if (report === undefined)
          return { type: 'goto', step: spec.nextStep(data), say: [k('summary.incomplete')] };
        const submit = [
          { kind: 'submit-report', caseRef: report.caseRef, urgent: isUrgent(data), report },
        ] as const;
        // A short report: sent now; the other questions may follow as details for the case.
        if (data.way === 'short')
          return {
            type: 'goto',
            step: 'moreDetails',
            data: { ...data, sent: true },
            caseRef: report.caseRef,
            effects: submit,
            say: [
              k(report.urgent ? 'submitted.urgent' : 'submitted.text', { caseRef: report.caseRef }),
            ],
          };
        return {
          type: 'switch',
          flow: 'case',
          data: {},
          caseRef: report.caseRef,
          effects: [
            { kind: 'submit-report', caseRef: report.caseRef, urgent: isUrgent(data), report },
          ],
          say: [
            k(report.urgent ? 'submitted.urgent' : 'submitted.text', { caseRef: report.caseRef }),
          ],
        };
      },
    },

    edit: {
      view: ({ data }) => ({
        say: [k('edit.prompt')],
        input: {
          kind: 'choice',
          options: [...options('edit', spec.editable(data)), { id: 'back', label: k('edit.back') }],
        },
      }),
      onAnswer: (answer, { data }) => {
        if (answer.kind === 'choice' && answer.id === 'back')
          return { type: 'goto', step: 'summary' };
        const field = picked(answer, spec.editable(data));
        return field === undefined ? notOffered : { type: 'goto', step: field };
      },
    },

    moreDetails: {
      view: () => ({
        say: [k('details.prompt')],
        input: { kind: 'confirm', options: options('details', ['add', 'later']) },
      }),
      onAnswer: (answer, { data }) => {
        const id = picked(answer, ['add', 'later']);
        if (id === 'add') return save(data);
        return id === 'later' ? detailsDone(data) : notOffered;
      },
    },

    discard: {
      view: () => ({
        say: [k('discard.prompt')],
        input: { kind: 'confirm', options: options('discard', ['yes', 'no']) },
      }),
      onAnswer: (answer) => {
        const id = picked(answer, YES_NO);
        if (id === 'yes') return { type: 'end', data: {}, say: [k('discard.done')] };
        return id === 'no' ? { type: 'goto', step: 'summary' } : notOffered;
      },
    },
  };
}

/** The intake as Lotse asks it, with the default evidence limits. */
export const intakeFlow: AnyFlow = intakeFlowFrom(INTAKE);
