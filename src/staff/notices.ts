import type { Translator } from '../bot/i18n.ts';
import { printable } from '../bot/printable.ts';
import { text, type Language } from '../flows/types.ts';
import type { CaseNotice, NoticeKind, NoticeRenderer } from './ports.ts';

/**
 * A case notice in the staff language, before a surface formats it: the same labels on every
 * surface (a NoticeRenderer turns it into a Telegram text, a Matrix message, a terminal line).
 */
export interface NoticeView {
  readonly kind: NoticeKind;
  readonly caseRef: string;
  readonly urgent: boolean;
  /** The categories' names; an id the locales do not know stays as it is. */
  readonly kinds: readonly string[];
  /** The Land's name; a code the locales do not know stays as it is. */
  readonly state: string;
  /** The status in words. */
  readonly status: string;
  readonly assignee?: string;
  /** A new or unclaimed case that is still new: staff may claim it from the notice. */
  readonly claimable: boolean;
}

/** The notice's labels in the staff language. */
export function noticeView(notice: CaseNotice, i18n: Translator, lang: Language): NoticeView {
  const label = (key: string, fallback: string) =>
    i18n.has(lang, key) ? i18n.t(lang, text(key)) : fallback;
  return {
    kind: notice.kind,
    caseRef: notice.caseRef,
    urgent: notice.urgent,
    kinds: notice.kinds.map((id) => label(`intake:kinds.options.${id}`, id)),
    state: label(`intake:state.options.${notice.state}`, notice.state),
    status: label(`staff:status.${notice.status}`, notice.status),
    ...(notice.assignee === undefined ? {} : { assignee: notice.assignee }),
    claimable: notice.status === 'new' && (notice.kind === 'new' || notice.kind === 'unclaimed'),
  };
}

/**
 * A notice as one terminal line, for the CLI's feed: codes rather than names, so that a line can be
 * searched and compared. Fields a damaged feed entry lacks stay empty.
 */
export class NoticeLine implements NoticeRenderer<string> {
  readonly #i18n: Translator;
  readonly #lang: Language;

  constructor(i18n: Translator, lang: Language) {
    this.#i18n = i18n;
    this.#lang = lang;
  }

  render(notice: Partial<CaseNotice>): string {
    return printable(
      this.#i18n.t(
        this.#lang,
        text('staff:notice', {
          at: notice.at === undefined ? '' : this.#i18n.time.format(notice.at),
          kind: notice.kind ?? '',
          caseRef: notice.caseRef ?? '',
          urgent: notice.urgent === true ? '!' : '',
          state: notice.state ?? '',
          kinds: (notice.kinds ?? []).join(','),
        }),
      ),
    );
  }
}
