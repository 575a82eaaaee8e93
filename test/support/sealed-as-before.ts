import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A value in the text format earlier versions wrote (`s1.<key id>.<base64url nonce|ct|tag>`),
 * made here by hand from the key as they did, so that the test does not depend on the code under test.
 */
export function sealedAsBefore(key: string, plain: string, context: string): string {
  const raw = Buffer.from(key, 'base64url');
  const derive = (info: string, bytes: number) =>
    Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), info, bytes));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive('lotse state seal v1', 32), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([
    iv,
    cipher.update(plain, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `s1.${derive('lotse state key id', 6).toString('base64url')}.${body.toString('base64url')}`;
}
