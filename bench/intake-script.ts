/**
 * The full intake one virtual person walks, step by step, in both systems: start, the menu, every
 * question of an online threat (a date, several kinds, free text), the summary and sending. Lotse
 * gets its platform-neutral inputs; the alternative gets what a Telegram client would send
 * (a tap on a button is a callback query, anything typed a text message).
 */
import type { InboundInput } from '../src/bot/types.ts';

/** What a Telegram client sends for one step of the alternative. */
export type TelegramMove =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'tap'; readonly data: string }
  | { readonly kind: 'type'; readonly text: string };

export interface ScriptStep {
  /** What the step answers, for the tables. */
  readonly name: string;
  readonly lotse: InboundInput;
  readonly telegram: TelegramMove;
}

const tap = (name: string, id: string): ScriptStep => ({
  name,
  lotse: { kind: 'choice', id },
  telegram: { kind: 'tap', data: id },
});
const type = (name: string, text: string): ScriptStep => ({
  name,
  lotse: { kind: 'text', text },
  telegram: { kind: 'type', text },
});

/** 21 steps from /start to the confirmation with the case reference. */
export const INTAKE: readonly ScriptStep[] = [
  {
    name: 'start',
    lotse: { kind: 'command', command: 'start' },
    telegram: { kind: 'command', command: 'start' },
  },
  tap('menu', 'report'),
  tap('danger', 'no'),
  tap('consent', 'agree'),
  { name: 'role', lotse: { kind: 'text', text: '1' }, telegram: { kind: 'tap', data: 'mayor' } },
  {
    name: 'kinds',
    lotse: { kind: 'choices', ids: ['threat', 'hateOnline'] },
    telegram: { kind: 'type', text: '1, 3' },
  },
  tap('channel', 'online'),
  type('platform', 'Instagram'),
  type('link', 'https://instagram.com/p/abc'),
  type('when', 'gestern'),
  type('state', 'Bayern'),
  tap('municipality', 'skip'),
  type('description', 'Drohung unter meinem Beitrag: „Wir wissen, wo du wohnst.“'),
  type('evidence', 'Fertig'),
  tap('perpetrator', 'known'),
  tap('police', 'no'),
  tap('family', 'no'),
  type('help', '2'),
  tap('contact', 'chat'),
  tap('deadline', 'remind'),
  tap('summary', 'send'),
];
