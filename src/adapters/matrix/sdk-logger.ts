import { logger as globalSdkLogger, type Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../../bot/logger.ts';

/** Matrix ids (users, rooms, aliases, events) in SDK log lines, replaced before info level. */
const MATRIX_ID = /[@!#$][^\s:"',]+:[^\s"',)\]]+/g;
const MAX_LINE = 400;

/**
 * The SDK's log lines as pino logs of the "matrix-sdk" module: its errors as warnings (with Matrix
 * ids removed), everything else at debug/trace. The SDK logs freely; nothing it says reaches
 * stdout, which belongs to the console channel.
 */
export function sdkLogger(logger: Logger, prefix = ''): SdkLogger {
  const log = logger.child({ module: 'matrix-sdk' });
  const line = (msg: unknown[]): string =>
    `${prefix}${msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : safeJson(m))).join(' ')}`.slice(
      0,
      MAX_LINE,
    );
  return {
    trace: (...msg: unknown[]) => {
      if (log.isLevelEnabled('trace')) log.trace(line(msg));
    },
    debug: (...msg: unknown[]) => {
      if (log.isLevelEnabled('trace')) log.trace(line(msg));
    },
    info: (...msg: unknown[]) => {
      if (log.isLevelEnabled('debug')) log.debug(line(msg));
    },
    warn: (...msg: unknown[]) => {
      if (log.isLevelEnabled('debug')) log.debug(line(msg));
    },
    error: (...msg: unknown[]) => {
      log.warn(line(msg).replace(MATRIX_ID, '<id>'));
    },
    getChild: (namespace: string) => sdkLogger(logger, `${prefix}${namespace} `),
  };
}

/**
 * Points the SDK's process-wide fallback logger (a loglevel logger that writes to the console) at
 * pino. It is process state by nature; the latest channel's logger wins.
 */
export function routeSdkLogs(logger: Logger): void {
  const target = sdkLogger(logger);
  // Deprecated for use, but the SDK's own modules still log through it: it must be redirected.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const sdk = globalSdkLogger as unknown as {
    methodFactory: (method: string) => (...msg: unknown[]) => void;
    rebuild(): void;
  };
  sdk.methodFactory = (method) => {
    switch (method) {
      case 'error':
        return target.error;
      case 'warn':
        return target.warn;
      case 'info':
        return target.info;
      case 'trace':
        return target.trace;
      default:
        return target.debug;
    }
  };
  sdk.rebuild();
}

function safeJson(value: unknown): string {
  try {
    // JSON.stringify gives undefined for undefined and functions, whatever its type says.
    const json = JSON.stringify(value) as unknown;
    return typeof json === 'string' ? json : String(value);
  } catch {
    return String(value);
  }
}
