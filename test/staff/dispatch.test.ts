/**
 * The one staff command dispatcher as pure logic over a recording desk: one roster decides who is
 * staff on every surface, the checks come in one order, and a surface only says how it is typed
 * and what it allows (erase twice, details here, identities to accept).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { answerText, StaffCommands, type StaffSurface } from '../../src/staff/dispatch.ts';
import { StaffRoster } from '../../src/staff/roster.ts';
import { FakeDesk } from '../adapters/matrix/harness/fake-desk.ts';

const CASE = newCaseRef();
const roster = new StaffRoster({ cli: ['anna'], telegram: ['900'], matrix: ['@ben:example.org'] });
const logger = pino({ level: 'silent' });

const surface = (name: StaffSurface['name'], more: Partial<StaffSurface> = {}): StaffSurface => ({
  name,
  prefix: name === 'cli' ? '' : name === 'telegram' ? '/' : '!',
  words: ['claim', 'reply', 'note', 'close', 'show', 'erase', 'help'],
  eraseTwice: name !== 'cli',
  quietOnUnknown: name === 'telegram',
  mayShow: () => Promise.resolve(undefined),
  ...more,
});
const ACCOUNTS = { cli: 'anna', telegram: '900', matrix: '@ben:example.org' } as const;

describe('staff roster', () => {
  it('is one list: each account counts on its own surface, as the actor id the desk knows', () => {
    expect(roster.has('telegram', '900')).toBe(true);
    expect(roster.has('matrix', '900')).toBe(false);
    expect(roster.isStaff('telegram:900')).toBe(true);
    expect(roster.isStaff('900')).toBe(false);
    expect(roster.isStaff('@ben:example.org')).toBe(true);
    expect(roster.isStaff('anna')).toBe(true);
    expect(StaffRoster.actorId('telegram', '900')).toBe('telegram:900');
    expect(
      StaffRoster.fromConfig({
        STAFF_USERS: ['anna'],
        TELEGRAM_STAFF_USER_IDS: ['900'],
        MATRIX_STAFF_USER_IDS: [],
      }).isStaff('telegram:900'),
    ).toBe(true);
  });
});

describe('staff command dispatcher', () => {
  it('answers the same command alike on every surface, with the actor id of the account', async () => {
    for (const name of ['cli', 'telegram', 'matrix'] as const) {
      const desk = new FakeDesk([]);
      const commands = new StaffCommands({ roster, desk, logger });
      const sender = { account: ACCOUNTS[name], name: 'Staff' };
      const s = surface(name);
      const read = (typed: string) => {
        const command = StaffCommands.read(s, `${s.prefix}${typed}`);
        if (command === undefined) throw new Error(`not a command: ${typed}`);
        return commands.run(s, sender, command);
      };
      expect(await read(`claim ${CASE}`)).toEqual({
        kind: 'done',
        command: 'claim',
        caseRef: CASE,
      });
      expect(await read(`reply ${CASE}`)).toEqual({
        kind: 'refused',
        reason: 'empty',
        caseRef: CASE,
      });
      expect(await read('claim 1234')).toEqual({ kind: 'refused', reason: 'bad-ref' });
      expect(await read('note')).toEqual({ kind: 'usage' });
      expect(await read(`show ${CASE}`)).toMatchObject({ kind: 'details' });
      // Chat rooms ask for the same erase twice; the CLI erases at once.
      expect(await read(`erase ${CASE}`)).toEqual(
        name === 'cli'
          ? { kind: 'done', command: 'erase', caseRef: CASE }
          : { kind: 'confirm-erase', caseRef: CASE },
      );
      expect(await read('ban someone')).toEqual(
        name === 'telegram' ? { kind: 'quiet' } : { kind: 'refused', reason: 'unknown-command' },
      );
      expect(desk.calls.map((c) => [c.op, c.actor.id])).toEqual([
        ['claim', StaffRoster.actorId(name, ACCOUNTS[name])],
        ['show', StaffRoster.actorId(name, ACCOUNTS[name])],
        ['erase', StaffRoster.actorId(name, ACCOUNTS[name])],
      ]);
      // Someone on another surface's list is no staff here.
      const other = name === 'cli' ? '900' : 'anna';
      const stranger = await commands.run(s, { account: other, name: 'X' }, { kind: 'help' });
      expect(stranger).toEqual({ kind: 'refused', reason: 'not-staff' });
    }
  });

  it('checks who is staff, then what the surface admits, then the form, then asks the desk', async () => {
    const desk = new FakeDesk([]);
    const commands = new StaffCommands({ roster, desk, logger });
    const barred = surface('matrix', { admit: () => Promise.resolve('unverified-device') });
    const ben = { account: '@ben:example.org', name: 'Ben' };
    expect(await commands.run(barred, ben, { kind: 'help' })).toEqual({
      kind: 'refused',
      reason: 'unverified-device',
      userId: '@ben:example.org',
    });
    const withheld = surface('telegram', { mayShow: () => Promise.resolve('show-not-here') });
    expect(
      await commands.run(withheld, { account: '900', name: 'A' }, { kind: 'show', caseRef: CASE }),
    ).toEqual({ kind: 'refused', reason: 'show-not-here', caseRef: CASE });
    // No identities to accept outside Matrix.
    expect(
      await commands.run(
        withheld,
        { account: '900', name: 'A' },
        { kind: 'trust', userId: '@x:y' },
      ),
    ).toEqual({ kind: 'refused', reason: 'no-trust-here' });
    expect(desk.calls).toEqual([]);
    // A process without a desk says so after the checks, for case commands only.
    const deskless = new StaffCommands({ roster, logger });
    const matrix = surface('matrix');
    expect(await deskless.run(matrix, ben, { kind: 'claim', caseRef: CASE })).toEqual({
      kind: 'refused',
      reason: 'unavailable',
    });
    expect(await deskless.run(matrix, ben, { kind: 'help' })).toEqual({ kind: 'help' });
  });

  it('words every answer from the staff locale namespace, with the surface’s prefix', () => {
    const i18n = Translator.create();
    const matrix = surface('matrix', { words: ['claim', 'help', 'trust'] });
    expect(answerText({ kind: 'help' }, matrix, i18n, 'de').split('\n')).toEqual([
      i18n.t('de', { key: 'staff:help.title' }),
      i18n.t('de', { key: 'staff:help.claim', params: { p: '!' } }),
      i18n.t('de', { key: 'staff:help.help', params: { p: '!' } }),
      i18n.t('de', { key: 'staff:help.trust', params: { p: '!' } }),
    ]);
    expect(answerText({ kind: 'usage' }, surface('telegram'), i18n, 'en')).toContain('/claim CASE');
    expect(answerText({ kind: 'refused', reason: 'not-staff' }, surface('cli'), i18n, 'en')).toBe(
      'Refused: your account is not in STAFF_USERS.',
    );
  });
});
