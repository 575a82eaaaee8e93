import type { Flow } from './types.ts';

/** A flow whose data type is erased, so flows of different data can share one registry. */
export type AnyFlow = Flow;

/**
 * Registers a typed flow. Safe because the core only ever hands a flow data that came out of
 * that flow's own `parseData` or `initialData`.
 */
export function defineFlow<D, S extends string = string>(flow: Flow<D, S>): AnyFlow {
  return flow;
}

/** The flows the core can run, by id. */
export class FlowRegistry {
  readonly #flows = new Map<string, AnyFlow>();

  constructor(flows: readonly AnyFlow[]) {
    for (const flow of flows) {
      if (this.#flows.has(flow.id)) throw new Error(`duplicate flow id ${flow.id}`);
      this.#flows.set(flow.id, flow);
    }
  }

  get(id: string): AnyFlow | undefined {
    return this.#flows.get(id);
  }

  /** Like get, for ids the core itself relies on. */
  require(id: string): AnyFlow {
    const flow = this.#flows.get(id);
    if (flow === undefined) throw new Error(`unknown flow ${id}`);
    return flow;
  }
}
