import { defineFlow } from '../define.ts';
import { text } from '../types.ts';

/** Detour: erase everything Lotse keeps about this person now, after a confirmation. */
export const deleteFlow = defineFlow<Record<string, never>>({
  id: 'delete',
  initialData: () => ({}),
  parseData: () => ({}),
  start: () => 'confirm',
  steps: {
    confirm: {
      view: () => ({
        say: [text('common:delete.prompt')],
        input: {
          kind: 'confirm',
          options: [
            { id: 'yes', label: text('common:delete.yes') },
            { id: 'no', label: text('common:delete.no') },
          ],
        },
      }),
      onAnswer: (answer) => {
        if (answer.kind !== 'choice')
          return { type: 'invalid', hint: text('common:invalid.choice') };
        return answer.id === 'yes'
          ? { type: 'end', effects: [{ kind: 'erase-my-data' }] }
          : { type: 'return', say: [text('common:delete.kept')] };
      },
    },
  },
});
