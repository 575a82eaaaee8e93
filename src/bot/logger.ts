import { createHmac, randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines on stderr (stdout belongs to the console channel), or appended to
 * `file` (created with mode 600: pseudonyms are personal data too). Modules take a child with their
 * name. Message content, names, addresses and tokens are never logged at info.
 */
export function createLogger(level: string, file?: string): Logger {
  return pino(
    {
      level,
      base: { app: 'lotse' },
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'text', '*.text'],
        censor: '[redacted]',
      },
      // Errors keep their kind, message and stack only: API errors carry the failed call's payload
      // (a chat id, the text of a message), which must never reach the log.
      serializers: { err: safeError },
    },
    file === undefined
      ? pino.destination({ fd: 2, sync: true })
      : pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o600 }),
  );
}

/** An error as the log may show it. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const withCode = error as Error & { error_code?: unknown; code?: unknown };
  const code = withCode.error_code ?? withCode.code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
}

/** Names a conversation in the log without naming the person's platform id. */
export type Pseudonymizer = (conversationKey: string) => string;

/** How many pseudonyms a process remembers: an HMAC costs more than a lookup, and a few talk a lot. */
const REMEMBERED_PSEUDONYMS = 4_096;

/**
 * Stable pseudonyms for conversation keys, keyed with a secret: the same conversation always has
 * the same pseudonym, so logs can follow it, but without the secret nobody can test a guessed
 * Telegram id or Matrix account against a log line (a bare hash of a guessable id could be).
 * Without a secret, a random one of this process is used: pseudonyms then hold only until restart.
 */
export function keyedPseudonym(secret: Uint8Array = randomBytes(32)): Pseudonymizer {
  const known = new Map<string, string>();
  return (conversationKey) => {
    let name = known.get(conversationKey);
    if (name === undefined) {
      name = createHmac('sha256', secret).update(conversationKey).digest('base64url').slice(0, 12);
      if (known.size >= REMEMBERED_PSEUDONYMS) known.clear();
      known.set(conversationKey, name);
    }
    return name;
  };
}
