// The embedded store with gates in front of chosen calls: how a test makes two requests truly
// overlap (both read before either writes), or stalls one instance mid-step, without sleeping.
import { InterceptedStore } from './intercepted-store';

type Match = (method: string, args: unknown[]) => boolean;

interface Gate {
  collection: string;
  match: Match;
  /** Resolves the call's wait; called once the gate opens. */
  waiting: Array<() => void>;
  /** Opens the gate when this many calls wait at it... */
  racers: number;
  /** ...or when this resolves (a pause). */
  opened?: Promise<void>;
  /** Told when the first call arrives. */
  arrived: () => void;
}

export class RaceStore extends InterceptedStore {
  private gates: Gate[] = [];

  /**
   * The next `racers` calls on `collection` that `match` wait for one another: none proceeds
   * before all have arrived. Resolves when all have arrived (and gone on).
   */
  hold(collection: string, racers: number, match: Match): Promise<void> {
    return new Promise((allArrived) => {
      this.gates.push({ collection, match, racers, waiting: [allArrived], arrived: () => undefined });
    });
  }

  /**
   * The next call on `collection` that `match` waits until `release()`; `reached` resolves when it
   * has arrived. Only that one call: later matching calls go on.
   */
  pause(collection: string, match: Match): { reached: Promise<void>; release(): void } {
    let release!: () => void;
    const opened = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    this.gates.push({ collection, match, racers: 1, waiting: [], opened, arrived });
    return { reached, release };
  }

  protected async around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    const gate = this.gates.find((g) => g.collection === collection && g.match(method, args));
    if (!gate) return proceed();
    if (gate.opened) {
      this.gates = this.gates.filter((g) => g !== gate);
      gate.arrived();
      await gate.opened;
      return proceed();
    }
    await new Promise<void>((go) => {
      gate.waiting.push(go);
      // The first entry is hold()'s own "all arrived".
      if (gate.waiting.length === gate.racers + 1) {
        this.gates = this.gates.filter((g) => g !== gate);
        for (const release of gate.waiting) release();
      }
    });
    return proceed();
  }
}

/** An update that pushes an audit entry: a status change of a case or an alert. */
export const auditedUpdate: Match = (method, args) =>
  method === 'updateOne' && typeof (args[1] as { $push?: { audit?: unknown } })?.$push?.audit === 'object';
