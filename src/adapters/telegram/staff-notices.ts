import type { Api } from 'grammy';
import type { Translator } from '../../bot/i18n.ts';
import type { Language } from '../../bot/types.ts';
import { text, type Text } from '../../flows/types.ts';
import type { CaseNotice, StaffChannel } from '../../queue/staff-ports.ts';
import { claimData } from './callback-data.ts';

/**
 * Case notices in the Telegram staff group. A Telegram group is not end-to-end encrypted, so a
 * notice says only what the port allows – reference, urgency, categories, Land, status – and points
 * to the staff tool for everything else. New and unclaimed cases carry a Claim button.
 */
export class TelegramStaffNotices implements StaffChannel {
  readonly name = 'telegram';
  readonly #api: Api;
  readonly #chatId: string;
  readonly #i18n: Translator;
  readonly #lang: Language;

  constructor(api: Api, chatId: string, i18n: Translator, lang: Language) {
    this.#api = api;
    this.#chatId = chatId;
    this.#i18n = i18n;
    this.#lang = lang;
  }

  async notify(notice: CaseNotice): Promise<void> {
    const claimable =
      notice.status === 'new' && (notice.kind === 'new' || notice.kind === 'unclaimed');
    await this.#api.sendMessage(this.#chatId, this.render(notice), {
      link_preview_options: { is_disabled: true },
      ...(claimable
        ? {
            reply_markup: {
              inline_keyboard: [
                [
                  {
                    text: this.#t(text('telegram:staff.claimButton')),
                    callback_data: claimData(notice.caseRef),
                  },
                ],
              ],
            },
          }
        : {}),
    });
  }

  /** The notice's text in the staff language. */
  render(notice: CaseNotice): string {
    const lines: string[] = [];
    const head = this.#t(text(`telegram:staff.notice.${notice.kind}`, { caseRef: notice.caseRef }));
    lines.push(notice.urgent ? `${this.#t(text('telegram:staff.urgent'))} · ${head}` : head);
    if (notice.kind === 'new' || notice.kind === 'unclaimed') {
      const kinds = notice.kinds.map((id) => this.#label(`intake:kinds.options.${id}`, id));
      const state = this.#label(`intake:state.options.${notice.state}`, notice.state);
      lines.push(this.#t(text('telegram:staff.details', { kinds: kinds.join(', '), state })));
    }
    if (notice.assignee !== undefined)
      lines.push(this.#t(text('telegram:staff.assignee', { assignee: notice.assignee })));
    lines.push(this.#t(text('telegram:staff.where', { caseRef: notice.caseRef })));
    return lines.join('\n');
  }

  #t(value: Text): string {
    return this.#i18n.t(this.#lang, value);
  }

  /** A category's or Land's name; the code itself when the locales do not know it. */
  #label(key: string, fallback: string): string {
    return this.#i18n.has(this.#lang, key) ? this.#t(text(key)) : fallback;
  }
}
