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
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * A stable pseudonym for a conversation key, so that logs can follow one conversation without
 * naming the person's platform id.
 */
export function pseudonym(key: string): string {
  return createHash('sha256').update(`lotse-log:${key}`).digest('base64url').slice(0, 10);
}
