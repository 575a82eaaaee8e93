/**
 * Preloaded into the real program (`node --import`) by the crash tests: kills the process with
 * SIGKILL at one point of the engine's work, like a power cut, without a test hook in the program.
 *
 *   LOTSE_CRASH_AT=received  right after a person's input is queued in Redis (BEGIN has answered)
 *   LOTSE_CRASH_AT=saved     right after the answer is saved (COMMIT has answered), before any reply
 *
 * Only the first fresh input of the process counts, so that the restarted process can finish what
 * the killed one left before it is killed again at the next input.
 */
import { RedisConversationStore } from '../../src/infra/redis/conversation-store.ts';

const point = process.env['LOTSE_CRASH_AT'];
const proto = RedisConversationStore.prototype;
const begin = Reflect.get(proto, 'begin');
const commit = Reflect.get(proto, 'commit');
let armed = false;
let fired = false;

const crash = (): never => {
  fired = true;
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: killed');
};

proto.begin = async function (this: RedisConversationStore, key, eventId, event, options) {
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
