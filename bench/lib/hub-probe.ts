// Reading what the hub and the emulator say about themselves: Prometheus counters from /metrics,
// the emulator's call log, and NeDB data files after the hub has stopped.
import fs from 'node:fs';
import type { KeepAliveClient } from './http-client';

/** Sums every sample of `name` whose labels include all of `labels` (Prometheus text format). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue; // a longer metric name sharing the prefix
    const labelText = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    const matches = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (!matches) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** A Prometheus histogram's cumulative buckets, `le` in the metric's unit, summed over label sets matching `labels`. */
export function histogramBuckets(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): Array<[number, number]> {
  const byLe = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const labelText = line.slice(line.indexOf('{') + 1, line.indexOf('}'));
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    const le = /le="([^"]+)"/.exec(labelText)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The bucket bound under which a share `q` of the observations between two readings of one histogram
 * fall: "p99 <= 25 ms" (a histogram gives bounds, not exact quantiles).
 */
export function quantileBound(
  before: Array<[number, number]>,
  after: Array<[number, number]>,
  q: number,
): { bound: number; count: number } {
  const prior = new Map(before);
  const diff = after.map(([le, c]) => [le, c - (prior.get(le) ?? 0)] as const);
  const count = diff.length > 0 ? diff[diff.length - 1]![1] : 0;
  const hit = diff.find(([, c]) => c >= q * count);
  return { bound: hit ? hit[0] : Number.NaN, count };
}

export interface HubCounters {
  /** Events accepted into the inbox as new. */
  accepted: number;
  /** Handled, done or failed. */
  handled: number;
  failed: number;
  outboxInFlight: number;
  sent: { reply: number; push: number };
  replyFallbacks: number;
  outboxRetries: number;
  outboxFailed: number;
  /** ssz_webhook_seconds buckets for 200 answers: the time to 200 as the hub measures it. */
  webhookSeconds: Array<[number, number]>;
  /** The hub's longest event-loop stall since the previous scrape (prom-client resets it on each). */
  eventLoopMaxSeconds: number;
}

export async function hubCounters(client: KeepAliveClient): Promise<HubCounters> {
  const res = await client.request('GET', '/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const t = res.body;
  return {
    accepted: metricValue(t, 'ssz_webhook_events_total', { outcome: 'new' }),
    handled: metricValue(t, 'ssz_events_handled_total'),
    failed: metricValue(t, 'ssz_events_handled_total', { result: 'failed' }),
    outboxInFlight: metricValue(t, 'ssz_outbox_in_flight'),
    sent: {
      reply: metricValue(t, 'ssz_outbox_sends_total', { kind: 'reply', result: 'sent' }),
      push: metricValue(t, 'ssz_outbox_sends_total', { kind: 'push', result: 'sent' }),
    },
    replyFallbacks: metricValue(t, 'ssz_outbox_sends_total', { result: 'reply_fallback' }),
    outboxRetries: metricValue(t, 'ssz_outbox_sends_total', { result: 'retry' }),
    outboxFailed: metricValue(t, 'ssz_outbox_sends_total', { result: 'failed' }),
    webhookSeconds: histogramBuckets(t, 'ssz_webhook_seconds', { status: '200' }),
    eventLoopMaxSeconds: metricValue(t, 'nodejs_eventloop_lag_max_seconds'),
  };
}

export interface EmulatorCall {
  id: number;
  /** Epoch ms when the emulator handled it. */
  at: number;
  endpoint: string;
  status: number;
  to?: string | string[];
  /** The x-line-request-id the emulator answered with; the hub stores it on the outbox row it sent. */
  requestId: string;
}

/**
 * Every call of the given endpoints after call id `since`, paged so no single answer is huge. Returns
 * the calls and whether the log had already dropped some (its ring buffer is bounded).
 */
export async function emulatorCalls(
  client: KeepAliveClient,
  endpoints: string[],
  since: number,
  pageSize = 5000,
  maxPages = 1000,
): Promise<EmulatorCall[]> {
  const out: EmulatorCall[] = [];
  for (const endpoint of endpoints) {
    let cursor = since;
    for (let page = 0; page < maxPages; page += 1) {
      const calls = await client.json<EmulatorCall[]>(
        'GET',
        `/_emulator/calls?endpoint=${encodeURIComponent(endpoint)}&since=${cursor}&limit=${pageSize}`,
      );
      // Keep only what the count check needs; the recorded bodies are large.
      for (const c of calls)
        out.push({
          id: c.id,
          at: c.at,
          endpoint: c.endpoint,
          status: c.status,
          requestId: c.requestId,
          ...(c.to !== undefined ? { to: c.to } : {}),
        });
      if (calls.length < pageSize) break;
      cursor = calls[calls.length - 1]!.id;
    }
  }
  return out;
}

/**
 * An NeDB data file as the last state of each document: the file is append-only, later lines win,
 * `$$deleted` removes, `$$indexCreated` lines are index definitions, not documents.
 */
export function readNedbFile<T extends { _id: string }>(file: string): Map<string, T> {
  const docs = new Map<string, T>();
  if (!fs.existsSync(file)) return docs;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const doc = JSON.parse(line) as Record<string, unknown>;
    if ('$$indexCreated' in doc || '$$indexRemoved' in doc) continue;
    const id = doc._id as string;
    if (doc.$$deleted === true) docs.delete(id);
    else docs.set(id, doc as T);
  }
  return docs;
}
