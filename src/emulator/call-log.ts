import { RingBuffer } from './ring-buffer';
import type { CallFilter, RecordedCall } from './types';

interface Waiter {
  predicate: (c: RecordedCall) => boolean;
  resolve: (c: RecordedCall) => void;
}

/**
 * Every API call in arrival order. Ids are consecutive, so `since` finds its start in O(1) even after
 * old calls were dropped; only explicit queries scan.
 */
export class CallLog {
  private readonly ring: RingBuffer<RecordedCall>;
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;

  constructor(capacity: number) {
    this.ring = new RingBuffer(capacity);
  }

  record(call: Omit<RecordedCall, 'id'>): RecordedCall {
    const recorded: RecordedCall = { id: this.nextId, ...call };
    this.nextId += 1;
    this.ring.push(recorded);
    if (this.waiters.size > 0) {
      for (const waiter of this.waiters) {
        if (safeMatch(waiter.predicate, recorded)) {
          this.waiters.delete(waiter);
          waiter.resolve(recorded);
        }
      }
    }
    return recorded;
  }

  list(filter: CallFilter & { limit?: number } = {}): RecordedCall[] {
    const oldest = this.ring.at(0);
    let from = 0;
    if (filter.since !== undefined && oldest) from = Math.max(0, filter.since + 1 - oldest.id);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const out: RecordedCall[] = [];
    for (let i = from; i < this.ring.size && out.length < limit; i += 1) {
      const call = this.ring.at(i) as RecordedCall;
      if (filter.endpoint !== undefined && call.endpoint !== filter.endpoint) continue;
      if (filter.to !== undefined && !targets(call, filter.to)) continue;
      out.push(call);
    }
    return out;
  }

  waitFor(predicate: (c: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    for (let i = 0; i < this.ring.size; i += 1) {
      const call = this.ring.at(i) as RecordedCall;
      if (safeMatch(predicate, call)) return Promise.resolve(call);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`emulator.waitFor: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Forgets the calls; ids keep counting so a poller's `since` stays meaningful. */
  clear(): void {
    this.ring.clear();
  }
}

function targets(call: RecordedCall, chatId: string): boolean {
  return Array.isArray(call.to) ? call.to.includes(chatId) : call.to === chatId;
}

function safeMatch(predicate: (c: RecordedCall) => boolean, call: RecordedCall): boolean {
  try {
    return predicate(call);
  } catch {
    // A predicate that throws on an unrelated call (e.g. reading a field it lacks) just doesn't match.
    return false;
  }
}
