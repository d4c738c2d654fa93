import type { Case } from '../reports/case';
import type { SosAlert } from '../sos/alert';

/** Seconds: how many, and the median and 90th percentile (nearest rank), when there are any. */
export interface Spread {
  count: number;
  p50?: number;
  p90?: number;
}

export interface WeekFigures {
  /** The Monday that starts the week, as YYYY-MM-DD in Bangkok. */
  weekStart: string;
  cases: Array<{ stationCode: string; category: string; reported: number; acknowledge: Spread; resolve: Spread }>;
  sos: Array<{ stationCode: string; raised: number; acknowledge: Spread }>;
}

/** The nearest-rank percentile of sorted values: the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function spreadOf(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0 };
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

const BANGKOK_OFFSET_MS = 7 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** The Monday of the Bangkok week a moment falls in (Bangkok has no daylight saving). */
export function weekStartOf(at: number): string {
  const local = new Date(at + BANGKOK_OFFSET_MS);
  const sinceMonday = (local.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - sinceMonday * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * The dashboard's weekly charts, from stored cases and alerts (each counted in the week it was
 * raised): time to acknowledge and to resolve by station and category, SOS time to acknowledge by
 * station. Items not yet acknowledged or resolved count as reported but have no time.
 */
export function weeklyFigures(cases: readonly Case[], alerts: readonly SosAlert[]): WeekFigures[] {
  const weeks = new Map<string, { cases: Map<string, Case[]>; sos: Map<string, SosAlert[]> }>();
  const week = (at: number) => {
    const key = weekStartOf(at);
    let w = weeks.get(key);
    if (!w) weeks.set(key, (w = { cases: new Map(), sos: new Map() }));
    return w;
  };
  for (const c of cases) {
    const group = week(c.createdAt).cases;
    const key = `${c.stationCode}\u0000${c.category}`;
    group.set(key, [...(group.get(key) ?? []), c]);
  }
  for (const a of alerts) {
    const group = week(a.createdAt).sos;
    group.set(a.stationCode, [...(group.get(a.stationCode) ?? []), a]);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([weekStart, w]) => ({
      weekStart,
      cases: [...w.cases.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, list]) => {
          const [stationCode, category] = key.split('\u0000') as [string, string];
          return {
            stationCode,
            category,
            reported: list.length,
            acknowledge: spreadOf(
              list.flatMap((c) => (c.acknowledgedAt !== undefined ? [seconds(c.acknowledgedAt - c.createdAt)] : [])),
            ),
            resolve: spreadOf(
              list.flatMap((c) =>
                c.status === 'resolved' && c.closedAt !== undefined ? [seconds(c.closedAt - c.createdAt)] : [],
              ),
            ),
          };
        }),
      sos: [...w.sos.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([stationCode, list]) => ({
          stationCode,
          raised: list.length,
          acknowledge: spreadOf(
            list.flatMap((a) => (a.acknowledgedAt !== undefined ? [seconds(a.acknowledgedAt - a.createdAt)] : [])),
          ),
        })),
    }));
}
