// What the Now page shows, kept for the whole signed-in visit: open SOS alerts and open cases, read
// once and on every `ready` of the live feed, then changed item by item as the feed reports them.
// Station and zone names are read once. A new SOS rings (when sound is on) and shows in the title.
import { useEffect, useState } from 'preact/hooks';
import { isOpen } from '../domain/reports/case';
import { isOpenAlert } from '../domain/sos/alert';
import { api, type AlertItem, type CaseItem, type Station, type ZoneCollection } from './api';
import type { LiveFeed } from './live';

export interface BoardState {
  loaded: boolean;
  alerts: AlertItem[];
  cases: CaseItem[];
  /** More open cases than one page holds: the oldest are not shown. */
  truncated: boolean;
  stations: Station[];
  zones: ZoneCollection;
  error?: string;
}

type Listener = (state: BoardState) => void;

const byNewest = <T extends { createdAt: number }>(a: T, b: T) => b.createdAt - a.createdAt;

export class Board {
  state: BoardState = {
    loaded: false,
    alerts: [],
    cases: [],
    truncated: false,
    stations: [],
    zones: { type: 'FeatureCollection', features: [] },
  };
  private readonly listeners = new Set<Listener>();
  private readonly alerts = new Map<string, AlertItem>();
  private readonly cases = new Map<string, CaseItem>();
  private readonly seenSos = new Set<string>();
  private offs: Array<() => void> = [];

  constructor(
    private readonly live: LiveFeed,
    private readonly onNewSos: (alert: AlertItem) => void,
  ) {}

  start(): void {
    this.offs = [
      this.live.on('ready', () => void this.load()),
      this.live.on('case', (c) => this.putCase(c)),
      this.live.on('alert', (a) => this.putAlert(a)),
    ];
    void this.loadPlaces();
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the open lists again (on every connect of the live feed: nothing is replayed to it). */
  async load(): Promise<void> {
    try {
      const [alerts, open, unrouted] = await Promise.all([api.openAlerts(), api.openCases(), api.unroutedCases()]);
      this.alerts.clear();
      this.cases.clear();
      for (const a of alerts.items) this.alerts.set(a._id, a);
      for (const c of [...unrouted.items, ...open.items]) if (isOpen(c.status)) this.cases.set(c._id, c);
      // Alerts open at load are not "new" to this screen: only ones raised while it is open ring.
      for (const a of alerts.items) this.seenSos.add(a._id);
      this.emit({ loaded: true, truncated: open.next !== undefined, error: undefined });
    } catch (err) {
      this.emit({ error: err instanceof Error ? err.message : String(err) });
    }
  }

  private async loadPlaces(): Promise<void> {
    try {
      const [stations, zones] = await Promise.all([api.stations(), api.zones()]);
      this.emit({ stations, zones });
    } catch {
      // Names fall back to codes; the lists still work.
    }
  }

  /** A case as it is now (from the feed, or the answer to a move made on this screen). */
  putCase(c: CaseItem): void {
    if (isOpen(c.status)) this.cases.set(c._id, c);
    else this.cases.delete(c._id);
    this.emit({});
  }

  putAlert(a: AlertItem): void {
    if (isOpenAlert(a.status)) this.alerts.set(a._id, a);
    else this.alerts.delete(a._id);
    if (!this.seenSos.has(a._id)) {
      this.seenSos.add(a._id);
      if (a.status === 'new') this.onNewSos(a);
    }
    this.emit({});
  }

  private emit(change: Partial<BoardState>): void {
    this.state = {
      ...this.state,
      ...change,
      alerts: [...this.alerts.values()].sort(byNewest),
      cases: [...this.cases.values()].sort(byNewest),
    };
    for (const l of this.listeners) l(this.state);
  }
}

export function useBoard(board: Board): BoardState {
  const [state, setState] = useState(board.state);
  useEffect(() => {
    setState(board.state);
    return board.subscribe(setState);
  }, [board]);
  return state;
}
