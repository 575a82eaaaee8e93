import type { Job, JobType } from 'bullmq';

/** The states of a job that has not run (or failed and waits): what erasure removes. */
export const PENDING_STATES: JobType[] = ['waiting', 'delayed', 'prioritized', 'failed'];

/** Removes a job unless a worker holds it right now; 1 when removed. */
export async function removeJob(job: Job): Promise<number> {
  try {
    await job.remove();
    return 1;
  } catch (error) {
    // Locked by a worker: it is being handled this moment and checks its case or address first.
    if (error instanceof Error && /locked/.test(error.message)) return 0;
    throw error;
  }
}
