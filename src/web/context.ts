import type { Context } from 'hono';
import type { Say } from './say.ts';

/** Who is signed in on this request (a live session of an enabled account). */
export interface SignedIn {
  readonly account: string;
  readonly display: string;
  readonly csrf: string;
  /** The cookie value, to end the session on sign-out. */
  readonly id: string;
}

/** What the middleware puts on each request. */
export interface WebEnv {
  Variables: {
    say: Say;
    signedIn: SignedIn | undefined;
    /** A session cookie came with the request but names no live session (expired or ended). */
    staleSession: boolean;
    /** The anonymous forms' token, double-submitted with its cookie. */
    anonToken: string;
  };
}

export type WebContext = Context<WebEnv>;
