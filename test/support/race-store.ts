// The embedded store with a gate that holds chosen writes until all the racers have reached them:
// how a test makes two requests truly overlap (both read before either writes) without sleeping.

import { InterceptedStore } from './intercepted-store';

type Match = (method: string, args: unknown[]) => boolean;

export class RaceStore extends InterceptedStore {
  private gates: Array<{ collection: string; match: Match; waiting: Array<() => void>; racers: number }> = [];

  /**
   * The next `racers` calls on `collection` that `match` wait for one another: none proceeds
   * before all have arrived. Resolves when all have arrived (and gone on).
   */
  hold(collection: string, racers: number, match: Match): Promise<void> {
    return new Promise((arrivedAll) => {
      const gate = { collection, match, racers, waiting: [] as Array<() => void> };
      gate.waiting.push(arrivedAll);
      this.gates.push(gate);
    });
  }

  protected async around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    const gate = this.gates.find((g) => g.collection === collection && g.match(method, args));
    if (gate) {
      await new Promise<void>((go) => {
        gate.waiting.push(go);
        // The first entry is hold()'s own "all arrived".
        if (gate.waiting.length === gate.racers + 1) {
          this.gates = this.gates.filter((g) => g !== gate);
          for (const release of gate.waiting) release();
        }
      });
    }
    return proceed();
  }
}

/** An update that pushes an audit entry: a status change of a case or an alert. */
export const auditedUpdate: Match = (method, args) =>
  method === 'updateOne' && typeof (args[1] as { $push?: { audit?: unknown } })?.$push?.audit === 'object';
