import type { Language } from '../flows/types.ts';
import type { Reply } from './conversation.ts';
import type { Translator } from './i18n.ts';
import type { OutboundMessage } from './types.ts';

/** Turns the core's replies into neutral messages in the person's language. */
export function render(
  replies: readonly Reply[],
  lang: Language,
  i18n: Translator,
): OutboundMessage[] {
  return replies.map((reply) => ({
    ...one(reply, lang, i18n),
    lang,
    ...(reply.caseRef === undefined ? {} : { caseRef: reply.caseRef }),
  }));
}

function one(reply: Reply, lang: Language, i18n: Translator): OutboundMessage {
  {
    const body = reply.texts.map((t) => i18n.t(lang, t)).join('\n\n');
    const input = reply.input;
    switch (input.kind) {
      case 'choice':
      case 'multi':
      case 'confirm':
        return {
          text: body,
          expects: {
            kind: input.kind,
            options: input.options.map((o) => ({ id: o.id, label: i18n.t(lang, o.label) })),
          },
        };
      case 'none':
        return { text: body, expects: { kind: input.kind } };
      default: {
        const shortcuts = input.shortcuts?.map((o) => ({ id: o.id, label: i18n.t(lang, o.label) }));
        return {
          text: body,
          expects: shortcuts ? { kind: input.kind, options: shortcuts } : { kind: input.kind },
        };
      }
    }
  }
}
