import { z } from 'zod';
import { COMMANDS, type OutboundMessage } from '../../bot/types.ts';

const userId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.@:-]+$/, 'letters, digits and . _ @ : - only');

/** One input line of the console JSON-lines protocol (docs/ARCHITECTURE.md). */
export const inputLineSchema = z
  .object({
    user: userId.optional(),
    text: z.string().optional(),
    choice: z.string().max(64).optional(),
    choices: z.array(z.string().max(64)).max(50).optional(),
    file: z
      .object({
        name: z.string().min(1).max(255),
        mime: z.string().min(1).max(255),
        data: z.base64(),
      })
      .optional(),
    command: z.enum(COMMANDS).optional(),
  })
  .refine(
    (line) =>
      [line.text, line.choice, line.choices, line.file, line.command].filter((v) => v !== undefined)
        .length === 1,
    { message: 'exactly one of text, choice, choices, file, command' },
  );

export type InputLine = z.infer<typeof inputLineSchema>;

/** An output line for one message. */
export function messageLine(user: string, message: OutboundMessage): string {
  return JSON.stringify({
    type: 'message',
    user,
    text: message.text,
    // Options are part of the protocol for choice, multi and confirm only; shortcut buttons of other
    // kinds stay out (their ids are documented and accepted as choices all the same).
    expects:
      'options' in message.expects && !['choice', 'multi', 'confirm'].includes(message.expects.kind)
        ? { kind: message.expects.kind }
        : message.expects,
    ...(message.caseRef === undefined ? {} : { case: message.caseRef }),
  });
}

export const idleLine = (): string => JSON.stringify({ type: 'idle' });

/** An output line for an input line that could not be used. */
export const errorLine = (error: string, message: string): string =>
  JSON.stringify({ type: 'error', error, message });
