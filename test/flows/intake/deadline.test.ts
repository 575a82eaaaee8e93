import { describe, expect, it } from 'vitest';
import type { IntakeData } from '../../../src/flows/intake/data.ts';
import {
  addMonths,
  deadlineNotice,
  hasDeadlineNotice,
  reminderDay,
  strafantragMade,
} from '../../../src/flows/intake/deadline.ts';

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
