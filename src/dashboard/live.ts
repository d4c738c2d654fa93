// The live feed (GET /admin/events): `ready` on connect (then lists are read again), `case` and
// `alert` with the item as the lists show it, `bye` when the session ends. The browser reconnects by
// itself after a dropped stream; a refused one (the session ended) is not retried but checked.
import { setHubTime } from './time';
import type { AlertItem, CaseItem } from './api';

export type LiveState = 'connecting' | 'live' | 'offline';

type Events = {
  ready: () => void;
  case: (item: CaseItem) => void;
  alert: (item: AlertItem) => void;
  bye: () => void;
  state: (state: LiveState) => void;
};

const RETRY_MS = 5000;

export class LiveFeed {
  state: LiveState = 'connecting';
  private source: EventSource | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: { [K in keyof Events]: Set<Events[K]> } = {
    ready: new Set(),
    case: new Set(),
    alert: new Set(),
    bye: new Set(),
    state: new Set(),
  };

  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  start(): void {
    this.stop();
    const source = new EventSource('/admin/events');
    this.source = source;
    this.setState('connecting');
    source.addEventListener('ready', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { at: number };
      setHubTime(data.at);
      this.setState('live');
      for (const l of this.listeners.ready) l();
    });
    source.addEventListener('case', (e) => {
      const item = JSON.parse((e as MessageEvent<string>).data) as CaseItem;
      for (const l of this.listeners.case) l(item);
    });
    source.addEventListener('alert', (e) => {
      const item = JSON.parse((e as MessageEvent<string>).data) as AlertItem;
      for (const l of this.listeners.alert) l(item);
    });
    source.addEventListener('bye', () => {
      this.stop();
      for (const l of this.listeners.bye) l();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.setState('connecting');
        return;
      }
      // Closed for good (an answer other than the stream): try again in a while. The app checks the
      // session when the state turns offline, and shows the sign-in page if it has ended.
      this.setState('offline');
      this.retry = setTimeout(() => this.start(), RETRY_MS);
    };
  }

  stop(): void {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = undefined;
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.listeners.state) l(state);
  }
}
