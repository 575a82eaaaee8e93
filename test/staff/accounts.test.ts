/**
 * Staff accounts of the browser inbox on real Redis: enrolment in two steps, passphrase and TOTP
 * checked, a code taken once, nothing readable stored, disabling ends every session, a key
 * rotation still opens the secrets.
 */
import { describe, expect, it } from 'vitest';
import { StaffAccounts } from '../../src/staff/accounts.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { WebSessions } from '../../src/web/auth/sessions.ts';
import { everythingUnder, useTestRedis } from '../support/redis.ts';
import { TotpCodes } from '../support/web-inbox.ts';

const redis = useTestRedis('accounts');
const key = generateStaffKeyPair().privateKey;
const PASSPHRASE = 'drei kleine wörter und mehr';

async function enrolled(accounts: StaffAccounts, name = 'anna') {
  const added = await accounts.add(name, 'Anna Berg');
  if (added.kind !== 'added') throw new Error(added.kind);
  const secret = await accounts.beginEnrolment(added.enrolToken, PASSPHRASE);
  if (secret === undefined) throw new Error('no secret');
  const codes = new TotpCodes(secret.base32);
  const account = await accounts.confirmEnrolment(added.enrolToken, await codes.next());
  return { token: added.enrolToken, secret, codes, account };
}

describe('staff accounts', () => {
  it('enrols with a passphrase and a confirmed TOTP secret, then checks both', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    const { token, secret, codes, account } = await enrolled(accounts);
    expect(account).toMatchObject({
      name: 'anna',
      display: 'Anna Berg',
      enabled: true,
      enrolled: true,
    });
    expect(secret.uri).toMatch(/^otpauth:\/\/totp\/Lotse:anna\?/);
    // The link works once.
    expect(await accounts.enrolling(token)).toBeUndefined();
    expect(await accounts.beginEnrolment(token, 'another passphrase here')).toBeUndefined();

    expect(await accounts.check('Anna', PASSPHRASE, await codes.next())).toMatchObject({
      kind: 'ok',
    });
    expect(await accounts.check('anna', 'wrong passphrase here', await codes.peek())).toEqual({
      kind: 'refused',
    });
    expect(await accounts.check('anna', PASSPHRASE, codes.wrong())).toEqual({ kind: 'refused' });
    expect(await accounts.check('nobody', PASSPHRASE, '123456')).toEqual({ kind: 'refused' });
    expect(await accounts.check('../../x', PASSPHRASE, '123456')).toEqual({ kind: 'refused' });
  });

  it('takes a code once: the same code again is refused', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    const { codes } = await enrolled(accounts);
    const code = await codes.next();
    expect((await accounts.check('anna', PASSPHRASE, code)).kind).toBe('ok');
    expect((await accounts.check('anna', PASSPHRASE, code)).kind).toBe('refused');
  });

  it('refuses a wrong first code without finishing the enrolment', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    const added = await accounts.add('ben', '');
    if (added.kind !== 'added') throw new Error(added.kind);
    const secret = await accounts.beginEnrolment(added.enrolToken, PASSPHRASE);
    const codes = new TotpCodes(secret?.base32 ?? '');
    expect(await accounts.confirmEnrolment(added.enrolToken, codes.wrong())).toBeUndefined();
    expect(await accounts.get('ben')).toMatchObject({ display: 'ben', enrolled: false });
    expect((await accounts.check('ben', PASSPHRASE, await codes.next())).kind).toBe('refused');
    // The pending secret is shown again after a reload of the QR page.
    expect((await accounts.pendingSecret(added.enrolToken))?.base32).toBe(secret?.base32);
  });

  it('keeps nothing readable: no passphrase, no secret, no link token', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    const { token, secret } = await enrolled(accounts);
    const stored = await everythingUnder(redis.client, redis.prefix);
    expect(stored).toContain('anna');
    expect(stored).not.toContain(PASSPHRASE);
    expect(stored).not.toContain(secret.base32);
    expect(stored).not.toContain(token);
  });

  it('refuses bad and taken names', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    expect(await accounts.add('Anna Berg', '')).toEqual({ kind: 'bad-name' });
    expect(await accounts.add('a', '')).toEqual({ kind: 'bad-name' });
    expect((await accounts.add('anna', '')).kind).toBe('added');
    expect(await accounts.add('anna', 'Other')).toEqual({ kind: 'exists' });
    expect((await accounts.list()).map((a) => a.name)).toEqual(['anna']);
  });

  it('disables an account: its sessions end at once and a correct sign-in says so', async () => {
    const accounts = new StaffAccounts(redis.client, redis.prefix, key);
    const sessions = new WebSessions(redis.client, redis.prefix, 600);
    const { codes } = await enrolled(accounts);
    const one = await sessions.start('anna');
    const two = await sessions.start('anna');
    const other = await sessions.start('ben');
    expect(await accounts.disable('anna', sessions)).toBe(true);
    expect(await sessions.touch(one.id)).toBeUndefined();
    expect(await sessions.touch(two.id)).toBeUndefined();
    expect(await sessions.touch(other.id)).toMatchObject({ account: 'ben' });
    expect(await accounts.check('anna', PASSPHRASE, await codes.next())).toEqual({
      kind: 'disabled',
    });
    // A wrong passphrase still gets the plain refusal: disabled names are not told apart.
    expect(await accounts.check('anna', 'wrong passphrase here', await codes.peek())).toEqual({
      kind: 'refused',
    });
    expect(await accounts.disable('nobody', sessions)).toBe(false);
  });

  it('opens secrets sealed with an older key of the ring after a rotation', async () => {
    const before = new StaffAccounts(redis.client, redis.prefix, key);
    const { codes } = await enrolled(before);
    const newer = generateStaffKeyPair().privateKey;
    const after = new StaffAccounts(redis.client, redis.prefix, `${newer},${key}`);
    expect((await after.check('anna', PASSPHRASE, await codes.next())).kind).toBe('ok');
    // Without the old key the secret cannot be opened: refused, never a crash.
    const lost = new StaffAccounts(redis.client, redis.prefix, newer);
    expect((await lost.check('anna', PASSPHRASE, await codes.next())).kind).toBe('refused');
  });
});
