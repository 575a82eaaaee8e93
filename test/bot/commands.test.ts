import { describe, expect, it } from 'vitest';
import { isCommand, recogniseCommand } from '../../src/bot/commands.ts';
import { COMMANDS } from '../../src/bot/types.ts';

const command = (name: string) => ({ kind: 'command', command: name });

describe('recogniseCommand', () => {
  it.each([
    ['/start', 'start'],
    ['/menu', 'menu'],
    ['/menü', 'menu'],
    ['/menue', 'menu'],
    ['/help', 'help'],
    ['/hilfe', 'help'],
    ['/HILFE', 'help'],
    ['/cancel', 'cancel'],
    ['/abbrechen', 'cancel'],
    ['/language', 'language'],
    ['/sprache', 'language'],
    ['/delete', 'delete'],
    ['/loeschen', 'delete'],
    ['/löschen', 'delete'],
    ['/back', 'back'],
    ['/zurueck', 'back'],
    ['/zurück', 'back'],
    ['  /menu  ', 'menu'],
    ['/start@LotseBot', 'start'],
    ['/hilfe@Lotse_bot', 'help'],
    ['/start abc123', 'start'],
    ['/hilfe bitte sofort', 'help'],
  ])('reads the slash command %j', (typed, name) => {
    expect(recogniseCommand(typed)).toEqual(command(name));
  });

  it.each([
    ['menu', 'menu'],
    ['Menü', 'menu'],
    ['MENU', 'menu'],
    ['Hauptmenü', 'menu'],
    ['hilfe', 'help'],
    ['Hilfe!', 'help'],
    ['help', 'help'],
    ['abbrechen', 'cancel'],
    ['Abbrechen.', 'cancel'],
    ['cancel', 'cancel'],
    ['zurück', 'back'],
    ['Zurueck', 'back'],
    ['back', 'back'],
  ])('reads the whole message %j as a command', (typed, name) => {
    expect(recogniseCommand(typed)).toEqual(command(name));
  });

  it.each(['/foo', '/admin', '/startx', '/hilfen', '/sudo rm -rf', '/ä'])(
    'calls %j an unknown command',
    (typed) => {
      expect(recogniseCommand(typed)).toEqual({ kind: 'unknown-command' });
    },
  );

  it.each([
    '',
    '   ',
    'Hallo',
    'ich brauche Hilfe',
    'zurück zum Rathaus',
    'Menüplan',
    'löschen',
    'sprache',
    'start',
    '/',
    '/123',
    '/home/user/foto.jpg',
    'https://example.org/menu',
    `/${'a'.repeat(70)}`,
    ` ${'x'.repeat(100)} /hilfe`,
  ])('leaves %j to the step', (typed) => {
    expect(recogniseCommand(typed)).toEqual({ kind: 'none' });
  });

  it('takes names of object properties for what they are: text, or an unknown command', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
      expect(recogniseCommand(word)).toEqual({ kind: 'none' });
    for (const word of ['/constructor', '/toString', '/__proto__'])
      expect(recogniseCommand(word)).toEqual({ kind: 'unknown-command' });
  });

  it('does not look into long messages', () => {
    expect(recogniseCommand(`/hilfe ${'x'.repeat(100)}`)).toEqual({ kind: 'none' });
  });
});

describe('isCommand', () => {
  it('knows exactly the protocol commands', () => {
    for (const name of COMMANDS) expect(isCommand(name)).toBe(true);
    for (const name of ['', 'Start', 'hilfe', 'erase', 'hello', 'menu '])
      expect(isCommand(name)).toBe(false);
  });

  it('includes every command of the JSON-lines protocol', () => {
    expect(COMMANDS).toEqual(
      expect.arrayContaining(['start', 'menu', 'help', 'cancel', 'language', 'delete']),
    );
  });
});
