/**
 * One scenario suite for every staff surface (the staff CLI, the Telegram staff group, the Matrix
 * staff room): the same commands, typed each surface's way, come to the same answers from the one
 * staff command module (src/staff/dispatch.ts) over the real staff desk. A surface's test
 * file implements a StaffSurfaceDriver and calls `staffScenarios`:
 *
 *   staffScenarios('staff CLI', () => driver);
 *
 * Expected sentences come from the locale files, so the suite holds no copy of any text.
 */
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { Translator } from '../../src/bot/i18n.ts';
import type { StaffPrefix } from '../../src/staff/commands.ts';
import type { CaseStatus } from '../../src/staff/ports.ts';
import { STAFF_LISTS, type StaffSurfaceName } from '../../src/staff/roster.ts';
import { CASE_MARKER } from './staff-cases.ts';
import { eventually } from './wait.ts';

/** One staff surface, driven through its own transport, over a real desk and real cases. */
export interface StaffSurfaceDriver {
  readonly name: StaffSurfaceName;
  readonly prefix: StaffPrefix;
  /** A chat room erases on the same command twice; the CLI at once. */
  readonly eraseTwice: boolean;
  /** Case details are shown here (else `show` is refused with `show-not-here`). */
  readonly showsDetails: boolean;
  /** A new case from a real report (the worker made it); its reference. */
  newCase(): Promise<string>;
  /** A listed staff member gives a command, its words without prefix; the answer's text. */
  staff(words: readonly string[]): Promise<string>;
  /** Someone not on the staff list gives the same command where staff work; the answer's text. */
  stranger(words: readonly string[]): Promise<string>;
  /** The case's status in the store now; undefined once it is erased. */
  status(caseRef: string): Promise<CaseStatus | undefined>;
  /** The texts the reporting person has received in their chat. */
  personSaw(): Promise<string[]>;
}

const i18n = Translator.create();

/** The scenarios every staff surface must pass; `driver` is called inside each test. */
export function staffScenarios(surface: string, driver: () => StaffSurfaceDriver): void {
  describe(`staff scenarios: ${surface}`, () => {
    const t = (key: string, params: Record<string, string> = {}) => {
      const d = driver();
      return i18n.t('de', { key, params: { p: d.prefix, list: STAFF_LISTS[d.name], ...params } });
    };

    it('claims, notes, replies, shows (or says where to read) and closes a case', async () => {
      const d = driver();
      const caseRef = await d.newCase();
      expect(await d.staff(['reply', caseRef, 'Zu früh.'])).toBe(t('staff:refused.not-claimed'));
      expect(await d.staff(['claim', caseRef.toLowerCase()])).toBe(
        t('staff:done.claim', { caseRef }),
      );
      expect(await d.status(caseRef)).toBe('claimed');
      expect(await d.staff(['claim', caseRef])).toBe(t('staff:refused.already-claimed'));
      expect(await d.staff(['note', caseRef, 'Rückruf vereinbart'])).toBe(
        t('staff:done.note', { caseRef }),
      );
      expect(await d.staff(['note', caseRef])).toBe(t('staff:refused.empty'));

      expect(await d.staff(['reply', caseRef, 'Wir rufen Sie morgen um 10 Uhr an.'])).toBe(
        t('staff:done.reply', { caseRef }),
      );
      expect(await d.status(caseRef)).toBe('waiting');
      const got = (texts: string[]) => texts.some((x) => x.includes('morgen um 10 Uhr'));
      expect(got(await eventually(() => d.personSaw(), got))).toBe(true);

      const shown = await d.staff(['show', caseRef]);
      if (d.showsDetails) {
        expect(shown).toContain(CASE_MARKER);
        expect(shown).toContain('Rückruf vereinbart');
        expect(shown).toContain('Wir rufen Sie morgen um 10 Uhr an.');
      } else {
        expect(shown).toBe(t('staff:refused.show-not-here', { caseRef }));
      }

      expect(await d.staff(['close', caseRef])).toBe(t('staff:refused.empty'));
      expect(await d.staff(['close', caseRef, 'An die Polizei verwiesen.'])).toBe(
        t('staff:done.close', { caseRef }),
      );
      expect(await d.status(caseRef)).toBe('closed');
      expect(await d.staff(['reply', caseRef, 'Noch etwas.'])).toBe(t('staff:refused.closed'));
      expect(await d.staff(['claim', caseRef])).toBe(t('staff:refused.closed'));
    });

    it('hands a claimed case back: it is new again and can be claimed afresh', async () => {
      const d = driver();
      const caseRef = await d.newCase();
      expect(await d.staff(['handback', caseRef])).toBe(t('staff:refused.not-claimed'));
      expect(await d.staff(['claim', caseRef])).toBe(t('staff:done.claim', { caseRef }));
      expect(await d.staff(['zurueckgeben', caseRef])).toBe(t('staff:done.handback', { caseRef }));
      expect(await d.status(caseRef)).toBe('new');
      expect(await d.stranger(['handback', caseRef])).toBe(t('staff:refused.not-staff'));
      expect(await d.staff(['claim', caseRef])).toBe(t('staff:done.claim', { caseRef }));
      expect(await d.status(caseRef)).toBe('claimed');
    });

    it('erases a case: in a chat room on the second erase, in the CLI at once', async () => {
      const d = driver();
      const caseRef = await d.newCase();
      const first = await d.staff(['erase', caseRef]);
      if (d.eraseTwice) {
        expect(first).toBe(t('staff:confirmErase', { caseRef }));
        expect(await d.status(caseRef)).toBe('new');
        expect(await d.staff(['erase', caseRef])).toBe(t('staff:done.erase', { caseRef }));
      } else {
        expect(first).toBe(t('staff:done.erase', { caseRef }));
        expect(await d.staff(['erase', caseRef])).toBe(t('staff:refused.unknown-case'));
      }
      expect(await d.status(caseRef)).toBeUndefined();
    });

    it('refuses unknown, malformed and missing case references', async () => {
      const d = driver();
      expect(await d.staff(['claim', newCaseRef()])).toBe(t('staff:refused.unknown-case'));
      expect(await d.staff(['reply', newCaseRef(), 'Hallo'])).toBe(t('staff:refused.unknown-case'));
      expect(await d.staff(['claim', 'ZZZZ-ZZZZ-ZZZZ-Z'])).toBe(t('staff:refused.bad-ref'));
      expect(await d.staff(['note'])).toBe(t('staff:usage'));
    });

    it('refuses people who are not staff, and their commands change nothing', async () => {
      const d = driver();
      const caseRef = await d.newCase();
      for (const words of [
        ['claim', caseRef],
        ['note', caseRef, 'Fremd'],
        ['show', caseRef],
        ['erase', caseRef],
        ['erase', caseRef],
      ])
        expect(await d.stranger(words)).toBe(t('staff:refused.not-staff'));
      expect(await d.status(caseRef)).toBe('new');
      // Staff may use the German alias, on every surface.
      expect(await d.staff(['uebernehmen', caseRef])).toBe(t('staff:done.claim', { caseRef }));
    });
  });
}
