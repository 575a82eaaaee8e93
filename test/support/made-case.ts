/**
 * Waits for the staff worker (in the program under test) to turn a sent report into a case, and
 * opens it with the staff private key: the case record, the report payload and the report.
 */
import type { Redis } from 'ioredis';
import { reportSchema } from '../../src/flows/intake/report.ts';
import { reportContext, reportPayloadSchema } from '../../src/queue/reports-queue.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import { openJson } from '../../src/staff/seal.ts';

export async function madeCase(redis: Redis, prefix: string, privateKey: string, caseRef: string) {
  const cases = new CaseStore(redis, prefix);
  for (let i = 0; i < 200; i++) {
    const record = await cases.get(caseRef);
    const sealed = await cases.sealed(caseRef);
    if (record && sealed) {
      const payload = reportPayloadSchema.parse(
        openJson(sealed, privateKey, reportContext(caseRef)),
      );
      return { record, payload, report: reportSchema.parse(payload.report), cases };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no case ${caseRef}`);
}
