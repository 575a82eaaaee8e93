/**
 * The case page's audit trail: every change on its own row, a run of one account's views and
 * file openings on one row with counts – and no entry ever left out.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/staff/case-store.ts';
import { auditRows } from '../../src/web/views/case.ts';

const at = (minute: number): string => new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();
const e = (minute: number, actor: string, action: string, detail?: string): AuditEntry => ({
  at: at(minute),
  actor,
  action,
  ...(detail === undefined ? {} : { detail }),
});

describe('audit rows', () => {
  it('takes a run of one account’s views together, counted, and keeps every change apart', () => {
    const rows = auditRows([
      e(0, 'system', 'created'),
      e(1, 'web:greta', 'show'),
      e(1, 'web:greta', 'file', '01-a.png'),
      e(2, 'web:greta', 'show'),
      e(2, 'web:greta', 'file', '01-a.png'),
      e(2, 'web:greta', 'file', '02-b.pdf'),
      e(3, 'web:hanna', 'show'),
      e(4, 'web:greta', 'claim'),
      e(5, 'web:greta', 'show'),
      e(6, 'web:greta', 'claim'),
    ]);
    expect(rows).toEqual([
      { from: at(0), to: at(0), actor: 'system', what: [{ action: 'created', count: 1 }] },
      {
        from: at(1),
        to: at(2),
        actor: 'web:greta',
        what: [
          { action: 'show', count: 2 },
          { action: 'file', detail: '01-a.png', count: 2 },
          { action: 'file', detail: '02-b.pdf', count: 1 },
        ],
      },
      { from: at(3), to: at(3), actor: 'web:hanna', what: [{ action: 'show', count: 1 }] },
      { from: at(4), to: at(4), actor: 'web:greta', what: [{ action: 'claim', count: 1 }] },
      { from: at(5), to: at(5), actor: 'web:greta', what: [{ action: 'show', count: 1 }] },
      // A change is never folded into another, even the same one again.
      { from: at(6), to: at(6), actor: 'web:greta', what: [{ action: 'claim', count: 1 }] },
    ]);
    // Nothing is left out: the counts add up to the entries.
    expect(rows.flatMap((r) => r.what).reduce((n, w) => n + w.count, 0)).toBe(10);
    expect(auditRows([])).toEqual([]);
  });
});
