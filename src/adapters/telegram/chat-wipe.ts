import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
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
  const result = await deleteLogged(deps, chatId);
  const lines = wipeLines(deps.i18n, lang, result);
  lines.push(deps.i18n.t(lang, text('telegram:wipe.remains')));
  await deps.sender.notice(chatId, lines.join('\n\n'));
  deps.logger.info({ ...result }, 'chat wiped on request');
  return result;
}

/**
 * "Delete my data" in a Telegram chat: the chat's messages go first (as far as a bot may delete
 * them), then the chat's state – message log, open question, delivery progress – and the last
 * messages are sent without being logged, so that nothing of the chat is left at Lotse. Without
 * the log, a later /loeschen_chat could not find the messages: that is why they go now.
 */
export async function farewellChat(
  deps: ChatWipeDeps & { readonly redis: Redis; readonly prefix: string },
  chatId: string,
  lang: Language,
  texts: readonly string[],
): Promise<WipeResult> {
  const result = await deleteLogged(deps, chatId);
  const progress = `${deps.prefix}:tg:out:${chatId}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await deps.redis.scan(cursor, 'MATCH', progress, 'COUNT', 200);
    cursor = next;
    if (keys.length > 0) await deps.redis.del(...keys);
  } while (cursor !== '0');
  const lines = wipeLines(deps.i18n, lang, result);
  lines.push(deps.i18n.t(lang, text('telegram:wipe.farewell')));
  await deps.sender.unlogged(chatId, [...texts, lines.join('\n\n')]);
  deps.logger.info({ ...result }, 'chat wiped and forgotten after an erase');
  return result;
}

function wipeLines(i18n: Translator, lang: Language, result: WipeResult): string[] {
  const t = (key: string, count: number) => i18n.t(lang, text(key, { count }));
  const lines = [t('telegram:wipe.done', result.deleted)];
  if (result.old > 0) lines.push(t('telegram:wipe.old', result.old));
  if (result.failed > 0) lines.push(t('telegram:wipe.failed', result.failed));
  return lines;
}

/** Takes the chat's message log and open question and deletes what may still be deleted. */
async function deleteLogged(deps: ChatWipeDeps, chatId: string): Promise<WipeResult> {
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
  return { deleted, old, failed };
}
