import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { InboundEvent, Language, OutboundMessage } from '../../bot/types.ts';
import type { ChannelAdapter, EventSink } from '../channel.ts';
import { errorLine, idleLine, inputLineSchema, messageLine, type InputLine } from './protocol.ts';
import type { FileSender } from '../../bot/file-gate.ts';
import { fileInput, handOn, type FileIntake, type PreparedInput } from './file-input.ts';

export interface JsonlOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly defaultUser: string;
  readonly language?: Language;
  readonly files: FileIntake;
  /** Called when the input ends and every line has been handled. */
  readonly onEnd?: () => void;
}

/** Longest input line accepted; longer ones are answered with an error object. */
const MAX_LINE = 30 * 1024 * 1024;

/**
 * The console channel in JSON-lines mode: one JSON object per line in, one per line out, an idle
 * line after all replies to an input line. Input lines are handled strictly one after another.
 */
export class JsonlChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  readonly #o: JsonlOptions;
  #done: Promise<void> | undefined;
  #lines: ReturnType<typeof createInterface> | undefined;
  /** Users whose first event carried the --lang choice already. */
  readonly #languageSent = new Set<string>();

  constructor(options: JsonlOptions) {
    this.#o = options;
  }

  start(sink: EventSink): Promise<void> {
    const lines = createInterface({ input: this.#o.input, crlfDelay: Infinity });
    this.#lines = lines;
    this.#done = (async () => {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        await this.#handleLine(line, sink);
      }
      this.#o.onEnd?.();
    })();
    return Promise.resolve();
  }

  /** Stops reading (a signal may come while stdin is still open); the line in hand finishes. */
  async stop(): Promise<void> {
    this.#lines?.close();
    await this.#done;
  }

  deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    for (const message of messages) this.#write(messageLine(event.userId, message));
    return Promise.resolve();
  }

  async #handleLine(line: string, sink: EventSink): Promise<void> {
    try {
      if (line.length > MAX_LINE) {
        this.#write(errorLine('too-long', `an input line may have at most ${MAX_LINE} characters`));
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        this.#write(errorLine('invalid-json', 'the line is not valid JSON'));
        return;
      }
      const parsed = inputLineSchema.safeParse(json);
      if (!parsed.success) {
        this.#write(
          errorLine(
            'invalid-line',
            parsed.error.issues
              .map((i) => `${i.path.join('.') || 'line'}: ${i.message}`)
              .join('; '),
          ),
        );
        return;
      }
      const user = parsed.data.user ?? this.#o.defaultUser;
      // --lang sets each user's language once; a later language command may change it.
      const language = this.#languageSent.has(user) ? undefined : this.#o.language;
      this.#languageSent.add(user);
      const base = {
        platform: 'console',
        userId: user,
        chatId: user,
        eventId: randomUUID(),
        ...(language ? { language, languageHint: language } : {}),
      } as const;
      const prepared = await this.#toInput(parsed.data, base, sink);
      await handOn(sink, prepared, (input): InboundEvent => ({ ...base, input }));
    } catch (error) {
      this.#write(errorLine('internal', error instanceof Error ? error.name : 'error'));
    } finally {
      this.#write(idleLine());
    }
  }

  async #toInput(
    line: InputLine,
    sender: FileSender,
    sink: EventSink,
  ): Promise<PreparedInput | undefined> {
    if (line.text !== undefined) return { input: { kind: 'text', text: line.text } };
    if (line.choice !== undefined) return { input: { kind: 'choice', id: line.choice } };
    if (line.choices !== undefined) return { input: { kind: 'choices', ids: line.choices } };
    if (line.command !== undefined) return { input: { kind: 'command', command: line.command } };
    if (line.file !== undefined) {
      const { name, mime, data } = line.file;
      const bytes = Buffer.from(data, 'base64');
      return fileInput(this.#o.files, sink, sender, { name, mime, bytes });
    }
    throw new Error('unreachable: schema demands one input');
  }

  #write(line: string): void {
    this.#o.output.write(`${line}\n`);
  }
}
