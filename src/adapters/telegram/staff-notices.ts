import type { Api } from 'grammy';
import type { Translator } from '../../bot/i18n.ts';
import type { Language } from '../../bot/types.ts';
import { text, type Text } from '../../flows/types.ts';
import { noticeView } from '../../staff/notices.ts';
import type { CaseNotice, NoticeRenderer, StaffChannel } from '../../staff/ports.ts';
import { claimData } from './callback-data.ts';

/**
 * Case notices in the Telegram staff group. A Telegram group is not end-to-end encrypted, so a
 * notice says only what the port allows – reference, urgency, categories, Land, status – and points
 * to the staff tool for everything else. New and unclaimed cases carry a Claim button.
 */
export class TelegramStaffNotices implements StaffChannel, NoticeRenderer<string> {
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
    const claimable = noticeView(notice, this.#i18n, this.#lang).claimable;
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
    const view = noticeView(notice, this.#i18n, this.#lang);
    const lines: string[] = [];
    const head = this.#t(text(`telegram:staff.notice.${view.kind}`, { caseRef: view.caseRef }));
    lines.push(view.urgent ? `${this.#t(text('telegram:staff.urgent'))} · ${head}` : head);
    if (view.kind === 'new' || view.kind === 'unclaimed')
      lines.push(
        this.#t(
          text('telegram:staff.details', { kinds: view.kinds.join(', '), state: view.state }),
        ),
      );
    if (view.assignee !== undefined)
      lines.push(this.#t(text('telegram:staff.assignee', { assignee: view.assignee })));
    lines.push(this.#t(text('telegram:staff.where', { caseRef: view.caseRef })));
    return lines.join('\n');
  }

  #t(value: Text): string {
    return this.#i18n.t(this.#lang, value);
  }
}
