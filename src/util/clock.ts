/** Time as a port, so flows, the outbox and the scheduler can be tested with a fake clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
