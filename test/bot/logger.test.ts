import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { GrammyError } from 'grammy';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { keyedPseudonym, safeError } from '../../src/bot/logger.ts';

describe('errors in the log', () => {
  it('keep kind, message and code, never the payload of the failed API call', () => {
    const error = new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
      'sendMessage',
      { chat_id: 4711, text: 'Herr Muster bedroht mich in der Hauptstraße 5' },
    );
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ serializers: { err: safeError } }, sink);
    log.error({ err: error }, 'delivering replies failed');
    const line = lines.join('');
    expect(line).toContain('GrammyError');
    expect(line).toContain('"code":403');
    expect(line).not.toContain('Hauptstraße');
    expect(line).not.toContain('4711');
  });

  it('name only the type of a thrown non-error', () => {
    expect(safeError({ chat_id: 1, text: 'secret' })).toEqual({ type: 'object' });
  });
});

describe('log pseudonyms', () => {
  const id = 'telegram:123456789';
  const secret = Buffer.alloc(32, 7);

  it('are keyed: not a bare hash anyone can compute from a guessed Telegram id', () => {
    const named = keyedPseudonym(secret)(id);
    for (const encoding of ['hex', 'base64url'] as const) {
      for (const input of [id, `lotse-log:${id}`, '123456789']) {
        const bare = createHash('sha256').update(input).digest(encoding);
        expect(bare.startsWith(named), `${input} as ${encoding}`).toBe(false);
      }
    }
  });

  it('follow one conversation with the same secret, and differ with another secret', () => {
    expect(keyedPseudonym(secret)(id)).toBe(keyedPseudonym(Buffer.from(secret))(id));
    expect(keyedPseudonym(secret)(id)).not.toBe(keyedPseudonym(secret)('telegram:123456788'));
    expect(keyedPseudonym(Buffer.alloc(32, 8))(id)).not.toBe(keyedPseudonym(secret)(id));
    // Without a configured secret each process draws its own.
    expect(keyedPseudonym()(id)).not.toBe(keyedPseudonym()(id));
  });
});
