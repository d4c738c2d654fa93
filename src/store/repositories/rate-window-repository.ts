import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';

/** The LINE calls of one endpoint all instances have started in one second. */
interface RateWindow {
  /** `<endpoint>:<second mod SLOTS>`: a few documents per endpoint, reused second after second. */
  _id: string;
  second: number;
  used: number;
}

const SLOTS = 10;

/**
 * LINE's per-second rate limits are per channel, whatever the number of hub instances calling it: a
 * counter per endpoint and second in the store, which instances draw from a few calls at a time.
 */
export class RateWindowRepository {
  private readonly windows: Collection<RateWindow>;
  constructor(store: Store) {
    this.windows = store.collection<RateWindow>('lineRateWindows');
  }

  init(): Promise<void> {
    return Promise.resolve(); // looked up by _id only
  }

  /**
   * Takes `want` calls of `endpoint` in `second` if that leaves the second within `limit`; returns
   * how many were granted (`want`, or 0 when the second is full). Each step is one atomic write on
   * one document, so instances racing for the last calls of a second cannot together exceed it.
   */
  async take(endpoint: string, second: number, want: number, limit: number): Promise<number> {
    const _id = `${endpoint}:${second % SLOTS}`;
    for (let tries = 0; tries < 2; tries++) {
      // This second's window, with room.
      if (await this.windows.updateOne({ _id, second, used: { $lte: limit - want } }, { $inc: { used: want } }))
        return want;
      // The slot still counts an earlier second: this second starts here.
      if (await this.windows.updateOne({ _id, second: { $lt: second } }, { $set: { second, used: want } })) return want;
      try {
        await this.windows.insert({ _id, second, used: want });
        return want;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        // Another instance started the slot at this very moment: look again.
      }
    }
    return 0;
  }
}
