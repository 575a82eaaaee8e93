import type { Translator } from '../bot/i18n.ts';
import { conversationKey, type InboundEvent } from '../bot/types.ts';
import { text, type Effect, type ReportDetails, type Text } from '../flows/types.ts';
import type { CaseMessagePorts } from './case-message.ts';

/** What details added after a short report touch: the desk, the effect marks and the texts. */
export interface CaseDetailsPorts {
  readonly firstTime: CaseMessagePorts['firstTime'];
  readonly desk: {
    personDetails(
      caseRef: string,
      details: ReportDetails,
      text: string,
    ): Promise<'ok' | 'unknown' | 'closed'>;
  };
  readonly i18n: Pick<Translator, 't'>;
}

/**
 * Adds details given after a short report to the case: the case takes them in their place (its
 * record, the statistics, the document) and their lines as one message from the person in their
 * language. A report the worker has not made into a case yet takes them too (the desk keeps them
 * beside it); a closed or unknown (erased) case is named, as for a case message. A repeated event
 * adds nothing.
 */
export async function caseDetails(
  ports: CaseDetailsPorts,
  event: InboundEvent,
  details: Extract<Effect, { kind: 'case-details' }>,
): Promise<readonly Text[] | undefined> {
  const added =
    details.lines.length === 0
      ? ''
      : ports.i18n.t(
          details.lang,
          text('intake:details.added', { lines: { lines: details.lines } }),
        );
  if (!(await ports.firstTime(conversationKey(event), event.eventId))) return undefined;
  const result = await ports.desk.personDetails(details.caseRef, details.details, added);
  return result === 'ok'
    ? undefined
    : [text(`case:status.${result}`, { caseRef: details.caseRef })];
}
