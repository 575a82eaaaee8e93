/**
 * A complete German incident report as console JSON-lines input, and a way to walk a script:
 * shared by the end-to-end tests of the intake and of the staff round trip.
 */
import { questionOf, type JsonlProcess, type MessageLine } from './jsonl-process.ts';

/** The marker in the description: no readable copy of it may stay in Redis after submission. */
export const MARKER = 'MARKER-4711';

/** From /start to the summary of an online threat in Bavaria, with one file, reminder wanted. */
export const GERMAN_INTAKE: readonly object[] = [
  { command: 'start' },
  { choice: 'report' },
  { choice: 'no' },
  { choice: 'agree' },
  { text: '1' },
  { choices: ['threat', 'hateOnline'] },
  { choice: 'online' },
  { text: 'Instagram' },
  { text: 'https://instagram.com/p/abc' },
  { text: 'gestern' },
  { text: 'Bayern' },
  { choice: 'skip' },
  { text: `Drohung unter meinem Beitrag. ${MARKER}` },
  {
    file: {
      name: 'shot.png',
      mime: 'image/png',
      data: Buffer.from(`png bytes ${MARKER}`).toString('base64'),
    },
  },
  { text: 'Fertig' },
  { choice: 'known' },
  { choice: 'no' },
  { choice: 'no' },
  { text: '2' },
  { choice: 'chat' },
  { choice: 'remind' },
];

/** The whole intake, the submission, two messages to the case and a status question. */
export const INTAKE_AND_CASE_CHAT: readonly object[] = [
  ...GERMAN_INTAKE,
  { choice: 'send' },
  { text: 'Noch ein Hinweis zum Fall.' },
  { text: '/status' },
  { text: 'Und ein zweiter Hinweis.' },
];

/** Sends each line in turn and returns the last question. */
export async function walk(bot: JsonlProcess, lines: readonly object[]): Promise<MessageLine> {
  let last: MessageLine | undefined;
  for (const line of lines) last = questionOf(await bot.send(line));
  if (last === undefined) throw new Error('no lines');
  return last;
}

/** Waits until a message line matching `test` appears in the process's output (e.g. a staff reply). */
export async function waitForMessage(
  bot: JsonlProcess,
  test: (line: MessageLine) => boolean,
  timeoutMs = 15_000,
): Promise<MessageLine> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = bot.output.find((l): l is MessageLine => l.type === 'message' && test(l));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no matching message within ${timeoutMs} ms; stderr: ${bot.stderr.slice(-500)}`);
}
