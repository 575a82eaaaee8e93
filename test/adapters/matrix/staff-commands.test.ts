import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../../src/bot/case-ref.ts';
import { parseStaffCommand } from '../../../src/adapters/matrix/staff-commands.ts';

const ref = newCaseRef();

describe('staff room commands', () => {
  it('reads each command with its case reference and text', () => {
    expect(parseStaffCommand(`!claim ${ref}`)).toEqual({ kind: 'claim', caseRef: ref });
    expect(parseStaffCommand(`  !show ${ref.toLowerCase()}  `)).toEqual({
      kind: 'show',
      caseRef: ref,
    });
    expect(parseStaffCommand(`!reply ${ref} Guten Tag,\nwir melden uns.`)).toEqual({
      kind: 'reply',
      caseRef: ref,
      text: 'Guten Tag,\nwir melden uns.',
    });
    expect(parseStaffCommand(`!note ${ref} Rückruf`)).toEqual({
      kind: 'note',
      caseRef: ref,
      text: 'Rückruf',
    });
    expect(parseStaffCommand(`!CLOSE ${ref} an Polizei verwiesen`)).toEqual({
      kind: 'close',
      caseRef: ref,
      outcome: 'an Polizei verwiesen',
    });
    expect(parseStaffCommand(`!erase ${ref}`)).toEqual({ kind: 'erase', caseRef: ref });
    expect(parseStaffCommand('!help')).toEqual({ kind: 'help' });
    expect(parseStaffCommand('!trust @cem:example.org')).toEqual({
      kind: 'trust',
      userId: '@cem:example.org',
    });
  });

  it('takes only a Matrix user id after !trust', () => {
    for (const body of ['!trust', '!trust cem', '!trust @cem', '!trust @cem:example.org more'])
      expect(parseStaffCommand(body)).toEqual({ kind: 'bad-user' });
  });

  it('tells a malformed reference, an unknown command and ordinary talk apart', () => {
    expect(parseStaffCommand('!claim')).toEqual({ kind: 'bad-ref', command: 'claim' });
    expect(parseStaffCommand('!claim 1234-5678')).toEqual({ kind: 'bad-ref', command: 'claim' });
    expect(parseStaffCommand('!reply')).toEqual({ kind: 'bad-ref', command: 'reply' });
    expect(parseStaffCommand('!ban @someone')).toEqual({ kind: 'unknown', command: 'ban' });
    expect(parseStaffCommand('Ich übernehme das.')).toBeUndefined();
    expect(parseStaffCommand('! claim')).toBeUndefined();
  });

  it('keeps an empty text empty, for the desk to refuse', () => {
    expect(parseStaffCommand(`!reply ${ref}`)).toEqual({ kind: 'reply', caseRef: ref, text: '' });
  });
});
