import type { Api } from 'grammy';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Language } from '../../bot/types.ts';
import { text } from '../../flows/types.ts';
import type { MessageLog } from './message-log.ts';
import type { QuestionState } from './question-state.ts';
import type { TelegramSender } from './sender.ts';

/**
 * Bots may delete messages in a private chat – their own and the person's – for 48 hours after
 * they were sent (Bot API, deleteMessage). A few minutes of margin for clocks and slow calls.
 */
export const DELETABLE_SECONDS = 48 * 3600 - 300;

export interface WipeResult {
  readonly deleted: number;
  /** Too old for a bot to delete. */
  readonly old: number;
  /** Telegram refused (already deleted by the person, or gone). */
  readonly failed: number;
}

export interface ChatWipeDeps {
  readonly api: Api;
  readonly messages: MessageLog;
  readonly questions: QuestionState;
  readonly sender: TelegramSender;
  readonly i18n: Translator;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/**
 * Deletes the messages of a private chat that Lotse logged, on the person's request, and explains
 * in their language what is left (older messages, copies outside the chat, the stored
 * conversation). The conversation itself is not touched: `/loeschen` erases that.
 */
export async function wipeChat(
  deps: ChatWipeDeps,
  chatId: string,
  lang: Language,
): Promise<WipeResult> {
  const now = Math.floor((deps.clock?.() ?? new Date()).getTime() / 1000);
  const logged = await deps.messages.takeAll(chatId);
  await deps.questions.set(chatId, undefined);
  let deleted = 0;
  let old = 0;
  let failed = 0;
  // Newest first: if the person watches, the question on screen goes first.
  for (const message of [...logged].reverse()) {
    if (now - message.at > DELETABLE_SECONDS) {
      old++;
      continue;
    }
    try {
      await deps.api.deleteMessage(chatId, message.messageId);
      deleted++;
    } catch (error) {
      failed++;
      deps.logger.debug({ err: error }, 'could not delete a message');
    }
  }
  const t = (key: string, count: number) => deps.i18n.t(lang, text(key, { count }));
  const lines = [t('telegram:wipe.done', deleted)];
  if (old > 0) lines.push(t('telegram:wipe.old', old));
  if (failed > 0) lines.push(t('telegram:wipe.failed', failed));
  lines.push(deps.i18n.t(lang, text('telegram:wipe.remains')));
  await deps.sender.notice(chatId, lines.join('\n\n'));
  deps.logger.info({ deleted, old, failed }, 'chat wiped on request');
  return { deleted, old, failed };
}
