import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines on stderr (stdout belongs to the console channel). Modules take a
 * child with their name. Message content, names, addresses and tokens are never logged at info.
 */
export function createLogger(level: string): Logger {
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
    pino.destination({ fd: 2, sync: true }),
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

/**
 * A stable pseudonym for a conversation key, so that logs can follow one conversation without
 * naming the person's platform id.
 */
export function pseudonym(key: string): string {
  return createHash('sha256').update(`lotse-log:${key}`).digest('base64url').slice(0, 10);
}
