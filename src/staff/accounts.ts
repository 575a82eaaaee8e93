import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Secret, TOTP } from 'otpauth';
import { LANGUAGES } from '../bot/i18n.ts';
import { hashPassphrase, verifyPassphrase } from './passphrase.ts';

/**
 * Staff accounts of the browser inbox, in Redis under the app's prefix: a lowercase login name,
 * a display name, a scrypt hash of the passphrase, a TOTP secret sealed with a key derived from the
 * staff private key (never plain in Redis), an enabled flag and times. An administrator adds and
 * disables accounts with the staff CLI; the person enrols through a one-time link: passphrase,
 * then the TOTP QR code, confirmed with a first code.
 */

/** A login name: lowercase letters, digits, dot, dash, underscore; 2–32 characters. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** How long an enrolment link works. */
export const ENROLMENT_HOURS = 72;

/** TOTP as every authenticator app knows it: SHA-1, six digits, 30 seconds. */
const TOTP_PERIOD = 30;
const ISSUER = 'Lotse';

type Language = (typeof LANGUAGES)[number];

/** What staff and the CLI see of an account (never the hash or the secret). */
export interface AccountInfo {
  readonly name: string;
  readonly display: string;
  readonly enabled: boolean;
  /** Enrolled: passphrase set and TOTP confirmed; only then can the account sign in. */
  readonly enrolled: boolean;
  readonly createdAt: string;
  readonly disabledAt?: string;
  readonly lang?: Language;
}

/** What `add` did. */
export type AddResult =
  | { readonly kind: 'added'; readonly enrolToken: string }
  | { readonly kind: 'exists' }
  | { readonly kind: 'bad-name' };

/** What checking a passphrase and code found. */
export type CheckResult =
  | { readonly kind: 'ok'; readonly account: AccountInfo }
  /** Unknown account, wrong passphrase or wrong code: one answer, so that names cannot be probed. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'disabled' };

/** The second step of an enrolment: the secret to show as a QR code. */
export interface EnrolmentSecret {
  readonly name: string;
  /** The `otpauth://` URI an authenticator app reads from the QR code. */
  readonly uri: string;
  /** The secret in base32, for typing it in by hand. */
  readonly base32: string;
}

/** Ends every browser session of an account (src/web keeps them; the account store only asks). */
export interface SessionEnder {
  endAll(account: string): Promise<number>;
}

export class StaffAccounts {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #keys: readonly Buffer[];
  readonly #clock: () => Date;
  /** A hash of nothing anyone types, made once: compared against for unknown names. */
  #dummy: Promise<string> | undefined;

  /**
   * @param privateKey the staff private key or keyring `current,older,…`: the TOTP secrets are
   *   sealed with a key derived from the current one and opened with any of them.
   */
  constructor(
    redis: Redis,
    prefix: string,
    privateKey: string,
    clock: () => Date = () => new Date(),
  ) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#keys = privateKey
      .split(',')
      .map((key) =>
        Buffer.from(
          hkdfSync('sha256', Buffer.from(key.trim(), 'base64url'), '', 'lotse staff totp', 32),
        ),
      );
    this.#clock = clock;
  }

  #account(name: string): string {
    return `${this.#prefix}:staff:account:${name}`;
  }

  #index(): string {
    return `${this.#prefix}:staff:accounts`;
  }

  #enrolment(token: string): string {
    return `${this.#prefix}:staff:enrol:${createHash('sha256').update(token).digest('base64url')}`;
  }

  /** Adds an account that still has to enrol; the token goes into the enrolment link. */
  async add(name: string, display: string, lang?: Language): Promise<AddResult> {
    if (!ACCOUNT_NAME.test(name)) return { kind: 'bad-name' };
    const created = await this.#redis.hsetnx(this.#account(name), 'name', name);
    if (created === 0) return { kind: 'exists' };
    await this.#redis.hset(this.#account(name), {
      display: display.trim() === '' ? name : display.trim().slice(0, 80),
      enabled: '1',
      createdAt: this.#clock().toISOString(),
      ...(lang === undefined ? {} : { lang }),
    });
    await this.#redis.sadd(this.#index(), name);
    return { kind: 'added', enrolToken: await this.#newEnrolment(name) };
  }

  /** A fresh enrolment link for an account (a lost phone, a forgotten passphrase). */
  async reenrol(name: string): Promise<string | undefined> {
    if ((await this.get(name)) === undefined) return undefined;
    await this.#redis.hdel(this.#account(name), 'hash', 'totp', 'totpLast', 'enrolled');
    return this.#newEnrolment(name);
  }

  async #newEnrolment(name: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.#redis.set(this.#enrolment(token), name, 'EX', ENROLMENT_HOURS * 3600);
    return token;
  }

  async get(name: string): Promise<AccountInfo | undefined> {
    if (!ACCOUNT_NAME.test(name)) return undefined;
    return infoOf(await this.#redis.hgetall(this.#account(name)));
  }

  async list(): Promise<AccountInfo[]> {
    const names = (await this.#redis.smembers(this.#index())).sort();
    const infos = await Promise.all(names.map((name) => this.get(name)));
    return infos.filter((info): info is AccountInfo => info !== undefined);
  }

  /** Disables an account and ends its sessions at once; false when there is no such account. */
  async disable(name: string, sessions: SessionEnder): Promise<boolean> {
    if ((await this.get(name)) === undefined) return false;
    await this.#redis.hset(this.#account(name), {
      enabled: '0',
      disabledAt: this.#clock().toISOString(),
    });
    await sessions.endAll(name);
    return true;
  }

  /** The account an enrolment link belongs to, while it works. */
  async enrolling(token: string): Promise<AccountInfo | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const name = await this.#redis.get(this.#enrolment(token));
    const account = name === null ? undefined : await this.get(name);
    return account?.enabled === true ? account : undefined;
  }

  /**
   * Enrolment, first step: sets the passphrase and makes the TOTP secret (both pending until a
   * first code confirms them).
   */
  async beginEnrolment(token: string, passphrase: string): Promise<EnrolmentSecret | undefined> {
    const account = await this.enrolling(token);
    if (account === undefined) return undefined;
    const secret = new Secret({ size: 20 });
    await this.#redis.hset(this.#account(account.name), {
      pendingHash: await hashPassphrase(passphrase),
      pendingTotp: this.#seal(secret.base32, account.name),
    });
    return this.#secretView(account.name, secret.base32);
  }

  /** The pending secret again (the QR page reloaded), or undefined when there is none. */
  async pendingSecret(token: string): Promise<EnrolmentSecret | undefined> {
    const account = await this.enrolling(token);
    if (account === undefined) return undefined;
    const sealed = await this.#redis.hget(this.#account(account.name), 'pendingTotp');
    const base32 = sealed === null ? undefined : this.#open(sealed, account.name);
    return base32 === undefined ? undefined : this.#secretView(account.name, base32);
  }

  /**
   * Enrolment, second step: a code from the app confirms the secret; the link stops working.
   * Answers the enrolled account, or undefined for a wrong code or a link that no longer works.
   */
  async confirmEnrolment(token: string, code: string): Promise<AccountInfo | undefined> {
    const account = await this.enrolling(token);
    if (account === undefined) return undefined;
    const key = this.#account(account.name);
    const [hash, sealed] = await this.#redis.hmget(key, 'pendingHash', 'pendingTotp');
    if (hash == null || sealed == null) return undefined;
    const base32 = this.#open(sealed, account.name);
    if (base32 === undefined) return undefined;
    const counter = this.#matchingCounter(base32, code);
    if (counter === undefined) return undefined;
    await this.#redis
      .multi()
      .hset(key, { hash, totp: sealed, totpLast: String(counter), enrolled: '1' })
      .hdel(key, 'pendingHash', 'pendingTotp')
      .del(this.#enrolment(token))
      .exec();
    return this.get(account.name);
  }

  /**
   * Checks a passphrase and a TOTP code. A code is taken once: the same code again (a replay, or a
   * second sign-in within its 30 seconds) is refused.
   */
  async check(name: string, passphrase: string, code: string): Promise<CheckResult> {
    const normal = name.trim().toLowerCase();
    const key = this.#account(normal);
    const raw = ACCOUNT_NAME.test(normal) ? await this.#redis.hgetall(key) : {};
    const account = infoOf(raw);
    // A hash is computed even for an unknown name: the answer takes as long either way.
    this.#dummy ??= hashPassphrase(randomBytes(16).toString('hex'));
    const hash = raw['hash'] ?? (await this.#dummy);
    const passphraseOk = await verifyPassphrase(passphrase, hash);
    if (account === undefined || !account.enrolled || !passphraseOk) return { kind: 'refused' };
    const base32 = raw['totp'] === undefined ? undefined : this.#open(raw['totp'], normal);
    const counter = base32 === undefined ? undefined : this.#matchingCounter(base32, code);
    if (counter === undefined) return { kind: 'refused' };
    // Taken once: only a counter beyond the last one used moves it (atomically, in Lua).
    const taken = await this.#redis.eval(
      `local last = tonumber(redis.call('HGET', KEYS[1], 'totpLast') or '-1')
       if tonumber(ARGV[1]) <= last then return 0 end
       redis.call('HSET', KEYS[1], 'totpLast', ARGV[1])
       return 1`,
      1,
      key,
      String(counter),
    );
    if (taken !== 1) return { kind: 'refused' };
    if (!account.enabled) return { kind: 'disabled' };
    return { kind: 'ok', account };
  }

  /** The TOTP time step the code belongs to (now, or one step either side), if any. */
  #matchingCounter(base32: string, code: string): number | undefined {
    const clean = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(clean)) return undefined;
    const timestamp = this.#clock().getTime();
    const delta = totpFor('check', base32).validate({ token: clean, timestamp, window: 1 });
    if (delta === null) return undefined;
    return Math.floor(timestamp / 1000 / TOTP_PERIOD) + delta;
  }

  #secretView(name: string, base32: string): EnrolmentSecret {
    return { name, uri: totpFor(name, base32).toString(), base32 };
  }

  /** AES-256-GCM with the account name as associated data: a secret cannot move to another account. */
  #seal(plain: string, name: string): string {
    const key = this.#keys[0];
    if (key === undefined) throw new Error('no staff key');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`totp:${name}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  #open(sealed: string, name: string): string | undefined {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return undefined;
    for (const key of this.#keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(`totp:${name}`));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // Sealed with another key of the ring (or damaged): the next key is tried.
      }
    }
    return undefined;
  }
}

function totpFor(label: string, base32: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(base32),
  });
}

function infoOf(raw: Record<string, string>): AccountInfo | undefined {
  const { name, display, createdAt } = raw;
  if (name === undefined || display === undefined || createdAt === undefined) return undefined;
  const lang = LANGUAGES.find((l) => l === raw['lang']);
  return {
    name,
    display,
    enabled: raw['enabled'] === '1',
    enrolled: raw['enrolled'] === '1',
    createdAt,
    ...(raw['disabledAt'] === undefined ? {} : { disabledAt: raw['disabledAt'] }),
    ...(lang === undefined ? {} : { lang }),
  };
}
