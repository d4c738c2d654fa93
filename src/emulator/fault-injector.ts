import type { FaultSpec } from './types';

export interface PendingFault {
  remaining: number;
  status: number;
  body: unknown;
  endpoint?: string;
  delayMs: number;
  /** When set, each matching call fails with this probability (and only failures use up the count). */
  probability?: number;
  /** An outage window: matches every call until this time (Date.now), using up no count. */
  until?: number;
  /** Handle the call, then answer the fault (delivered, but the bot hears a failure). */
  after: boolean;
  /** Never answer. */
  hang: boolean;
  /** Only calls addressed to this chat. */
  to?: string;
}

const DEFAULT_BODIES: Record<number, unknown> = {
  400: { message: 'The request body has 1 error(s)' },
  429: { message: 'Too Many Requests' },
  500: { message: 'Internal Server Error' },
  503: { message: 'Service Unavailable' },
};

/** Scripted failures: the next `count` matching calls answer `status` instead of being handled. */
export class FaultInjector {
  private faults: PendingFault[] = [];

  /** @param endpointNames the names endpoints register, so a mistyped name fails loudly instead of never firing */
  constructor(private readonly endpointNames: ReadonlySet<string>) {}

  inject(spec: FaultSpec): void {
    const window = spec.forMs !== undefined;
    if (window && !(typeof spec.forMs === 'number' && spec.forMs > 0))
      throw new RangeError('fault forMs must be a positive number of milliseconds');
    if (!window && (!Number.isInteger(spec.count) || spec.count! < 1))
      throw new RangeError('fault count must be a positive integer (or give forMs for an outage window)');
    if (![400, 429, 500, 503].includes(spec.status)) throw new RangeError('fault status must be 400, 429, 500 or 503');
    if (spec.endpoint !== undefined && !this.endpointNames.has(spec.endpoint)) {
      throw new RangeError(`unknown endpoint '${spec.endpoint}'; known: ${[...this.endpointNames].join(', ')}`);
    }
    const fault: PendingFault = {
      remaining: window ? Infinity : spec.count!,
      status: spec.status,
      body: spec.body ?? DEFAULT_BODIES[spec.status],
      delayMs: spec.delayMs ?? 0,
      after: spec.after === true,
      hang: spec.hang === true,
    };
    if (window) fault.until = Date.now() + spec.forMs!;
    if (spec.to !== undefined) fault.to = spec.to;
    if (spec.endpoint !== undefined) fault.endpoint = spec.endpoint;
    if (spec.probability !== undefined) {
      if (!(spec.probability > 0 && spec.probability <= 1)) throw new RangeError('fault probability must be in (0, 1]');
      fault.probability = spec.probability;
    }
    this.faults.push(fault);
  }

  /** Uses up one matching fault, oldest first. */
  take(endpoint: string, to?: string | string[]): PendingFault | undefined {
    if (this.faults.length === 0) return undefined;
    const now = Date.now();
    // An outage that has ended is forgotten.
    this.faults = this.faults.filter((f) => f.until === undefined || f.until > now);
    const addressed = (f: PendingFault) => f.to === undefined || (Array.isArray(to) ? to.includes(f.to) : to === f.to);
    const index = this.faults.findIndex((f) => (f.endpoint === undefined || f.endpoint === endpoint) && addressed(f));
    if (index < 0) return undefined;
    // A probabilistic fault lets this call through most of the time (flaky LINE, for benches).
    if (this.faults[index]!.probability !== undefined && Math.random() >= this.faults[index]!.probability!)
      return undefined;
    const fault = this.faults[index] as PendingFault;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}
