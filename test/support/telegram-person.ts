/**
 * A person in a private Telegram chat with a real Lotse process (node src/main.ts with
 * TELEGRAM_API_ROOT on a BotApiProxy): it writes over the emulator's client HTTP API and reads
 * the bot's messages from the emulator's storage in the test process. The console script's lines
 * (test/support/intake-script.ts) are played as a person does it on Telegram: `{choice}` taps the
 * button, `{choices}` marks each option and taps "done", `{file}` sends a document, `{text}` and
 * `{command}` type.
 *
 * Unlike the in-process harness, nothing tells the test that the process handled an update; the
 * person looks at the chat and at the conversation's keys in Redis (`settled`).
 */
import type { Redis } from 'ioredis';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { MARK } from '../../src/adapters/telegram/keyboard.ts';
import {
  botMessagesOf,
  buttonOption,
  TOKEN,
  type BotMessage,
} from '../adapters/telegram/harness.ts';
import type { BotApiProxy } from './bot-api-proxy.ts';
import { eventually } from './wait.ts';

/** One line of a console script (test/support/intake-script.ts). */
interface ScriptLine {
  readonly command?: string;
  readonly choice?: string;
  readonly choices?: readonly string[];
  readonly text?: string;
  readonly file?: { readonly name: string; readonly mime: string; readonly data: string };
}

export class TelegramPerson {
  readonly userId: number;
  readonly #server: TelegramServer;
  readonly #proxy: BotApiProxy;
  readonly #client;
  #files = 0;

  constructor(server: TelegramServer, proxy: BotApiProxy, userId: number) {
    this.userId = userId;
    this.#server = server;
    this.#proxy = proxy;
    this.#client = server.getClient(TOKEN, {
      userId,
      chatId: userId,
      type: 'private',
      firstName: `User${userId}`,
      userName: `user${userId}`,
    });
  }

  #from(): Record<string, unknown> {
    return {
      id: this.userId,
      is_bot: false,
      first_name: `User${this.userId}`,
      username: `user${this.userId}`,
      language_code: 'de',
    };
  }

  /** The bot's messages in the person's chat, as they stand (edits applied). */
  messages(): Promise<BotMessage[]> {
    return botMessagesOf(this.#server, this.userId);
  }

  /** Types a text (a command when it starts with "/"). */
  async type(text: string): Promise<void> {
    if (text.startsWith('/'))
      await this.#client.sendCommand(this.#client.makeCommand(text, { from: this.#from() }));
    else await this.#client.sendMessage(this.#client.makeMessage(text, { from: this.#from() }));
  }

  /** Taps the button of an option ("done": a multi-choice's send button) on the newest message with it. */
  async tap(optionId: string): Promise<void> {
    const messages = await this.messages();
    const message = [...messages]
      .reverse()
      .find((m) => m.buttons.some((b) => buttonOption(b.data) === optionId));
    const button = message?.buttons.find((b) => buttonOption(b.data) === optionId);
    if (message === undefined || button === undefined)
      throw new Error(
        `no button for ${optionId}; last: ${JSON.stringify(messages.at(-1) ?? null)}`,
      );
    const query = this.#client.makeCallbackQuery(button.data, {
      from: this.#from(),
      message: {
        message_id: message.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.userId, type: 'private' },
        text: message.text,
        reply_markup: message.payload['reply_markup'],
      },
    });
    await this.#client.sendCallback(query);
  }

  /** Sends a document whose bytes the proxy's getFile serves. */
  async sendFile(file: { name: string; mime: string; bytes: Uint8Array }): Promise<void> {
    const id = `${this.userId}-file-${++this.#files}`;
    this.#proxy.files.set(id, file.bytes);
    const message = this.#client.makeMessage(undefined as unknown as string, {
      from: this.#from(),
      document: {
        file_id: id,
        file_unique_id: id,
        file_name: file.name,
        mime_type: file.mime,
        file_size: file.bytes.byteLength,
      },
    }) as Record<string, unknown>;
    delete message['text'];
    await this.#client.sendMessage(message);
  }

  /**
   * Plays one script line. Marking the options of a several-choice question is the adapter's own
   * business (no event for the engine); the person waits until each mark shows before the next.
   */
  async play(line: object): Promise<void> {
    const l = line as ScriptLine;
    if (l.command !== undefined) await this.type(`/${l.command}`);
    else if (l.choice !== undefined) await this.tap(l.choice);
    else if (l.text !== undefined) await this.type(l.text);
    else if (l.file !== undefined)
      await this.sendFile({
        name: l.file.name,
        mime: l.file.mime,
        bytes: Buffer.from(l.file.data, 'base64'),
      });
    else if (l.choices !== undefined) {
      for (const id of l.choices) {
        await this.tap(id);
        const marked = await eventually(
          () => this.messages(),
          (messages) => isMarked(messages, id),
        );
        if (!isMarked(marked, id)) throw new Error(`option ${id} was not marked`);
      }
      await this.tap('done');
    } else throw new Error(`no way to play ${JSON.stringify(line)} on Telegram`);
  }
}

function isMarked(messages: readonly BotMessage[], optionId: string): boolean {
  return messages.some((m) =>
    m.buttons.some((b) => buttonOption(b.data) === optionId && b.text.startsWith(MARK)),
  );
}

/**
 * True when the conversation rests: no event queued, no reply waiting to go out, no lock (a
 * process holds it until its replies are out, and the question's buttons are recorded by then).
 */
export async function settled(
  redis: Redis,
  prefix: string,
  conversation: string,
): Promise<boolean> {
  const base = `${prefix}:conv:{${conversation}}`;
  return (await redis.exists(`${base}:lock`, `${base}:inbox`, `${base}:outbox`)) === 0;
}
