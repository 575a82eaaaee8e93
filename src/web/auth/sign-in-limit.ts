import type { Redis } from 'ioredis';

/**
 * Limits failed sign-ins in Redis, per account name and per client address: after `maxFailures`
 * within the window, further attempts are refused until the window has passed – even with the right
 * passphrase, so that guessing cannot go on in the background.
 */
export interface SignInLimitOptions {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** Failures from one address across all names (an office behind one NAT signs in from one). */
  readonly maxFailuresPerAddress: number;
}

export const DEFAULT_SIGN_IN_LIMIT: SignInLimitOptions = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  maxFailuresPerAddress: 20,
};

export class SignInLimit {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #options: SignInLimitOptions;

  constructor(redis: Redis, prefix: string, options: SignInLimitOptions = DEFAULT_SIGN_IN_LIMIT) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#options = options;
  }

  #keys(account: string, address: string): [string, string] {
    return [
      `${this.#prefix}:web:fails:account:${account.slice(0, 64)}`,
      `${this.#prefix}:web:fails:address:${address.slice(0, 64)}`,
    ];
  }

  /** True while the account or the address has used up its failures. */
  async blocked(account: string, address: string): Promise<boolean> {
    const [byAccount, byAddress] = await this.#redis.mget(...this.#keys(account, address));
    return (
      Number(byAccount ?? 0) >= this.#options.maxFailures ||
      Number(byAddress ?? 0) >= this.#options.maxFailuresPerAddress
    );
  }

  async failed(account: string, address: string): Promise<void> {
    const multi = this.#redis.multi();
    for (const key of this.#keys(account, address))
      multi.incr(key).expire(key, this.#options.windowSeconds, 'NX');
    await multi.exec();
  }

  /** A successful sign-in forgets the account's failures (the address's stay). */
  async succeeded(account: string, address: string): Promise<void> {
    await this.#redis.del(this.#keys(account, address)[0]);
  }
}
