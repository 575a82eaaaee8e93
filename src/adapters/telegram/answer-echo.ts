import type { Api } from 'grammy';
import type { MaybeInaccessibleMessage, MessageEntity } from 'grammy/types';
import type { Logger } from '../../bot/logger.ts';
import { NO_KEYBOARD } from './keyboard.ts';
import { MAX_MESSAGE_CHARS } from './text-split.ts';

/** The line that shows the chosen options under a question: "→ Yes". */
export const chosenLine = (labels: readonly string[]): string | undefined =>
  labels.length === 0 ? undefined : `→ ${labels.join(', ')}`;

/**
 * Adds a line in bold under a message with buttons – the option that was tapped ("→ Yes"), the
 * staff member who claimed a case – and takes the buttons away, so that the chat reads like a
 * record. The message's own text and formatting come with the tap; nothing is stored for this.
 * Where the text is out of reach (too old, too long), only the buttons go. Failures are logged:
 * the tap counts all the same.
 */
export async function echoAnswer(
  api: Api,
  message: MaybeInaccessibleMessage,
  line: string | undefined,
  logger: Logger,
): Promise<void> {
  const chatId = message.chat.id;
  try {
    const text = 'text' in message ? message.text : undefined;
    if (text !== undefined && line !== undefined) {
      const full = `${text}\n\n${line}`;
      if (full.length <= MAX_MESSAGE_CHARS) {
        const own: MessageEntity[] = 'entities' in message ? (message.entities ?? []) : [];
        const bold: MessageEntity = { type: 'bold', offset: text.length + 2, length: line.length };
        await api.editMessageText(chatId, message.message_id, full, {
          entities: [...own, bold],
          reply_markup: NO_KEYBOARD,
          link_preview_options: { is_disabled: true },
        });
        return;
      }
    }
    await api.editMessageReplyMarkup(chatId, message.message_id, { reply_markup: NO_KEYBOARD });
  } catch (error) {
    logger.debug({ err: error }, 'could not mark the answered question');
  }
}

/** Takes the buttons off a message (a question answered by typing, or a stale button). */
export async function removeKeyboard(
  api: Api,
  chatId: number | string,
  messageId: number,
  logger: Logger,
): Promise<void> {
  try {
    await api.editMessageReplyMarkup(chatId, messageId, { reply_markup: NO_KEYBOARD });
  } catch (error) {
    logger.debug({ err: error }, 'could not remove an old keyboard');
  }
}
