import type { Logger } from '../logger';
import { RateWindowRepository } from '../store/repositories/rate-window-repository';
import type { Store } from '../store/store-port';
import type { Clock } from '../util/clock';

/** Calls drawn from the shared window at a time: a twentieth of a second's worth (one store write per 90 pushes). */
const DRAW_SHARE = 20;

/**
 * One LINE endpoint's per-second budget, shared by every hub instance through the store: each draws
 * a few calls at a time from the second's counter and spends them locally, so the instances together
 * start at most `perSecond` calls in any second of the store's windows, however the load falls
 * between them (a broadcast on one instance can use the whole multicast budget while the others idle).
 * Calls drawn and not spent in their second are forgone: the instances may stay a little under the
 * limit, never over it. When the store cannot be asked the call goes ahead: a 429 from LINE is
 * retried, a message held back by a store outage is not.
 */
export class SharedRateBudget {
  private readonly draw: number;
  private second = -1;
  private tokens = 0;
  private drawing: Promise<number> | undefined;
  private lastWarning = -Infinity;

  constructor(
    private readonly deps: { windows: RateWindowRepository; clock: Clock; logger: Logger },
    private readonly endpoint: string,
    private readonly perSecond: number,
  ) {
    this.draw = Math.max(1, Math.floor(perSecond / DRAW_SHARE));
  }

  /** Resolves when a call may start. */
  async take(): Promise<void> {
    for (;;) {
      const second = Math.floor(this.deps.clock.now() / 1000);
      if (second !== this.second) {
        this.second = second;
        this.tokens = 0;
      }
      if (this.tokens > 0) {
        this.tokens -= 1;
        return;
      }
      this.drawing ??= this.drawFor(second).finally(() => (this.drawing = undefined));
      // The second is spent: wait for the next one.
      if ((await this.drawing) === 0 && this.second === second)
        await new Promise((resolve) => setTimeout(resolve, 1000 - (this.deps.clock.now() % 1000) + 1));
    }
  }

  /** Draws calls for `second` into this instance's tokens; returns how many were granted (0: the second is spent). */
  private async drawFor(second: number): Promise<number> {
    let granted: number;
    try {
      granted = await this.deps.windows.take(this.endpoint, second, this.draw, this.perSecond);
    } catch (err) {
      // The store is not answering: let this draw's calls go rather than stop sending.
      granted = this.draw;
      const now = this.deps.clock.now();
      if (now - this.lastWarning > 60_000) {
        this.lastWarning = now;
        this.deps.logger.warn(
          { err, endpoint: this.endpoint },
          'shared LINE rate budget unavailable: sending without it',
        );
      }
    }
    if (this.second === second) this.tokens += granted;
    return granted;
  }
}

/** The budgets of the endpoints the outbox calls, shared by every instance on `store`. */
export function sharedLineBudget(
  store: Store,
  clock: Clock,
  logger: Logger,
  perSecond: { reply: number; push: number; multicast: number },
): Record<'reply' | 'push' | 'multicast', SharedRateBudget> {
  const deps = { windows: new RateWindowRepository(store), clock, logger };
  return {
    reply: new SharedRateBudget(deps, 'reply', perSecond.reply),
    push: new SharedRateBudget(deps, 'push', perSecond.push),
    multicast: new SharedRateBudget(deps, 'multicast', perSecond.multicast),
  };
}
