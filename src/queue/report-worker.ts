import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import type { Logger } from '../bot/logger.ts';
import { conversationKey } from '../bot/types.ts';
import { reportSchema, type Report } from '../flows/intake/report.ts';
import type { CaseStore } from '../staff/case-store.ts';
import type { Reminders } from './reminders.ts';
import {
  REPORTS_QUEUE,
  reportContext,
  reportJobSchema,
  reportPayloadSchema,
  type ReplyAddress,
} from './reports-queue.ts';
import { facetsOf } from '../staff/case-facets.ts';
import { allowedFrom } from '../staff/case-transitions.ts';
import { openDetails, withDetails } from '../staff/report-details.ts';
import { openJson, SealError } from '../staff/seal.ts';
import type { StaffNotifier } from '../staff/notifier.ts';

export interface ReportWorkerDeps {
  readonly connection: ConnectionOptions;
  /** For moving evidence files from the draft to the case. */
  readonly redis: Redis;
  readonly prefix: string;
  readonly privateKey: string;
  readonly cases: CaseStore;
  readonly notifier: StaffNotifier;
  readonly reminders: Reminders;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/**
 * Consumes the reports queue: opens each sealed report, checks it, moves its evidence files to
 * the case and creates the case once (a redelivered job finds the case and stops). A job that
 * cannot be read fails at once and stays in the queue's failed list for staff.
 */
export function startReportWorker(deps: ReportWorkerDeps): Worker {
  const log = deps.logger.child({ module: 'report-worker' });
  const clock = deps.clock ?? (() => new Date());
  const worker = new Worker(
    REPORTS_QUEUE,
    async (job: Job) => {
      const parsed = reportJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError('damaged reports job: not of a known version');
      const { caseRef, sealed } = parsed.data;
      let payload;
      try {
        payload = reportPayloadSchema.parse(
          openJson(sealed, deps.privateKey, reportContext(caseRef)),
        );
      } catch (error) {
        throw new UnrecoverableError(
          error instanceof SealError
            ? 'the report cannot be decrypted with this staff key (wrong STAFF_PRIVATE_KEY?)'
            : 'the decrypted report is damaged',
        );
      }
      const report = reportSchema.safeParse(payload.report);
      if (!report.success || report.data.caseRef !== caseRef)
        throw new UnrecoverableError('the report does not match its schema or case reference');
      const now = clock().toISOString();
      const conv = deps.cases.convId(conversationKey(payload.address));
      const missing = await moveFiles(deps, report.data, payload.address);
      // Details the person added after a short report while it waited here count from the start.
      const box = await deps.cases.detailsOf(caseRef);
      const full =
        readDetails(log, caseRef, box, (b) =>
          withDetails(report.data, caseRef, b, deps.privateKey),
        ) ?? report.data;
      // A short report leaves some open: counted as unknown, never guessed.
      const facets = facetsOf(full);
      const created = await deps.cases.create({
        actor: 'system',
        sealed,
        record: {
          caseRef,
          urgent: facets.urgent,
          kinds: [...facets.kinds],
          state: facets.state,
          role: facets.role,
          channel: facets.channel,
          platform: payload.address.platform,
          lang: report.data.language,
          address: payload.address,
          createdAt: now,
          conv,
        },
      });
      if (created === 'withdrawn') {
        // The person erased their data while the report was queued: its moved files go too.
        await deps.cases.erase(caseRef, conv, clock());
        log.info({ caseRef }, 'report withdrawn by the person; dropped');
        return;
      }
      if (created === 'exists') {
        log.info({ caseRef }, 'case exists already; redelivered job ignored');
        return;
      }
      // Details that came between reading them and making the case: the case takes them now.
      const later = await deps.cases.detailsOf(caseRef);
      if (later !== undefined && later !== box) {
        const details = readDetails(log, caseRef, later, (b) =>
          openDetails(caseRef, b, deps.privateKey),
        );
        if (details)
          await deps.cases.details(
            caseRef,
            allowedFrom('details'),
            later,
            facetsOf({ ...details.fields, urgent: report.data.urgent || details.urgent }),
            { at: now, actor: 'system', action: 'details' },
          );
      }
      if (missing > 0)
        await deps.cases.transition(caseRef, ['new'], undefined, {
          at: now,
          actor: 'system',
          action: 'files-missing',
          detail: String(missing),
        });
      const record = await deps.cases.get(caseRef);
      if (record) await deps.notifier.notify('new', record, now);
      await deps.reminders.caseCreated(caseRef, full);
      log.info(
        { caseRef, urgent: report.data.urgent, files: report.data.evidence.files.length },
        'case created',
      );
    },
    { connection: deps.connection, prefix: `${deps.prefix}:bull`, concurrency: 4 },
  );
  worker.on('failed', (job, error) => {
    log.error(
      { job: job?.id, reason: error.message, attempts: job?.attemptsMade },
      'reports job failed',
    );
  });
  worker.on('error', (error) => {
    log.error({ err: { name: error.name, message: error.message } }, 'report worker error');
  });
  return worker;
}

/**
 * Reads a case's sealed details; a box that cannot be read is logged and left out (the report
 * itself still becomes a case, and staff see the details as the person's message).
 */
function readDetails<T>(
  log: Logger,
  caseRef: string,
  box: string | undefined,
  read: (box: string) => T,
): T | undefined {
  if (box === undefined) return undefined;
  try {
    return read(box);
  } catch (error) {
    if (!(error instanceof SealError) && !(error instanceof ZodError)) throw error;
    log.warn({ caseRef }, 'the details of a short report cannot be read; left out');
    return undefined;
  }
}

/** Moves the sealed evidence files from the conversation's drafts to the case; returns how many were gone. */
async function moveFiles(
  deps: ReportWorkerDeps,
  report: Report,
  address: ReplyAddress,
): Promise<number> {
  let missing = 0;
  const owner = conversationKey(address);
  for (const file of report.evidence.files) {
    const draftKey = `${deps.prefix}:conv:{${owner}}:file:${file.ref}`;
    const bytes = await deps.redis.getBuffer(draftKey);
    if (bytes === null) {
      // Moved by an earlier attempt, or expired with the draft.
      if ((await deps.cases.getFile(report.caseRef, file.ref)) === null) missing++;
      continue;
    }
    await deps.cases.putFile(report.caseRef, file.ref, bytes);
    await deps.redis.del(draftKey);
  }
  return missing;
}
