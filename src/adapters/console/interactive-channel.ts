import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { InboundEvent, InboundInput, Language, OutboundMessage } from '../../bot/types.ts';
import type { ChannelAdapter, EventSink } from '../channel.ts';
import type { FileSender } from '../../bot/file-gate.ts';
import { fileInput, handOn, type FileIntake, type PreparedInput } from './file-input.ts';

export interface InteractiveOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly user: string;
  readonly language?: Language;
  readonly files: FileIntake;
  readonly onEnd?: () => void;
}

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.heic': 'image/heic',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.eml': 'message/rfc822',
};

/**
 * The console channel for people: messages as text, choices as numbered lines; type a number, the
 * words, or a command (/menu, /hilfe …). `/file PATH` attaches a file from disk.
 */
export class InteractiveChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  readonly #o: InteractiveOptions;
  #rl: Interface | undefined;
  #languageSent = false;
  #done: Promise<void> | undefined;

  constructor(options: InteractiveOptions) {
    this.#o = options;
  }

  start(sink: EventSink): Promise<void> {
    const rl = createInterface({ input: this.#o.input, output: this.#o.output, terminal: false });
    this.#rl = rl;
    // Take the iterator now: lines that arrive while the greeting is handled must not be lost.
    const lines = rl[Symbol.asyncIterator]();
    this.#done = (async () => {
      await sink.handle(this.#event({ kind: 'hello' }));
      this.#prompt();
      for await (const line of { [Symbol.asyncIterator]: () => lines }) {
        const base = this.#base();
        await handOn(sink, await this.#toInput(line, base, sink), (input) => ({ ...base, input }));
        this.#prompt();
      }
      this.#o.onEnd?.();
    })();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#rl?.close();
    await this.#done;
  }

  deliver(_event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    for (const message of messages) {
      const lines = [message.text];
      if ('options' in message.expects && message.expects.options) {
        message.expects.options.forEach((o, i) => lines.push(`  ${i + 1}) ${o.label}`));
      }
      if (message.caseRef !== undefined) lines.push(`  [${message.caseRef}]`);
      this.#o.output.write(`\n${lines.join('\n')}\n`);
    }
    return Promise.resolve();
  }

  async #toInput(
    line: string,
    sender: FileSender,
    sink: EventSink,
  ): Promise<PreparedInput | undefined> {
    const file = /^\/(?:file|datei)\s+(.+)$/.exec(line.trim());
    if (file?.[1] === undefined) return { input: { kind: 'text', text: line } };
    const path = file[1];
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return { input: { kind: 'files', files: [], rejected: ['empty'] } };
    }
    const mime = MIME_BY_EXT[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return fileInput(this.#o.files, sink, sender, { name: path, mime, bytes });
  }

  #event(input: InboundInput): InboundEvent {
    return { ...this.#base(), input };
  }

  /** The fields of the next event, input aside. */
  #base(): Omit<InboundEvent, 'input'> {
    // --lang sets the language once, at the start; /sprache may change it afterwards.
    const language = this.#languageSent ? undefined : this.#o.language;
    this.#languageSent = true;
    return {
      platform: 'console',
      userId: this.#o.user,
      chatId: this.#o.user,
      eventId: randomUUID(),
      ...(language ? { language, languageHint: language } : {}),
    };
  }

  #prompt(): void {
    this.#o.output.write('> ');
  }
}
