import { describe, expect, it } from 'vitest';
import type { IntakeData } from '../../../src/flows/intake/data.ts';
import {
  addMonths,
  deadlineFor,
  deadlineNotice,
  formatDay,
  hasDeadlineNotice,
  reminderDay,
  strafantragDeadline,
  strafantragMade,
} from '../../../src/flows/intake/deadline.ts';
import { INTAKE } from '../../../src/flows/intake/intake-spec.ts';

const day = (date: string): IntakeData => ({ when: { kind: 'date', date } });
const TODAY = '2026-11-30';

describe('deadline notice', () => {
  it('counts three months from the day, the 31st ending in a shorter month', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-08-31', 3)).toBe('2026-11-30');
    expect(reminderDay('2027-02-28')).toBe('2027-02-14');
  });

  it('says ahead, soon (from the reminder day) or passed by the day of asking', () => {
    expect(deadlineNotice(day('2026-11-01'), TODAY)).toEqual({
      kind: 'date',
      deadline: '2027-02-01',
      stage: 'ahead',
    });
    // The reminder day (two weeks before) has come: soon.
    expect(deadlineNotice(day('2026-09-14'), TODAY)).toMatchObject({ stage: 'soon' });
    expect(deadlineNotice(day('2026-08-30'), TODAY)).toMatchObject({
      deadline: '2026-11-30',
      stage: 'soon',
    });
    expect(deadlineNotice(day('2026-08-29'), TODAY)).toMatchObject({ stage: 'passed' });
  });

  it('gives a hint for ongoing and unknown days', () => {
    expect(deadlineNotice({ when: { kind: 'ongoing' } }, TODAY)).toEqual({ kind: 'ongoing' });
    expect(deadlineNotice({ when: { kind: 'unknown' } }, TODAY)).toEqual({ kind: 'unknown' });
  });

  it('tells nothing before the day is asked, or once a Strafantrag was made', () => {
    expect(deadlineNotice({}, TODAY)).toBeNull();
    expect(hasDeadlineNotice({})).toBe(false);
    const made: IntakeData = { ...day('2026-11-01'), police: 'yes', strafantrag: 'yes' };
    expect(strafantragMade(made)).toBe(true);
    expect(deadlineNotice(made, TODAY)).toBeNull();
  });

  it('still tells it after a police report without a Strafantrag, or when unsure', () => {
    for (const strafantrag of ['no', 'unsure'] as const) {
      const reported: IntakeData = { ...day('2026-11-01'), police: 'yes', strafantrag };
      expect(strafantragMade(reported)).toBe(false);
      expect(hasDeadlineNotice(reported)).toBe(true);
      expect(deadlineNotice(reported, TODAY)).toMatchObject({ kind: 'date', stage: 'ahead' });
    }
    // A Strafantrag answer left over from a changed police answer does not count.
    expect(strafantragMade({ ...day('2026-11-01'), police: 'no', strafantrag: 'yes' })).toBe(false);
  });
});

// §77b StGB: three months from knowing the act; §188 (2), (3) BGB: the period ends on the day of
// the same number, or on the last day of a month that has no such day.
describe('deadline arithmetic', () => {
  it.each([
    ['2026-11-01', '2027-02-01'],
    ['2026-01-15', '2026-04-15'],
    // Month ends: the 31st (and the 29th, 30th) ends on the last day of a shorter month.
    ['2026-08-31', '2026-11-30'],
    ['2026-03-31', '2026-06-30'],
    ['2026-10-31', '2027-01-31'],
    ['2026-11-29', '2027-02-28'],
    ['2026-11-30', '2027-02-28'],
    // Over the turn of the year.
    ['2026-12-31', '2027-03-31'],
    ['2026-10-15', '2027-01-15'],
    // Leap years: February has its 29th in 2028, not in 2027 or 2100, and in 2000.
    ['2027-11-29', '2028-02-29'],
    ['2027-11-30', '2028-02-29'],
    ['2099-11-30', '2100-02-28'],
    ['1999-11-30', '2000-02-29'],
    ['2028-02-29', '2028-05-29'],
    ['2027-02-28', '2027-05-28'],
  ])('learned on %s: last day %s', (day, last) => {
    expect(strafantragDeadline(day)).toBe(last);
  });

  it('adds any number of months, the day kept where the month has it', () => {
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2026-05-31', 0)).toBe('2026-05-31');
    expect(addMonths('2026-11-30', 15)).toBe('2028-02-29');
  });

  it('reminds two weeks before, across month ends, year ends and leap days', () => {
    expect(reminderDay('2027-01-10')).toBe('2026-12-27');
    expect(reminderDay('2028-03-13')).toBe('2028-02-28');
    expect(reminderDay('2027-03-13')).toBe('2027-02-27');
    expect(reminderDay('2028-03-14')).toBe('2028-02-29');
    expect(reminderDay('2028-02-29')).toBe('2028-02-15');
  });

  it('counts the last day itself as soon, the day after as passed', () => {
    const leap = day('2027-11-29');
    expect(deadlineNotice(leap, '2028-02-14')).toEqual({
      kind: 'date',
      deadline: '2028-02-29',
      stage: 'ahead',
    });
    expect(deadlineNotice(leap, '2028-02-15')).toMatchObject({ stage: 'soon' });
    expect(deadlineNotice(leap, '2028-02-29')).toMatchObject({ stage: 'soon' });
    expect(deadlineNotice(leap, '2028-03-01')).toMatchObject({ stage: 'passed' });
  });

  it('puts the deadline in the report only for a known day without a Strafantrag', () => {
    expect(deadlineFor(day('2027-11-30'))).toBe('2028-02-29');
    expect(deadlineFor({ when: { kind: 'ongoing' } })).toBeNull();
    expect(deadlineFor({ when: { kind: 'unknown' } })).toBeNull();
    expect(deadlineFor({})).toBeNull();
    expect(deadlineFor({ ...day('2027-11-30'), police: 'yes', strafantrag: 'yes' })).toBeNull();
    expect(deadlineFor({ ...day('2027-11-30'), police: 'yes', strafantrag: 'unsure' })).toBe(
      '2028-02-29',
    );
  });

  it('writes a leap day as people read it', () => {
    expect(formatDay('2028-02-29', 'de')).toBe('29. Februar 2028');
    expect(formatDay('2028-02-29', 'en')).toBe('29 February 2028');
  });
});

describe('the deadline notice among the details after a short report', () => {
  const deadline = INTAKE.questions.find((q) => q.id === 'deadline');
  const context = (data: IntakeData) => ({
    data,
    lang: 'de' as const,
    now: new Date(`${TODAY}T10:00:00.000Z`),
    today: TODAY,
    dayOf: (instant: string) => instant.slice(0, 10),
    cases: [],
    newCaseRef: () => 'R',
  });

  it('offers a reminder before sending, and after sending names the day without the offer', () => {
    const before = deadline?.step.view(context({ ...day('2026-11-20'), police: 'no' }));
    expect(before?.input).toMatchObject({ kind: 'confirm' });
    const after = deadline?.step.view(
      context({ ...day('2026-11-20'), police: 'no', way: 'short', sent: true }),
    );
    expect(after?.input).toEqual({
      kind: 'choice',
      options: [expect.objectContaining({ id: 'ok' })],
    });
    expect(after?.say.map((t) => t.key)).toContain('intake:deadline.soon');
  });
});
