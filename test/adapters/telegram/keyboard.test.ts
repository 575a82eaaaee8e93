import { describe, expect, it } from 'vitest';
import {
  layout,
  MARK,
  multiKeyboard,
  pickKeyboard,
} from '../../../src/adapters/telegram/keyboard.ts';

const button = (text: string) => ({ text, callback_data: text });

describe('inline keyboards', () => {
  it('puts two short labels in a row and long ones on rows of their own', () => {
    const rows = layout(
      ['Ja', 'Nein', 'Weiß ich nicht genau so recht', 'Heute', 'Gestern', 'Z'].map(button),
    );
    expect(rows.map((r) => r.map((b) => b.text))).toEqual([
      ['Ja', 'Nein'],
      ['Weiß ich nicht genau so recht'],
      ['Heute', 'Gestern'],
      ['Z'],
    ]);
  });

  it('gives every option a button that picks it', () => {
    const keyboard = pickKeyboard([
      { id: 'yes', label: 'Ja' },
      { id: 'no', label: 'Nein' },
    ]);
    expect(keyboard.inline_keyboard).toEqual([
      [
        { text: 'Ja', callback_data: 'c:yes' },
        { text: 'Nein', callback_data: 'c:no' },
      ],
    ]);
  });

  it('marks chosen options of a several-choice question and ends with the send button', () => {
    const keyboard = multiKeyboard(
      [
        { id: 'a', label: 'Eins' },
        { id: 'b', label: 'Zwei' },
      ],
      new Set(['b']),
      'Fertig',
    );
    expect(keyboard.inline_keyboard).toEqual([
      [{ text: 'Eins', callback_data: 't:a' }],
      [{ text: `${MARK}Zwei`, callback_data: 't:b' }],
      [{ text: 'Fertig', callback_data: 'd' }],
    ]);
  });
});
