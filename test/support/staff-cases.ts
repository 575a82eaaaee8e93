/** Real cases for staff tests: a report sealed to the staff key, made a case by the app's worker. */
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import type { App } from '../../src/app.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import type { InboundEvent, OutboundMessage } from '../../src/bot/types.ts';
import { reportJob, sampleReport } from './reports.ts';
import type { ReplyAddress } from '../../src/queue/reports-queue.ts';
import { until } from './wait.ts';

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
