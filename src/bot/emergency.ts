import { foldForMatch } from '../flows/text-input.ts';

/** Words that mean "I am in danger now", folded (lower case, no accents). */
const WORDS = new Set([
  'notfall',
  'notfalle',
  'notruf',
  'gefahr',
  'lebensgefahr',
  'akute gefahr',
  'in gefahr',
  'bedroht mich',
  'emergency',
  'danger',
  'in danger',
  'sos',
]);

/** How a message relates to an emergency. */
export type EmergencySignal = 'none' | 'only' | 'within';

/**
 * Finds emergency words in typed text. `only` when the message is little more than the word
 * (then the help is all the answer), `within` when it stands inside a longer answer.
 */
export function emergencySignal(typed: string): EmergencySignal {
  const words = foldForMatch(typed)
    .split(' ')
    .filter((w) => w !== '');
  if (words.length === 0) return 'none';
  const found = words.some((w, i) => WORDS.has(w) || WORDS.has(`${w} ${words[i + 1] ?? ''}`));
  if (!found) return 'none';
  return words.length <= 4 ? 'only' : 'within';
}
