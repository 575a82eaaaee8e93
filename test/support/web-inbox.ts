/**
 * The staff inbox under test: the real program (`node src/main.ts --jsonl`, role all, WEB_PORT
 * set) on the real Redis, with its console channel for the person's side; staff accounts enrolled
 * the way a person does it (passphrase, then a first TOTP code); TOTP codes computed with otpauth
 * as an authenticator app does.
 */
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { StaffAccounts } from '../../src/staff/accounts.ts';
import { startJsonl, type JsonlOptions, type JsonlProcess } from './jsonl-process.ts';
import { TestRedis, uniquePrefix } from './redis.ts';
import { until } from './wait.ts';

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

/** Starts the program with the inbox on a free port; resolves once the inbox answers. */
async function startInboxProgram(
  start: (options: JsonlOptions) => JsonlProcess,
  options: JsonlOptions,
): Promise<{ bot: JsonlProcess; url: string }> {
  const port = await freePort();
  const bot = start({ ...options, env: { ...options.env, WEB_PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => {
    try {
      return (await fetch(`${url}/sign-in`)).status === 200;
    } catch {
      return false;
    }
  }, 30_000);
  return { bot, url };
}

/** The program of a suite that uses the inbox: read its fields inside tests or hooks only. */
export interface InboxProgram {
  /** The suite's share of Redis: the program's key prefix and a connection to it. */
  readonly redis: TestRedis;
  /** The program, with its console channel for the person's side. */
  readonly bot: JsonlProcess;
  /** Where the inbox answers, `http://127.0.0.1:<port>`. */
  readonly url: string;
}

/**
 * Starts the program with the inbox once for the calling suite, on a fresh Redis prefix made from
 * `label` (beforeAll); kills it and deletes every key under the prefix afterwards (afterAll).
 * `options` are startJsonl's but the prefix. A suite's own beforeAll registered after this call
 * runs once the inbox answers.
 */
export function useInboxProgram(
  label: string,
  options: Omit<JsonlOptions, 'prefix'> = {},
): InboxProgram {
  let redis: TestRedis | undefined;
  let started: { bot: JsonlProcess; url: string } | undefined;
  beforeAll(async () => {
    redis = new TestRedis(uniquePrefix(label));
    started = await startInboxProgram(startJsonl, { ...options, prefix: redis.prefix });
  }, 60_000);
  afterAll(async () => {
    await started?.bot.kill();
    await redis?.cleanup();
  });
  const running = () => {
    if (redis === undefined || started === undefined)
      throw new Error('useInboxProgram: the program is not running (used outside a test?)');
    return { redis, ...started };
  };
  return {
    get redis() {
      return running().redis;
    },
    get bot() {
      return running().bot;
    },
    get url() {
      return running().url;
    },
  };
}

/**
 * TOTP codes of one account, each for a later time step than the one before (a code is taken
 * once): the step before now, now, the step after; then it waits for the clock to move on.
 */
export class TotpCodes {
  readonly #totp: TOTP;
  #last = -Infinity;

  constructor(base32: string) {
    this.#totp = new TOTP({
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: Secret.fromBase32(base32.replace(/\s/g, '')),
    });
  }

  /**
   * A code the server has not seen yet. The step before now only while at least 10 s of this step
   * remain: the server may check it a moment later, in the next step, when only now and later
   * steps are still in its window.
   */
  async next(): Promise<string> {
    const counter = await this.#counter();
    this.#last = counter;
    return this.#totp.generate({ timestamp: counter * 30_000 });
  }

  /** The code `next` would give, without taking it (for an attempt the server will refuse). */
  async peek(): Promise<string> {
    return this.#totp.generate({ timestamp: (await this.#counter()) * 30_000 });
  }

  async #counter(): Promise<number> {
    const step = () => Math.floor(Date.now() / 30_000);
    const earliest = () => (Date.now() % 30_000 < 20_000 ? step() - 1 : step());
    await until(() => Math.max(this.#last + 1, earliest()) <= step() + 1, 40_000);
    return Math.max(this.#last + 1, earliest());
  }

  /** A code of no nearby time step: wrong, though well-formed. */
  wrong(): string {
    return this.#totp.generate({ timestamp: (Math.floor(Date.now() / 30_000) + 40) * 30_000 });
  }
}

export interface TestAccount {
  readonly name: string;
  readonly display: string;
  readonly passphrase: string;
  readonly codes: TotpCodes;
}

/** An account enrolled through the account store (the sign-in test enrols one in the browser). */
export async function enrolledAccount(
  redis: Redis,
  prefix: string,
  privateKey: string,
  name: string,
  display: string,
): Promise<TestAccount> {
  const accounts = new StaffAccounts(redis, prefix, privateKey);
  const added = await accounts.add(name, display);
  if (added.kind !== 'added') throw new Error(`account ${name}: ${added.kind}`);
  const passphrase = `correct horse battery ${name}`;
  const secret = await accounts.beginEnrolment(added.enrolToken, passphrase);
  if (secret === undefined) throw new Error('enrolment refused');
  const codes = new TotpCodes(secret.base32);
  if ((await accounts.confirmEnrolment(added.enrolToken, await codes.next())) === undefined)
    throw new Error('enrolment code refused');
  return { name, display, passphrase, codes };
}

/** Fills the sign-in form and sends it; `code` defaults to the account's next code. */
export async function signIn(
  page: Page,
  url: string,
  account: Pick<TestAccount, 'name' | 'passphrase' | 'codes'>,
  overrides: { passphrase?: string; code?: string } = {},
): Promise<void> {
  if (!page.url().endsWith('/sign-in')) await page.goto(`${url}/sign-in`);
  await page.getByLabel('Kontoname').fill(account.name);
  await page.getByLabel('Passphrase').fill(overrides.passphrase ?? account.passphrase);
  await page.getByLabel('Code aus der App').fill(overrides.code ?? (await account.codes.next()));
  await submit(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
}

/** Clicks a form's button and waits for the page it leads to (after any redirect). */
export async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

/** Removes an element from the page (a test's hostile edit of a form). */
export async function removeElement(element: Locator): Promise<void> {
  await element.evaluate((node: { remove(): void }) => {
    node.remove();
  });
}
