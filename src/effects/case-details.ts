import type { Translator } from '../bot/i18n.ts';
import { conversationKey, type InboundEvent } from '../bot/types.ts';
import { text, type Effect, type Text } from '../flows/types.ts';
import type { CaseMessagePorts } from './case-message.ts';

/** What details added after a short report touch: the person's message ports and the texts. */
export interface CaseDetailsPorts extends CaseMessagePorts {
  readonly i18n: Pick<Translator, 't'>;
}

/**
 * Adds details given after a short report to the case, as one message from the person in their
 * language. A report the worker has not made into a case yet takes them too (the desk keeps them
 * beside it); a closed or unknown (erased) case is named, as for a case message. A repeated event
 * adds nothing.
 */
export async function caseDetails(
  ports: CaseDetailsPorts,
  event: InboundEvent,
  details: Extract<Effect, { kind: 'case-details' }>,
): Promise<readonly Text[] | undefined> {
  const added = ports.i18n.t(
    details.lang,
    text('intake:details.added', { lines: { lines: details.lines } }),
  );
  if (!(await ports.firstTime(conversationKey(event), event.eventId))) return undefined;
  const result = await ports.desk.personMessage(details.caseRef, added);
  return result === 'ok'
    ? undefined
    : [text(`case:status.${result}`, { caseRef: details.caseRef })];
}
