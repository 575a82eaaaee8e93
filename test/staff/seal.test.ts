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

  it('open boxes sealed before the keys were remembered, and read keys anew once per key', () => {
    // A test key pair and a box made by the earlier implementation (keys read through JWK on
    // every box): the same raw keys, the same box format.
    const earlier = {
      publicKey: 'nbkgQ-5XZ7mXrcvl_0FEI2NaJRKfAFftKOQMKUudEVA',
      privateKey: 'WGqUih2z8cgyDANa2wveqg9eMLCXJdNnLsLhrFLPCV0',
      box: 'ASQsWDDOVqTEC637fspwdF5qx_HloTnZ36SFLdCCv2hGn-dgtqTP90BtFolBR_8rftFIWpWuQbha-7pd9fq8_8pFgAZVdGYQIzP5CfqpMQ_PPI_TlCsxMniF',
    };
    expect(publicKeyOf(earlier.privateKey)).toBe(earlier.publicKey);
    for (let round = 0; round < 2; round++)
      expect(openJson(earlier.box, earlier.privateKey, 'note:OLD')).toEqual({
        note: 'vor der Umstellung',
      });
    const again = sealJson({ note: 'neu' }, earlier.publicKey, 'note:NEW');
    expect(openJson(again, earlier.privateKey, 'note:NEW')).toEqual({ note: 'neu' });
    // Many keys in turn (more than are remembered): each still seals and opens only its own.
    const pairs = Array.from({ length: 40 }, () => generateStaffKeyPair());
    for (const [i, pair] of pairs.entries()) {
      const box = seal(bytes(`n${i}`), pair.publicKey, 'x');
      expect(open(box, pair.privateKey, 'x').toString()).toBe(`n${i}`);
      const other = pairs[(i + 1) % pairs.length];
      if (other !== undefined) expect(() => open(box, other.privateKey, 'x')).toThrow(SealError);
    }
    expect(() => seal(bytes('x'), 'too-short', 'x')).toThrow(SealError);
  });
});
