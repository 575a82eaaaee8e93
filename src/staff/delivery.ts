import { z } from 'zod';
import type { CaseStore } from './case-store.ts';
import { sealJson } from './seal.ts';

/**
 * What became of a staff reply on its way to the person: queued when staff sent it, then sent once
 * the person's channel took it, or undeliverable when the outbound worker gave up (with what the
 * channel said). Kept beside the case's messages, sealed as they are: the reason may name a chat.
 */
export const DELIVERY_STATES = ['queued', 'sent', 'undeliverable'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const deliverySchema = z.object({
  status: z.enum(DELIVERY_STATES),
  at: z.string(),
  /** Undeliverable only: what the channel answered at the last attempt. */
  reason: z.string().optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** The context a reply's delivery status is sealed to. */
export const deliveryContext = (caseRef: string, messageId: string): string =>
  `delivery:${caseRef}:${messageId}`;

/** The longest reason kept: the channel's answer, not a log. */
const REASON_LIMIT = 300;

/** A channel's error message as a reason staff may read: printable, one line, not too long. */
export function deliveryReason(message: string): string {
  // Controls and bidi overrides could garble the page it is shown on.
  const clean = message
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > REASON_LIMIT ? `${clean.slice(0, REASON_LIMIT - 1)}…` : clean;
}

/**
 * Records what became of a reply. A status other than `queued` is recorded only for a reply whose
 * queuing was recorded (a deadline reminder has none), and never for a case erased meanwhile.
 */
export async function recordDelivery(
  cases: Pick<CaseStore, 'setDelivery'>,
  publicKey: string,
  caseRef: string,
  messageId: string,
  delivery: Delivery,
): Promise<boolean> {
  const sealed = sealJson(
    deliverySchema.parse(delivery),
    publicKey,
    deliveryContext(caseRef, messageId),
  );
  return cases.setDelivery(caseRef, messageId, sealed, delivery.status === 'queued');
}
