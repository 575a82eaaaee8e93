/**
 * Crash at every step, through the JSON-lines console: the real program is killed with SIGKILL at
 * each input of a whole intake and the case chat after it – once right after the input was queued,
 * once right after the answer was saved – and restarted. The person must see exactly what an
 * uncrashed run shows, in the same order; no step asked twice, one report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportsQueue } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { INTAKE_AND_CASE_CHAT } from '../support/intake-script.ts';
import { compareTranscripts, crashEnv, releaseLock } from '../support/crash-runs.ts';
import { messagesOf, useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';
import { reportFigures } from '../support/figures.ts';

/** What each run types and taps: the intake, the submission and the case chat after it. */
const SCRIPT = INTAKE_AND_CASE_CHAT;

/** A transcript without the random case reference. */
function transcript(processes: readonly JsonlProcess[], caseRef: string): string[] {
  return processes.flatMap((p) =>
    messagesOf(p.output).map((m) => (caseRef === '' ? m.text : m.text.replaceAll(caseRef, '#'))),
  );
}

function caseRefOf(processes: readonly JsonlProcess[]): string {
  for (const p of processes)
    for (const m of messagesOf(p.output)) if (m.case !== undefined) return m.case;
  return '';
}

describe('kill -9 at every step of the console channel', () => {
  const redis = useTestRedis('crash');
  const start = useJsonl();

  it('shows every answer once and in order, asks no step twice and makes one report', async () => {
    const keys = generateStaffKeyPair();
    const env = {
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-crash-')),
      // Fifty-odd starts of the program: compiled once, not each time.
      ...crashEnv(),
    };

    // The reference: the same script without a crash.
    const reference = start({ prefix: redis.prefix, user: 'ref', env });
    // How many messages a person has seen before each step.
    const before: number[] = [];
    for (const line of SCRIPT) {
      before.push(messagesOf(reference.output).length);
      await reference.send(line);
    }
    expect(await reference.close()).toBe(0);
    const expected = transcript([reference], caseRefOf([reference]));
    const runs: JsonlProcess[][] = [[reference]];
    expect(expected.length).toBeGreaterThan(SCRIPT.length);

    const figures: string[] = [];
    for (const point of ['received', 'saved'] as const) {
      const user = `crash-${point}`;
      const processes: JsonlProcess[] = [];
      for (const [step, line] of SCRIPT.entries()) {
        const bot = start({
          prefix: redis.prefix,
          user,
          env: { ...env, ...crashEnv(point) },
        });
        processes.push(bot);
        // Like a person, wait for the answer to the last step (the restarted process sends it).
        const seenSoFar = () => processes.reduce((n, p) => n + messagesOf(p.output).length, 0);
        for (let i = 0; i < 300 && seenSoFar() < (before[step] ?? 0); i++)
          await new Promise((r) => setTimeout(r, 20));
        const reply = await bot.send(line).catch(() => undefined);
        // Every input reaches the store, so the process dies there; an answer means it did not.
        expect(
          reply,
          `${point}, step ${JSON.stringify(line).slice(0, 80)}: ${bot.stderr.slice(-800)}`,
        ).toBeUndefined();
        expect(await bot.exited).toMatchObject({ signal: 'SIGKILL' });
        await releaseLock(redis.client, redis.prefix, `console:${user}`);
      }
      const last = start({ prefix: redis.prefix, user, env });
      processes.push(last);
      runs.push(processes);
      expect(await last.close()).toBe(0);

      const seen = transcript(processes, caseRefOf(processes));
      const { lost, repeated, order } = compareTranscripts(seen, expected);
      figures.push(
        `kill -9 ${point} at ${SCRIPT.length} steps: ${seen.length}/${expected.length} messages seen, ${lost} lost, ${repeated} repeated, order ${order}`,
      );
      expect(seen).toEqual(expected);
    }

    // One report per run, under the reference the person was told: made into a case, or still in
    // the queue (a worker killed while it worked leaves the job to the next worker).
    const told = runs.map((processes) => caseRefOf(processes)).sort();
    expect(told.every((ref) => ref !== '')).toBe(true);
    const reports = new ReportsQueue(redis.client, redis.prefix);
    const cli = { ...env, REDIS_KEY_PREFIX: redis.prefix, STAFF_USER: 'anna' };
    const cases = JSON.parse((await staffCli(['list', '--json'], cli)).stdout) as {
      caseRef: string;
    }[];
    const queued = (await reports.queue.getJobs()).map((job) => job.id ?? '');
    await reports.close();
    // A case whose job a killed worker left active is both: one report (a retry finds it made).
    const made = [...new Set([...cases.map((c) => c.caseRef), ...queued])].sort();
    figures.push(
      `reports: ${made.length} for ${runs.length} runs (${cases.length} cases, ${queued.length} jobs still queued), ${made.filter((ref) => !told.includes(ref)).length} not told to anyone`,
    );
    reportFigures('crash, console', figures);
    expect(made).toEqual(told);
  }, 300_000);
});
