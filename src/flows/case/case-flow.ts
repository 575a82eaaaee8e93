import { z } from 'zod';
import { defineFlow } from '../define.ts';
import { text, type Option, type Text } from '../types.ts';

const k = (key: string, params?: Parameters<typeof text>[1]): Text => text(`case:${key}`, params);

const dataSchema = z.object({ caseRef: z.string().max(40).optional() });
type CaseData = z.infer<typeof dataSchema>;

const shortcuts: Option[] = [
  { id: 'status', label: k('chat.status') },
  { id: 'leave', label: k('chat.leave') },
];

/**
 * Writing to the staff about one's case: after a report is sent and whenever a staff reply comes
 * in. Each message is sealed and added to the case; "status" tells where the case stands.
 */
export const caseFlow = defineFlow<CaseData>({
  id: 'case',
  initialData: () => ({}),
  parseData: (raw) => {
    const parsed = dataSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  },
  start: () => 'chat',
  steps: {
    chat: {
      view: ({ data, cases }) => {
        const caseRef = data.caseRef ?? cases.at(-1);
        return caseRef === undefined
          ? {
              say: [k('status.none')],
              input: { kind: 'choice', options: [shortcuts[1] as Option] },
            }
          : {
              say: [k('chat.prompt', { caseRef })],
              input: { kind: 'text', min: 1, max: 3000, shortcuts },
            };
      },
      onAnswer: (answer, { data, cases }) => {
        const caseRef = data.caseRef ?? cases.at(-1);
        if (answer.kind === 'choice' && answer.id === 'leave') return { type: 'return' };
        if (caseRef === undefined) return { type: 'return' };
        if (answer.kind === 'choice' && answer.id === 'status') {
          return { type: 'goto', step: 'chat', effects: [{ kind: 'case-status', caseRef }] };
        }
        if (answer.kind !== 'text') return { type: 'invalid', hint: k('chat.textOnly') };
        // The runner answers: sent, or why not (a closed case …).
        return {
          type: 'goto',
          step: 'chat',
          effects: [{ kind: 'case-message', caseRef, text: answer.text }],
        };
      },
    },
  },
});
