/**
 * Preloaded into the real program (`node --import`) by the crash tests: kills the process with
 * SIGKILL at one point of its work, like a power cut, without a test hook in the program.
 *
 * A person's input, in the engine (only the first fresh input of the process counts, so that the
 * restarted process can finish what the killed one left before it is killed again at the next):
 *
 *   LOTSE_CRASH_AT=received  right after a person's input is queued in Redis (BEGIN has answered)
 *   LOTSE_CRASH_AT=saved     right after the answer is saved (COMMIT has answered), before any reply
 *
 * A message from staff, in the outbound worker (the first staff reply or reminder of the process):
 *
 *   LOTSE_CRASH_AT=outbound-taken   the worker has taken the job, nothing has gone out
 *   LOTSE_CRASH_AT=outbound-sent    the message went out, the job is not yet marked as sent
 *   LOTSE_CRASH_AT=outbound-marked  marked as sent, the conversation not yet told (case-opened)
 *   LOTSE_CRASH_AT=outbound-done    all done, the queue not yet told the job is complete
 */
import { Job } from 'bullmq';
import { OutboundRouter } from '../../src/adapters/channel.ts';
import { RedisConversationStore } from '../../src/infra/redis/conversation-store.ts';

const point = process.env['LOTSE_CRASH_AT'];
const proto = RedisConversationStore.prototype;
const begin = Reflect.get(proto, 'begin');
const commit = Reflect.get(proto, 'commit');
let armed = false;
let fired = false;

/** The kind of input of a queued event (JSON), if it has one. */
const inputKind = (event: string | undefined): unknown => {
  try {
    return (JSON.parse(event ?? 'null') as { input?: { kind?: unknown } } | null)?.input?.kind;
  } catch {
    return undefined;
  }
};

const crash = (): never => {
  fired = true;
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: killed');
};

proto.begin = async function (this: RedisConversationStore, key, eventId, event, options) {
  if (point === 'outbound-marked' && !fired && inputKind(event) === 'case-opened') crash();
  const result = await begin.call(this, key, eventId, event, options);
  if (event === undefined || fired || result.kind === 'duplicate') return result;
  if (point === 'received') crash();
  armed = true;
  return result;
};

proto.commit = async function (this: RedisConversationStore, ...args) {
  const result = await commit.apply(this, args);
  if (point === 'saved' && armed && !fired && result.kind !== 'lost') crash();
  return result;
};

const deliver = Reflect.get(OutboundRouter.prototype, 'deliver');
OutboundRouter.prototype.deliver = async function (this: OutboundRouter, event, messages) {
  const outbound = event.eventId.startsWith('outbound:') && !fired;
  if (outbound && point === 'outbound-taken') crash();
  await deliver.call(this, event, messages);
  if (outbound && point === 'outbound-sent') crash();
};

const complete = Reflect.get(Job.prototype, 'moveToCompleted');
Job.prototype.moveToCompleted = function (this: Job, ...args: unknown[]) {
  if (point === 'outbound-done' && !fired && this.queueName.startsWith('outbound')) crash();
  return Reflect.apply(complete, this, args) as never;
};
