/**
 * Step ids are literal types: a `goto` to a step that does not exist fails to compile. The
 * `@ts-expect-error` lines below are checked by `tsc --noEmit` (part of `npm test`): were a typo
 * accepted, the directive itself would be an error. The tests check the same at run time.
 */
import { describe, expect, it } from 'vitest';
import { defineFlow } from '../../../src/flows/define.ts';
import type { IntakeData } from '../../../src/flows/intake/data.ts';
import { intakeFlow } from '../../../src/flows/intake/intake-flow.ts';
import { INTAKE } from '../../../src/flows/intake/intake-spec.ts';
import { FLOW_STEPS, type QuestionStep } from '../../../src/flows/intake/question.ts';
import { intakeQuestions, type StepId } from '../../../src/flows/intake/questions.ts';
import type { StepResult } from '../../../src/flows/types.ts';

const view = () => ({ say: [], input: { kind: 'none' } as const });
const ctx = {
  data: {},
  lang: 'de',
  now: new Date('2026-11-22T10:00:00Z'),
  today: '2026-11-22',
  dayOf: (instant: string) => instant.slice(0, 10),
  cases: [],
  newCaseRef: () => 'X',
} as const;
const answer = { kind: 'text', text: '' } as const;

/** A question step that goes where its answer says (text), as a record could. */
const goes = (target: StepId): QuestionStep => ({
  view,
  onAnswer: () => ({ type: 'goto', step: target }),
});

describe('intake step ids', () => {
  it('accept the steps that exist', () => {
    const fine: QuestionStep[] = [goes('dangerHelp'), goes('summary'), goes('evidence')];
    const ctx = {
      data: {},
      lang: 'de',
      now: new Date('2026-11-22T10:00:00Z'),
      today: '2026-11-22',
      dayOf: (instant: string) => instant.slice(0, 10),
      cases: [],
      newCaseRef: () => 'X',
    } as const;
    expect(fine.map((s) => s.onAnswer(answer, ctx))).toEqual([
      { type: 'goto', step: 'dangerHelp' },
      { type: 'goto', step: 'summary' },
      { type: 'goto', step: 'evidence' },
    ]);
  });

  it('refuse a misspelt step when compiled', () => {
    const typo: QuestionStep = {
      view,
      // @ts-expect-error "dangerHlep" is no step of the intake
      onAnswer: () => ({ type: 'goto', step: 'dangerHlep' }),
    };
    // @ts-expect-error a step result names only steps of its flow
    const result: StepResult<IntakeData, StepId> = { type: 'goto', step: 'sumary' };
    defineFlow<IntakeData, 'a' | 'b'>({
      id: 'x',
      initialData: () => ({}),
      parseData: () => ({}),
      // @ts-expect-error a flow's start is one of its steps
      start: () => 'c',
      steps: {
        a: { view, onAnswer: () => ({ type: 'goto', step: 'b' }) },
        b: { view, onAnswer: () => ({ type: 'end' }) },
      },
    });
    // Were it compiled anyway, it would lead to a step the intake does not have.
    expect(typo.onAnswer(answer, ctx)).toEqual({ type: 'goto', step: 'dangerHlep' });
    expect(result).toEqual({ type: 'goto', step: 'sumary' });
    expect(Object.keys(intakeFlow.steps)).not.toContain('dangerHlep');
    expect(Object.keys(intakeFlow.steps)).not.toContain('sumary');
  });

  it('are exactly the questions and the intake’s own steps', () => {
    const ids = [...intakeQuestions().map((q) => q.id), ...FLOW_STEPS];
    expect(Object.keys(intakeFlow.steps).sort()).toEqual([...ids].sort());
    expect(INTAKE.nextStep({})).toBe('danger');
  });
});
