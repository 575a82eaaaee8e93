import { describe, expect, it } from 'vitest';
import { StateSeal } from '../../src/bot/state-seal.ts';

const DRAFT = JSON.stringify({ description: 'Drohung, Tel. +49 170 4711', email: 'a@b.de' });

describe('StateSeal (sessions and inbox events at rest)', () => {
  const key = StateSeal.generateKey();
  const seal = StateSeal.fromKeyring(key);

  it('seals to a tagged value without the plain text, and opens it again', () => {
    const sealed = seal.seal(DRAFT, 'session\u0000telegram:1');
    expect(sealed).toMatch(/^s1\.[\w-]{8}\.[\w-]+$/);
    expect(StateSeal.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('4711');
    expect(Buffer.from(sealed.split('.')[2] ?? '', 'base64url').toString('latin1')).not.toContain(
      '4711',
    );
    expect(seal.open(sealed, 'session\u0000telegram:1')).toBe(DRAFT);
  });

  it('uses a fresh nonce each time: the same draft never seals the same way twice', () => {
    expect(seal.seal(DRAFT, 'c')).not.toBe(seal.seal(DRAFT, 'c'));
  });

  it('refuses a value moved to another conversation or used as another kind of value', () => {
    const sealed = seal.seal(DRAFT, 'session\u0000telegram:1');
    expect(seal.open(sealed, 'session\u0000telegram:2')).toBeUndefined();
    expect(seal.open(sealed, 'event\u0000telegram:1')).toBeUndefined();
  });

  it('refuses a changed value, a cut one, plain JSON and garbage', () => {
    const sealed = seal.seal(DRAFT, 'c');
    const body = Buffer.from(sealed.split('.')[2] ?? '', 'base64url');
    body[20] = (body[20] ?? 0) ^ 1;
    const flipped = `${sealed.split('.').slice(0, 2).join('.')}.${body.toString('base64url')}`;
    expect(seal.open(flipped, 'c')).toBeUndefined();
    expect(seal.open(sealed.slice(0, 20), 'c')).toBeUndefined();
    expect(seal.open(DRAFT, 'c')).toBeUndefined();
    expect(seal.open('s1.x.y.z', 'c')).toBeUndefined();
    expect(StateSeal.isSealed(DRAFT)).toBe(false);
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
