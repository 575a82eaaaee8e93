import type { Config } from '../config/schema.ts';

/** The places staff work in. */
export type StaffSurfaceName = 'cli' | 'telegram' | 'matrix' | 'web';

/** The setting that lists each surface's staff, named in the refusal a stranger gets. */
export const STAFF_LISTS: Readonly<Record<StaffSurfaceName, string>> = {
  cli: 'STAFF_USERS',
  telegram: 'TELEGRAM_STAFF_USER_IDS',
  matrix: 'MATRIX_STAFF_USER_IDS',
  web: 'the staff accounts (npm run staff -- account add)',
};

/**
 * Who is staff, on every surface: the one list the staff desk and every staff surface ask. An
 * account is known by its surface's own id (a CLI name, a Telegram user id, a Matrix user id); the
 * desk and the audit trail know it as an actor id: the CLI name, the Telegram id after the word
 * telegram and a colon, the Matrix user id, the browser inbox's account name after `web:`.
 * The browser accounts live in Redis (src/staff/accounts.ts), not in the configuration: the web
 * server admits an account when its session is checked and dismisses it when it is disabled.
 */
export class StaffRoster {
  readonly #accounts: Readonly<Record<Exclude<StaffSurfaceName, 'web'>, ReadonlySet<string>>>;
  /** Enabled browser accounts this process has seen signed in. */
  readonly #web: Set<string>;

  constructor(accounts: Partial<Record<StaffSurfaceName, Iterable<string>>>) {
    this.#accounts = {
      cli: new Set(accounts.cli ?? []),
      telegram: new Set(accounts.telegram ?? []),
      matrix: new Set(accounts.matrix ?? []),
    };
    this.#web = new Set(accounts.web ?? []);
  }

  /** A browser account whose session was just checked (enabled, signed in) may act. */
  admit(account: string): void {
    this.#web.add(account);
  }

  /** A browser account found disabled may no longer act. */
  dismiss(account: string): void {
    this.#web.delete(account);
  }

  /** STAFF_USERS, TELEGRAM_STAFF_USER_IDS and MATRIX_STAFF_USER_IDS. */
  static fromConfig(
    config: Pick<Config, 'STAFF_USERS' | 'TELEGRAM_STAFF_USER_IDS' | 'MATRIX_STAFF_USER_IDS'>,
  ): StaffRoster {
    return new StaffRoster({
      cli: config.STAFF_USERS,
      telegram: config.TELEGRAM_STAFF_USER_IDS,
      matrix: config.MATRIX_STAFF_USER_IDS,
    });
  }

  /** The actor id of an account: what the desk, its audit trail and its erase confirmations key on. */
  static actorId(surface: StaffSurfaceName, account: string): string {
    if (surface === 'telegram' || surface === 'web') return `${surface}:${account}`;
    return account;
  }

  /** True when the account is listed as staff on that surface. */
  has(surface: StaffSurfaceName, account: string): boolean {
    return this.accounts(surface).has(account);
  }

  /** True for the actor id of a listed account on any surface. */
  isStaff(actorId: string): boolean {
    if (actorId.startsWith('telegram:'))
      return this.#accounts.telegram.has(actorId.slice('telegram:'.length));
    if (actorId.startsWith('web:')) return this.#web.has(actorId.slice('web:'.length));
    if (actorId.startsWith('@')) return this.#accounts.matrix.has(actorId);
    return this.#accounts.cli.has(actorId);
  }

  /** The listed accounts of one surface (the Matrix room shares keys with these only). */
  accounts(surface: StaffSurfaceName): ReadonlySet<string> {
    return surface === 'web' ? this.#web : this.#accounts[surface];
  }
}
