/**
 * A file sent while the input before it is still queued: through the JSON-lines console, a person
 * past the evidence step goes back to it ("back" at the next question) and the process dies right
 * after that input was queued (SIGKILL, `test/support/crash-at.ts`); the next process gets a file
 * at once, while "back" still waits in the inbox behind the dead process's lock. The file must be
 * decided at the step "back" leads to (the evidence question), not refused as "not at this step"
 * against the session as it was. (The description before the evidence takes a voice message, so a
 * file right after it was never refused.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import { text } from '../../src/flows/types.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE } from '../support/intake-script.ts';
import { crashEnv } from '../support/crash-runs.ts';
import { messagesOf, useJsonl } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

/** The intake up to the question after the evidence ("Fertig" ends the evidence step). */
const PAST_EVIDENCE = GERMAN_INTAKE.slice(0, GERMAN_INTAKE.findIndex((line) => 'file' in line) + 2);
const BACK = { command: 'back' };
const FILE = {
  file: { name: 'zweites.png', mime: 'image/png', data: Buffer.from('png 2').toString('base64') },
};

describe('a file sent while the input before it is still queued', () => {
  const redis = useTestRedis('queuedfile');
  const start = useJsonl();

  it('is taken at the step the queued input leads to', async () => {
    const keys = generateStaffKeyPair();
    const env = {
      STAFF_PRIVATE_KEY: keys.privateKey,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-queued-file-')),
    };
    // The reference: what a person sees who waits for the evidence question before sending.
    const reference = start({ prefix: redis.prefix, user: 'ref', env });
    for (const line of PAST_EVIDENCE) await reference.send(line);
    const expected = [
      ...messagesOf(await reference.send(BACK)),
      ...messagesOf(await reference.send(FILE)),
    ].map((m) => m.text);
    expect(await reference.close()).toBe(0);

    const user = 'quick';
    const first = start({ prefix: redis.prefix, user, env });
    for (const line of PAST_EVIDENCE) await first.send(line);
    expect(await first.close()).toBe(0);
    // "back" is queued, and the process dies before it is handled.
    const dying = start({
      prefix: redis.prefix,
      user,
      env: { ...env, ...crashEnv('received') },
    });
    await expect(dying.send(BACK)).rejects.toThrow();
    expect(await dying.exited).toMatchObject({ signal: 'SIGKILL' });
    const conv = `${redis.prefix}:conv:{console:${user}}`;
    expect(await redis.client.llen(`${conv}:inbox`)).toBe(1);

    // The next process gets the file at once; "back" still waits behind the dead lock.
    const next = start({ prefix: redis.prefix, user, env });
    const replied = next.send(FILE);
    // The file is queued behind "back" (or, refused, answered at once).
    await until(
      async () =>
        (await redis.client.llen(`${conv}:inbox`)) >= 2 ||
        next.output.some((l) => l.type === 'idle'),
    );
    // The dead process's lock would expire after 10 s; the test lets it expire at once.
    await redis.client.del(`${conv}:lock`);
    const seen = messagesOf(await replied).map((m) => m.text);
    expect(await next.close()).toBe(0);

    const notHere = Translator.create().t('de', text('common:file.notHere'));
    reportFigures('queued file', [
      `a file right after a queued "back" to the evidence step (the process killed in between): ${seen.includes(notHere) ? 'REFUSED as not at this step' : 'taken at the evidence step'}, ${String(seen.length)}/${String(expected.length)} messages as for a person who waited`,
    ]);
    expect(seen).not.toContain(notHere);
    expect(seen).toEqual(expected);
  }, 60_000);
});
