// The embedded store with every collection call passing through a subclass's `around`: how tests
// make the store fail, stall or "die" at a chosen call without touching the app's code.
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { Collection, Doc, Store } from '../../src/store/store-port';

export abstract class InterceptedStore implements Store {
  readonly kind = 'embedded' as const;

  constructor(readonly inner: EmbeddedStore = new EmbeddedStore()) {}

  /** Runs in place of each collection call; `proceed()` makes the real one. */
  protected abstract around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown>;

  collection<T extends Doc>(name: string): Collection<T> {
    const real = this.inner.collection<T>(name);
    return new Proxy(real, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop !== 'string' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          this.around(name, prop, args, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  synced(): Promise<void> {
    return this.inner.synced();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
