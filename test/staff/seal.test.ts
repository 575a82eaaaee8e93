import { describe, expect, it } from 'vitest';
import {
  generateStaffKeyPair,
  open,
  openJson,
  publicKeyOf,
  seal,
  SealError,
  sealJson,
} from '../../src/staff/seal.ts';

const bytes = (s: string) => Buffer.from(s);

describe('sealed boxes', () => {
  it('open with the private key and the same context only', () => {
    const staff = generateStaffKeyPair();
    const other = generateStaffKeyPair();
    const box = seal(bytes('Drohbrief'), staff.publicKey, 'report:A');
    expect(open(box, staff.privateKey, 'report:A').toString()).toBe('Drohbrief');
    expect(() => open(box, other.privateKey, 'report:A')).toThrow(SealError);
    expect(() => open(box, staff.privateKey, 'report:B')).toThrow(SealError);
    expect(() => open('garbage', staff.privateKey, 'report:A')).toThrow(SealError);
    // Each box has its own ephemeral key: the same text never seals the same way twice.
    expect(seal(bytes('Drohbrief'), staff.publicKey, 'report:A')).not.toBe(box);
  });

  it('open with a keyring during a rotation: the new key first, the old one after it', () => {
    const old = generateStaffKeyPair();
    const fresh = generateStaffKeyPair();
    const ring = `${fresh.privateKey},${old.privateKey}`;
    const before = sealJson({ note: 'alt' }, old.publicKey, 'note:A');
    const after = sealJson({ note: 'neu' }, fresh.publicKey, 'note:A');
    expect(openJson(before, ring, 'note:A')).toEqual({ note: 'alt' });
    expect(openJson(after, ring, 'note:A')).toEqual({ note: 'neu' });
    // New boxes are sealed to the ring's current key.
    expect(publicKeyOf(ring)).toBe(fresh.publicKey);
    // Once the old key is dropped, what was sealed to it cannot be read.
    expect(() => open(before, fresh.privateKey, 'note:A')).toThrow(SealError);
  });
});
