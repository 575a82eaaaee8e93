import type { Logger } from '../bot/logger.ts';
import { conversationKey, type InboundEvent } from '../bot/types.ts';
import type { ReplyAddress } from '../queue/reports-queue.ts';
import type { PersonErasure } from '../staff/desk.ts';

/** What "delete my data" reaches: the files, the conversation's traces, the reports and cases. */
export interface EraseMyDataPorts {
  readonly files: { eraseAll(owner: string): Promise<number> };
  /** Erases the markers a conversation leaves besides its session and files. */
  readonly traces: (conversationKey: string) => Promise<number>;
  readonly desk: { erasePerson(address: ReplyAddress, conv: string): Promise<PersonErasure> };
  /** The conversation's id in the case store (CaseStore.convId). */
  readonly convId: (conversationKey: string) => string;
  readonly logger: Logger;
}

/**
 * The person's "delete my data": their files in flight, the traces of their conversation, and
 * through the desk their reports, closed cases and waiting messages (open cases go to staff). The
 * session itself is dropped by the engine. Safe to run twice: what is gone stays gone.
 */
export async function eraseMyData(ports: EraseMyDataPorts, event: InboundEvent): Promise<void> {
  const key = conversationKey(event);
  const { platform, userId, chatId } = event;
  const files = await ports.files.eraseAll(key);
  await ports.traces(key);
  const erased = await ports.desk.erasePerson({ platform, userId, chatId }, ports.convId(key));
  ports.logger.info({ module: 'erase', files, ...erased }, 'erased a conversation on request');
}
