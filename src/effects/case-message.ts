import { conversationKey, type InboundEvent } from '../bot/types.ts';
import { text, type Text } from '../flows/types.ts';

/** What a person's message to the staff of their case touches. */
export interface CaseMessagePorts {
  /**
   * True the first time an event is seen for this effect, false after: an event handled twice (a
   * lock lost mid-way) must not add the message twice.
   */
  readonly firstTime: (conversationKey: string, eventId: string) => Promise<boolean>;
  readonly desk: {
    personMessage(caseRef: string, text: string): Promise<'ok' | 'unknown' | 'closed'>;
  };
}

/**
 * Hands the person's message to their case; answers with "sent" or the case's state (unknown,
 * closed). A repeated event answers nothing and adds nothing.
 */
export async function caseMessage(
  ports: CaseMessagePorts,
  event: InboundEvent,
  message: { readonly caseRef: string; readonly text: string },
): Promise<readonly Text[] | undefined> {
  if (!(await ports.firstTime(conversationKey(event), event.eventId))) return undefined;
  const result = await ports.desk.personMessage(message.caseRef, message.text);
  return [
    result === 'ok'
      ? text('case:chat.sent')
      : text(`case:status.${result}`, { caseRef: message.caseRef }),
  ];
}
