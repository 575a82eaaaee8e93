import { describe, expect, it } from 'vitest';
import {
  claimData,
  DONE_DATA,
  MAX_CALLBACK_BYTES,
  parseCallbackData,
  pickData,
  resolveOption,
  toggleData,
} from '../../../src/adapters/telegram/callback-data.ts';

describe('callback data', () => {
  it('names options by id, compactly, and reads them back', () => {
    expect(pickData('yes', 0)).toBe('c:yes');
    expect(toggleData('threat', 1)).toBe('t:threat');
    expect(parseCallbackData('c:yes')).toEqual({ kind: 'pick', option: { id: 'yes' } });
    expect(parseCallbackData('t:threat')).toEqual({ kind: 'toggle', option: { id: 'threat' } });
    expect(parseCallbackData(DONE_DATA)).toEqual({ kind: 'done' });
    expect(parseCallbackData(claimData('7KQ2-9XMD-4HTR-V'))).toEqual({
      kind: 'claim',
      caseRef: '7KQ2-9XMD-4HTR-V',
    });
  });

  it('falls back to the position for an id too long for Telegram`s 64 bytes', () => {
    const long = 'ü'.repeat(40);
    const data = pickData(long, 7);
    expect(data).toBe('c#7');
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    const options = Array.from({ length: 8 }, (_, i) => ({ id: i === 7 ? long : `o${i}` }));
    const parsed = parseCallbackData(data);
    expect(parsed?.kind === 'pick' && resolveOption(options, parsed.option)?.id).toBe(long);
  });

  it('reads nothing Lotse never sends', () => {
    for (const forged of [
      undefined,
      '',
      'x',
      'x:1',
      'c',
      'c:',
      'c#',
      'c#-1',
      'c#1234',
      'dd',
      's#1',
      'c:' + 'a'.repeat(70),
    ])
      expect(parseCallbackData(forged), String(forged)).toBeUndefined();
    expect(resolveOption([{ id: 'a' }], { id: 'b' })).toBeUndefined();
    expect(resolveOption([{ id: 'a' }], { index: 3 })).toBeUndefined();
  });
});
