import { defineFlow, FlowRegistry, type AnyFlow } from '../../src/flows/define.ts';
import { text } from '../../src/flows/types.ts';
import { createFlowRegistry } from '../../src/flows/index.ts';
import { SESSION_VERSION, sessionSchema, type Frame, type Session } from '../../src/bot/session.ts';

/**
 * The flows the app registers (src/flows/index.ts) plus flows of a test, e.g. a small text step or a
 * step that throws. The real flows win on an id clash.
 */
export function registryWith(...extra: AnyFlow[]): FlowRegistry {
  const real = createFlowRegistry();
  return new (class extends FlowRegistry {
    override get(id: string) {
      return real.get(id) ?? super.get(id);
    }
    override require(id: string) {
      return real.get(id) ?? super.require(id);
    }
  })(extra);
}

/** A stack frame. */
export const frame = (flow: string, step: string, history: string[] = []): Frame => ({
  flow,
  step,
  history,
});

/**
 * A valid stored session at the given stack (German, no data, last touched 2026-03-10), with the
 * schema's defaults filled in.
 */
export const sessionAt = (stack: Frame[], extra: Partial<Session> = {}): Session =>
  sessionSchema.parse({
    v: SESSION_VERSION,
    lang: 'de',
    stack,
    data: {},
    createdAt: '2026-03-10T08:00:00.000Z',
    updatedAt: '2026-03-10T08:00:00.000Z',
    ...extra,
  });

/** A text step that remembers every answer in order and asks again; `onEach` sees every attempt. */
export const echo = (id: string, onEach: () => void = () => undefined) =>
  defineFlow<{ seen: string[] }>({
    id,
    initialData: () => ({ seen: [] }),
    parseData: (raw) => {
      const seen = (raw as { seen?: unknown } | null)?.seen;
      return Array.isArray(seen) ? { seen: seen.map(String) } : undefined;
    },
    start: () => 'listen',
    steps: {
      listen: {
        view: () => ({ say: [text('common:nav.menu')], input: { kind: 'text', min: 1, max: 100 } }),
        onAnswer: (answer, ctx) => {
          onEach();
          return answer.kind === 'text'
            ? { type: 'goto', step: 'listen', data: { seen: [...ctx.data.seen, answer.text] } }
            : { type: 'invalid', hint: text('common:invalid.expectedText') };
        },
      },
    },
  });
