import { describe, expect, it } from 'vitest';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { sealedAsBefore } from '../support/sealed-as-before.ts';

const DRAFT = JSON.stringify({ description: 'Drohung, Tel. +49 170 4711', email: 'a@b.de' });

describe('StateSeal (sessions and inbox events at rest)', () => {
  const key = StateSeal.generateKey();
  const seal = StateSeal.fromKeyring(key);

  it('seals to binary without the plain text, 35 bytes longer, and opens it again', () => {
    const sealed = seal.seal(DRAFT, 'session\u0000telegram:1');
    expect(sealed[0]).toBe(0xa5);
    // Tag byte, key id (6), nonce (12), the text's own length, authentication tag (16).
    expect(sealed.byteLength).toBe(Buffer.byteLength(DRAFT) + 35);
    expect(StateSeal.isSealed(sealed)).toBe(true);
    expect(sealed.toString('latin1')).not.toContain('4711');
    expect(sealed.toString('latin1')).not.toContain('description');
    expect(seal.open(sealed, 'session\u0000telegram:1')).toBe(DRAFT);
  });

  it('keeps text outside ASCII and the empty text as they were', () => {
    const german = JSON.stringify({ text: 'Drohung: „Wir wissen, wo du wohnst.“ – ÄÖÜß 🙂' });
    expect(seal.open(seal.seal(german, 'c'), 'c')).toBe(german);
    expect(seal.open(seal.seal('', 'c'), 'c')).toBe('');
  });

  it('opens values an earlier version sealed in the text format, as text or as bytes', () => {
    const before = sealedAsBefore(key, DRAFT, 'session\u0000telegram:1');
    expect(StateSeal.isSealed(before)).toBe(true);
    expect(StateSeal.isSealed(Buffer.from(before))).toBe(true);
    expect(seal.open(before, 'session\u0000telegram:1')).toBe(DRAFT);
    expect(seal.open(Buffer.from(before), 'session\u0000telegram:1')).toBe(DRAFT);
    // Bound to its conversation and key as before.
    expect(seal.open(before, 'session\u0000telegram:2')).toBeUndefined();
    expect(
      StateSeal.fromKeyring(StateSeal.generateKey()).open(before, 'session\u0000telegram:1'),
    ).toBeUndefined();
  });

  it('uses a fresh nonce each time: the same draft never seals the same way twice', () => {
    expect(seal.seal(DRAFT, 'c').equals(seal.seal(DRAFT, 'c'))).toBe(false);
  });

  it('refuses a value moved to another conversation or used as another kind of value', () => {
    const sealed = seal.seal(DRAFT, 'session\u0000telegram:1');
    expect(seal.open(sealed, 'session\u0000telegram:2')).toBeUndefined();
    expect(seal.open(sealed, 'event\u0000telegram:1')).toBeUndefined();
  });

  it('refuses a changed value, a cut one, plain JSON and garbage', () => {
    const sealed = seal.seal(DRAFT, 'c');
    for (const at of [1, 10, 25, sealed.byteLength - 1]) {
      const flipped = Buffer.from(sealed);
      flipped[at] = (flipped[at] ?? 0) ^ 1;
      expect(seal.open(flipped, 'c')).toBeUndefined();
    }
    expect(seal.open(sealed.subarray(0, 20), 'c')).toBeUndefined();
    expect(seal.open(sealed.subarray(0, 34), 'c')).toBeUndefined();
    expect(seal.open(Buffer.from([0xa5]), 'c')).toBeUndefined();
    expect(seal.open(Buffer.alloc(0), 'c')).toBeUndefined();
    expect(seal.open(DRAFT, 'c')).toBeUndefined();
    expect(seal.open(Buffer.from(DRAFT), 'c')).toBeUndefined();
    expect(seal.open('s1.x.y.z', 'c')).toBeUndefined();
    const before = sealedAsBefore(key, DRAFT, 'c');
    expect(seal.open(`${before.slice(0, -4)}AAAA`, 'c')).toBeUndefined();
    expect(StateSeal.isSealed(DRAFT)).toBe(false);
    expect(StateSeal.isSealed(Buffer.from(DRAFT))).toBe(false);
  });

  it('opens old values during a rotation (new,old) and seals with the new key only', () => {
    const fresh = StateSeal.generateKey();
    const before = seal.seal(DRAFT, 'c');
    const ring = StateSeal.fromKeyring(`${fresh},${key}`);
    expect(ring.open(before, 'c')).toBe(DRAFT);
    const after = ring.seal(DRAFT, 'c');
    expect(StateSeal.fromKeyring(fresh).open(after, 'c')).toBe(DRAFT);
    // Once the old key is dropped, what it sealed is unreadable; the old key cannot read the new.
    expect(StateSeal.fromKeyring(fresh).open(before, 'c')).toBeUndefined();
    expect(seal.open(after, 'c')).toBeUndefined();
  });

  it('takes keys in base64 as openssl prints them, and refuses anything else', () => {
    const standard = Buffer.from(key, 'base64url').toString('base64');
    expect(standard).toMatch(/[=]$/);
    expect(StateSeal.fromKeyring(standard).open(seal.seal(DRAFT, 'c'), 'c')).toBe(DRAFT);
    expect(() => StateSeal.fromKeyring('short')).toThrow(/32 bytes/);
    expect(() => StateSeal.fromKeyring(`${key},`)).toThrow(/32 bytes/);
  });

  it('derives a pseudonym secret that differs from the key and between keys', () => {
    const other = StateSeal.fromKeyring(StateSeal.generateKey());
    expect(seal.pseudonymSecret).toHaveLength(32);
    expect(seal.pseudonymSecret.equals(Buffer.from(key, 'base64url'))).toBe(false);
    expect(seal.pseudonymSecret.equals(other.pseudonymSecret)).toBe(false);
    expect(StateSeal.fromKeyring(key).pseudonymSecret.equals(seal.pseudonymSecret)).toBe(true);
  });
});
