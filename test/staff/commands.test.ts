/**
 * The one staff command parser: the same words and German aliases on every surface, only the
 * prefix differs (`/` Telegram group, `!` Matrix room, none in the CLI).
 */
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { parseStaffCommand, type StaffPrefix } from '../../src/staff/commands.ts';

const ref = newCaseRef();

describe('staff commands', () => {
  it('reads each command with its case reference and text', () => {
    const read = (typed: string) => parseStaffCommand(typed, '!');
    expect(read(`!claim ${ref}`)).toEqual({ kind: 'claim', caseRef: ref });
    expect(read(`  !show ${ref.toLowerCase()}  `)).toEqual({ kind: 'show', caseRef: ref });
    expect(read(`!reply ${ref} Guten Tag,\nwir melden uns.`)).toEqual({
      kind: 'reply',
      caseRef: ref,
      text: 'Guten Tag,\nwir melden uns.',
    });
    expect(read(`!note ${ref} Rückruf`)).toEqual({ kind: 'note', caseRef: ref, text: 'Rückruf' });
    expect(read(`!CLOSE ${ref} an Polizei verwiesen`)).toEqual({
      kind: 'close',
      caseRef: ref,
      text: 'an Polizei verwiesen',
    });
    expect(read(`!erase ${ref}`)).toEqual({ kind: 'erase', caseRef: ref });
    expect(read('!help')).toEqual({ kind: 'help' });
    expect(read('!trust @cem:example.org')).toEqual({ kind: 'trust', userId: '@cem:example.org' });
  });

  it('takes the same words and aliases on every surface; only the prefix differs', () => {
    const typed = (prefix: StaffPrefix) => [
      parseStaffCommand(`${prefix}antworten ${ref.toLowerCase()} Guten Tag,\nbis morgen.`, prefix),
      parseStaffCommand(`${prefix}uebernehmen ${ref}`, prefix),
      parseStaffCommand(`${prefix}schliessen ${ref} referred to police`, prefix),
      parseStaffCommand(`${prefix}notiz ${ref} Rückruf`, prefix),
      parseStaffCommand(`${prefix}zeigen ${ref}`, prefix),
      parseStaffCommand(`${prefix}loeschen ${ref}`, prefix),
      parseStaffCommand(`${prefix}hilfe`, prefix),
    ];
    const expected = [
      { kind: 'reply', caseRef: ref, text: 'Guten Tag,\nbis morgen.' },
      { kind: 'claim', caseRef: ref },
      { kind: 'close', caseRef: ref, text: 'referred to police' },
      { kind: 'note', caseRef: ref, text: 'Rückruf' },
      { kind: 'show', caseRef: ref },
      { kind: 'erase', caseRef: ref },
      { kind: 'help' },
    ];
    for (const prefix of ['', '/', '!'] as const) expect(typed(prefix)).toEqual(expected);
    // A Telegram command may name the bot it is meant for.
    expect(parseStaffCommand(`/reply@LotseBot ${ref} Hallo`, '/')).toEqual({
      kind: 'reply',
      caseRef: ref,
      text: 'Hallo',
    });
    // Another surface's prefix is ordinary talk.
    expect(parseStaffCommand(`/claim ${ref}`, '!')).toBeUndefined();
    expect(parseStaffCommand(`!claim ${ref}`, '/')).toBeUndefined();
  });

  it('takes only a Matrix user id after trust', () => {
    for (const body of ['!trust', '!trust cem', '!trust @cem', '!trust @cem:example.org more'])
      expect(parseStaffCommand(body, '!')).toEqual({ kind: 'bad-user' });
  });

  it('tells a missing or malformed reference, an unknown command and ordinary talk apart', () => {
    expect(parseStaffCommand('!claim', '!')).toEqual({ kind: 'usage', command: 'claim' });
    expect(parseStaffCommand('/note', '/')).toEqual({ kind: 'usage', command: 'note' });
    expect(parseStaffCommand('!claim 1234-5678', '!')).toEqual({
      kind: 'bad-ref',
      command: 'claim',
    });
    expect(parseStaffCommand('/close X-1 referred to police', '/')).toEqual({
      kind: 'bad-ref',
      command: 'close',
    });
    expect(parseStaffCommand('!ban @someone', '!')).toEqual({ kind: 'unknown', command: 'ban' });
    expect(parseStaffCommand('/start', '/')).toEqual({ kind: 'unknown', command: 'start' });
    expect(parseStaffCommand('Ich übernehme das.', '!')).toBeUndefined();
    expect(parseStaffCommand('! claim', '!')).toBeUndefined();
    expect(parseStaffCommand('claim X', '/')).toBeUndefined();
  });

  it('keeps an empty text empty, for the dispatcher to refuse', () => {
    expect(parseStaffCommand(`!reply ${ref}`, '!')).toEqual({
      kind: 'reply',
      caseRef: ref,
      text: '',
    });
  });
});
