// An open-loop load generator: request i is due at start + i / rate, whether or not earlier requests
// have been answered. Latency is measured from the time a request was *due*, not from when it was
// finally sent, so a server that stalls is charged for the requests that queued behind the stall
// (the "coordinated omission" a closed loop hides).
import { performance } from 'node:perf_hooks';
import { Samples } from './stats';

export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Requests in flight at most; a due request waits (and its latency grows) while the cap is reached. */
  maxInFlight: number;
  /** Sends request number `i`; resolves true on success, false on a wrong answer; a throw counts as failed. */
  fire(i: number): Promise<boolean>;
  /** Stop sending this long after the planned end even if requests are still owed (bounded run). */
  overrunMs?: number;
  /** Wait at most this long for answers after the last send. */
  settleMs?: number;
}

export interface OpenLoopResult {
  planned: number;
  sent: number;
  ok: number;
  failed: number;
  /** Requests never sent because the overrun deadline passed. */
  unsent: number;
  /** Requests still unanswered when settleMs ran out. */
  unanswered: number;
  /** From the time each request was due to its answer (ms). */
  latency: Samples;
  /** From the time each request was actually written to its answer (ms): the server's share. */
  service: Samples;
  /** First due time to last answer (ms). */
  elapsedMs: number;
  /** Successful answers per whole second of the run, for "sustained" rather than average. */
  perSecond: number[];
  /** The slowest answer (from due) among requests due in each second: shows when a stall happened. */
  worstPerSecond: number[];
  /** How far behind schedule the generator sent at worst (ms), whatever the cause. */
  maxSendLagMs: number;
  /** Sends that had to wait for the in-flight cap. */
  capWaits: number;
  errors: Map<string, number>;
  startedAtEpochMs: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { ratePerSecond, durationMs, maxInFlight } = options;
  if (!(ratePerSecond > 0) || !(durationMs > 0) || !(maxInFlight > 0))
    throw new RangeError('rate, duration and maxInFlight must be positive');
  const planned = Math.round((ratePerSecond * durationMs) / 1000);
  const intervalMs = 1000 / ratePerSecond;
  const overrunMs = options.overrunMs ?? 10_000;
  const settleMs = options.settleMs ?? 15_000;
  const latency = new Samples(Math.max(1024, planned));
  const service = new Samples(Math.max(1024, planned));
  const perSecond: number[] = new Array(
    Math.ceil(durationMs / 1000) + Math.ceil((overrunMs + settleMs) / 1000) + 1,
  ).fill(0);
  const worstPerSecond: number[] = [];
  const errors = new Map<string, number>();
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let maxSendLagMs = 0;
  let capWaits = 0;
  let lastAnswer = 0;
  let waitingForCap = false;
  const startedAtEpochMs = Date.now();
  const start = performance.now();

  const noteError = (message: string) => {
    // Bounded: a flood of distinct messages collapses into one bucket.
    const key = errors.size < 20 || errors.has(message) ? message : 'other errors';
    errors.set(key, (errors.get(key) ?? 0) + 1);
  };

  // At most one tick is scheduled at a time: a timer for the next due request, or an immediate when an
  // answer frees a slot while due requests wait for the in-flight cap.
  let tickScheduled = false;
  let generating = true;
  let tick: () => void = () => undefined;
  const answered = (i: number, sentAt: number, success: boolean) => {
    const now = performance.now();
    inFlight -= 1;
    lastAnswer = now;
    if (success) {
      ok += 1;
      const fromDue = now - (start + i * intervalMs);
      latency.add(fromDue);
      const dueSecond = Math.floor((i * intervalMs) / 1000);
      worstPerSecond[dueSecond] = Math.max(worstPerSecond[dueSecond] ?? 0, fromDue);
      service.add(now - sentAt);
      const second = Math.floor((now - start) / 1000);
      if (second < perSecond.length) perSecond[second]! += 1;
    } else {
      failed += 1;
    }
    if (generating && waitingForCap && !tickScheduled) {
      tickScheduled = true;
      setImmediate(tick);
    }
  };

  const send = (i: number) => {
    const sentAt = performance.now();
    maxSendLagMs = Math.max(maxSendLagMs, sentAt - (start + i * intervalMs));
    inFlight += 1;
    sent += 1;
    options.fire(i).then(
      (success) => {
        if (!success) noteError('unexpected answer');
        answered(i, sentAt, success);
      },
      (err: unknown) => {
        noteError(err instanceof Error ? err.message.replace(/\d+/g, 'N') : String(err));
        answered(i, sentAt, false);
      },
    );
  };

  const hardStop = start + durationMs + overrunMs;
  await new Promise<void>((done) => {
    tick = () => {
      tickScheduled = false;
      const now = performance.now();
      const due = Math.min(planned, Math.floor((now - start) / intervalMs) + 1);
      waitingForCap = false;
      while (sent < due) {
        if (inFlight >= maxInFlight) {
          capWaits += 1;
          waitingForCap = true;
          break;
        }
        send(sent);
      }
      if (sent >= planned || now >= hardStop) {
        generating = false;
        done();
        return;
      }
      if (waitingForCap) return; // the next answer schedules the tick
      tickScheduled = true;
      setTimeout(tick, Math.max(1, start + sent * intervalMs - performance.now()));
    };
    tick();
  });

  // Wait for the answers still owed, bounded.
  const settleDeadline = performance.now() + settleMs;
  while (inFlight > 0 && performance.now() < settleDeadline) await new Promise((r) => setTimeout(r, 5));

  return {
    planned,
    sent,
    ok,
    failed,
    unsent: planned - sent,
    unanswered: inFlight,
    latency,
    service,
    elapsedMs: (lastAnswer || performance.now()) - start,
    worstPerSecond: Array.from(worstPerSecond, (v) => v ?? 0),
    perSecond: perSecond.slice(0, Math.max(1, Math.ceil(((lastAnswer || performance.now()) - start) / 1000))),
    maxSendLagMs,
    capWaits,
    errors,
    startedAtEpochMs,
  };
}
