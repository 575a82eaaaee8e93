import { defineFlow } from '../define.ts';
import { LANGUAGES, text } from '../types.ts';

/** Detour: choose the conversation language, then continue where the person was. */
export const languageFlow = defineFlow<Record<string, never>>({
  id: 'language',
  initialData: () => ({}),
  parseData: () => ({}),
  start: () => 'pick',
  steps: {
    pick: {
      view: () => ({
        say: [text('common:language.prompt')],
        input: {
          kind: 'choice',
          options: LANGUAGES.map((lang) => ({
            id: lang,
            label: text(`common:language.name.${lang}`),
          })),
        },
      }),
      onAnswer: (answer) => {
        const lang = LANGUAGES.find((l) => answer.kind === 'choice' && l === answer.id);
        if (lang === undefined) return { type: 'invalid', hint: text('common:invalid.choice') };
        return {
          type: 'return',
          effects: [{ kind: 'set-language', lang }],
          say: [text('common:language.changed')],
        };
      },
    },
  },
});
