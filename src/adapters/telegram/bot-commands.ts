import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import type { CommandName, Language } from '../../bot/types.ts';

/** What a slash command in a private chat does. */
export type ChatCommand =
  | { readonly kind: 'engine'; readonly command: CommandName }
  /** Delete Lotse's messages (and the person's) from this chat. */
  | { readonly kind: 'wipe' };

type Action = CommandName | 'wipe';

/**
 * The command menu per language, in menu order. Telegram command names are lower-case Latin
 * letters, digits and underscores; the engine knows the same words typed as text. The help text
 * lists the same commands (`common:help.commands.telegram`, checked by test/locales.test.ts).
 */
export const COMMAND_MENU: Readonly<Record<Language, readonly (readonly [string, Action])[]>> = {
  de: [
    ['start', 'start'],
    ['menue', 'menu'],
    ['zurueck', 'back'],
    ['abbrechen', 'cancel'],
    ['hilfe', 'help'],
    ['sprache', 'language'],
    ['status', 'status'],
    ['loeschen', 'delete'],
    ['loeschen_chat', 'wipe'],
  ],
  en: [
    ['start', 'start'],
    ['menu', 'menu'],
    ['back', 'back'],
    ['cancel', 'cancel'],
    ['help', 'help'],
    ['language', 'language'],
    ['status', 'status'],
    ['delete', 'delete'],
    ['wipe', 'wipe'],
  ],
};

const BY_NAME = new Map<string, Action>(Object.values(COMMAND_MENU).flat());
// Spellings people type that the menu does not show.
for (const [name, action] of [
  ['menu', 'menu'],
  ['chat_loeschen', 'wipe'],
  ['delete_chat', 'wipe'],
] as const)
  BY_NAME.set(name, action);

/**
 * The command of a message like `/hilfe`, `/start@LotseBot payload` or `/loeschen_chat`; undefined
 * for anything else (an unknown command goes to the engine as text, which explains it).
 */
export function chatCommandOf(text: string): ChatCommand | undefined {
  const match = /^\/([a-z0-9_]{1,32})(?:@\w+)?(?:\s|$)/i.exec(text.trim());
  const action = match?.[1] === undefined ? undefined : BY_NAME.get(match[1].toLowerCase());
  if (action === undefined) return undefined;
  return action === 'wipe' ? { kind: 'wipe' } : { kind: 'engine', command: action };
}

/** The menu as Telegram takes it, with descriptions in the language. */
export function commandList(lang: Language, i18n: Translator): BotCommand[] {
  return COMMAND_MENU[lang].map(([command, action]) => ({
    command,
    description: i18n.t(lang, { key: `telegram:commands.${action}` }),
  }));
}

/**
 * Registers the command menus of private chats: German and English by the person's Telegram
 * language, and the default language for everyone else. A failure is logged, not fatal: the
 * commands work typed all the same.
 */
export async function registerCommands(
  api: Api,
  i18n: Translator,
  defaultLanguage: Language,
  logger: Logger,
): Promise<void> {
  const scope = { type: 'all_private_chats' } as const;
  try {
    await api.setMyCommands(commandList(defaultLanguage, i18n), { scope });
    for (const lang of ['de', 'en'] as const)
      await api.setMyCommands(commandList(lang, i18n), { scope, language_code: lang });
  } catch (error) {
    logger.warn({ err: error }, 'could not register the command menus');
  }
}
