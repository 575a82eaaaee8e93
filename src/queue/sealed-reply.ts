import { UnrecoverableError } from 'bullmq';
import { open, SealError, seal } from '../staff/seal.ts';

/**
 * A staff reply on its way to the person is sealed to the bot public key by whoever writes it
 * (worker, inbox, staff CLI, a staff room) and opened by the bot just before delivery: Redis and
 * its append-only file never hold its text. The same sealed boxes as everything staff read
 * (src/staff/seal.ts), with the bot's key pair instead of the staff's.
 */

/** The context a reply's box is bound to: its case and its job, so it cannot be moved. */
export const replyContext = (caseRef: string, replyId: string): string =>
  `outbound:${caseRef}:${replyId}`;

/** Seals a reply's text to the bot public key. */
export const sealReply = (
  text: string,
  botPublicKey: string,
  caseRef: string,
  replyId: string,
): string => seal(Buffer.from(text, 'utf8'), botPublicKey, replyContext(caseRef, replyId));

/**
 * A sealed reply this bot cannot open: no bot private key, another key, damaged, or moved to
 * another job. Final (BullMQ does not retry it): the reply is undeliverable and staff are told, as
 * when a channel refuses it. Its message is what staff read as the reason; it holds no content.
 */
export class SealedReplyUnreadable extends UnrecoverableError {
  override readonly name = 'SealedReplyUnreadable';
}

/** Opens a reply sealed to the bot key (a keyring `current,older,…` during a rotation). */
export function openReply(
  box: string,
  botPrivateKey: string | undefined,
  caseRef: string,
  replyId: string,
): string {
  if (botPrivateKey === undefined)
    throw new SealedReplyUnreadable(
      'the reply is sealed to a bot key, and this bot holds none (BOT_PRIVATE_KEY_FILE)',
    );
  try {
    return open(box, botPrivateKey, replyContext(caseRef, replyId)).toString('utf8');
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    throw new SealedReplyUnreadable(
      "the reply's sealed box does not open with this bot's key (BOT_PRIVATE_KEY_FILE)",
    );
  }
}
