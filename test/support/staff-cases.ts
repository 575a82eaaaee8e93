/** Real cases for staff tests: a report sealed to the staff key, made a case by the app's worker. */
import { afterEach } from 'vitest';
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { useTestRedis } from './redis.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import type { InboundEvent, OutboundMessage } from '../../src/bot/types.ts';
import { reportJob, sampleReport } from './reports.ts';
import type { ReplyAddress } from '../../src/queue/reports-queue.ts';
import { until } from './wait.ts';

/**
 * For a vitest file of staff tests on real Redis: its key prefix, a staff key pair, and `start`,
 * which makes the app with the staff `users` (its channels added) and starts its workers. The app
 * a test started is stopped after it.
 */
export function useStaffApp(name: string, users = 'anna') {
  const redis = useTestRedis(name);
  const keys = generateStaffKeyPair();
  let running: App | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  const start = async (channels: readonly ChannelAdapter[] = []): Promise<App> => {
    const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: users }, null);
    const app = createApp(config, redis.client, createLogger('silent'), { keys });
    running = app;
    for (const channel of channels) await app.addChannel(channel);
    await app.startWorkers();
    return app;
  };
  return { redis, keys, start };
}

/** A marker in every case's description: it must show where details are shown, nowhere else. */
export const CASE_MARKER = 'CASE-DETAIL-4711';

/**
 * Submits a report from the person at `address` and waits until the worker made it a case (the
 * app's workers must run); resolves with the case reference.
 */
export async function submitCase(
  app: App,
  publicKey: string,
  address: ReplyAddress,
): Promise<string> {
  const caseRef = newCaseRef();
  const report = sampleReport(caseRef, {
    submittedAt: new Date().toISOString(),
    kinds: ['threat'],
    state: 'BY',
    description: `Ein Drohbrief im Briefkasten. ${CASE_MARKER}`,
    strafantragDeadline: '2027-02-20',
  });
  await app.reports.submit(reportJob(caseRef, { report, address }, publicKey));
  await until(async () => (await app.cases.get(caseRef)) !== undefined, 20_000);
  return caseRef;
}

/** The reporting person's console chat: what the outbound worker delivers to it. */
export class PersonChat implements ChannelAdapter {
  readonly platform = 'console' as const;
  readonly texts: string[] = [];
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  deliver(_event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    for (const m of messages) this.texts.push(m.text);
    return Promise.resolve();
  }
}
