import { defineFlow } from '../define.ts';
import { text, type Option, type Step } from '../types.ts';

/** Ids of the main menu's options. */
export const MENU = {
  report: 'report',
  rights: 'rights',
  emergency: 'emergency',
  language: 'language',
  delete: 'delete',
  myCase: 'mycase',
} as const;

const opt = (id: string, key: string): Option => ({ id, label: text(key) });
const toMenu: Option = opt('menu', 'common:nav.menu');

type NoData = Record<string, never>;

const main: Step<NoData> = {
  view: ({ cases }) => ({
    say: [text('common:menu.prompt')],
    input: {
      kind: 'choice',
      options: [
        ...(cases.length > 0 ? [opt(MENU.myCase, 'common:menu.myCase')] : []),
        opt(MENU.report, 'common:menu.report'),
        opt(MENU.rights, 'common:menu.rights'),
        opt(MENU.emergency, 'common:menu.emergency'),
        opt(MENU.language, 'common:menu.language'),
        opt(MENU.delete, 'common:menu.delete'),
      ],
    },
  }),
  onAnswer: (answer) => {
    if (answer.kind !== 'choice') return { type: 'invalid', hint: text('common:invalid.choice') };
    switch (answer.id) {
      case MENU.report:
        return { type: 'switch', flow: 'intake' };
      case MENU.rights:
        return { type: 'switch', flow: 'rights' };
      case MENU.emergency:
        return { type: 'goto', step: 'emergency' };
      case MENU.language:
        return { type: 'call', flow: 'language' };
      case MENU.delete:
        return { type: 'call', flow: 'delete' };
      case MENU.myCase:
        return { type: 'call', flow: 'case' };
      default:
        return { type: 'invalid', hint: text('common:invalid.choice') };
    }
  },
};

/** An information page that ends with a way back to the menu. */
const infoPage = (keys: readonly string[]): Step<NoData> => ({
  view: () => ({ say: keys.map((k) => text(k)), input: { kind: 'choice', options: [toMenu] } }),
  onAnswer: () => ({ type: 'end' }),
});

/** The main menu: where every conversation starts and every flow ends. */
export const menuFlow = defineFlow<NoData>({
  id: 'menu',
  initialData: () => ({}),
  parseData: () => ({}),
  start: () => 'main',
  steps: {
    main,
    emergency: infoPage(['common:emergency.text']),
  },
});
