/** Time as a port, so flows, the outbox and the scheduler can be tested with a fake clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Real time, moved to another date: it starts at `start` and runs at the speed of the machine's
 * clock. Tests use it so that timers and timeouts behave as in production while the calendar
 * (case numbers carry the Buddhist-era year) is the one the test chose, never today's.
 */
export class AnchoredClock implements Clock {
  private readonly offset: number;
  constructor(start: number) {
    this.offset = start - performance.now();
  }
  now(): number {
    return Math.floor(this.offset + performance.now());
  }
}

/** A hand-driven clock for tests: time moves only when told. */
export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 10, 25, 13, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
