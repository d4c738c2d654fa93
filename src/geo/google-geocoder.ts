import { Client, Language, Status, defaultAxiosInstance } from '@googlemaps/google-maps-services-js';
import type { GeocodeResult } from '@googlemaps/google-maps-services-js';
import { LRUCache } from 'lru-cache';
import { silentLogger } from '../logger';
import type { Logger } from '../logger';
import type { GeocodedPlace, Geocoder, LatLng, MapsLanguage } from './geocoder';

/** The origin the library hard-codes into every request URL; `baseUrl` replaces it. */
const GOOGLE_ORIGIN = 'https://maps.googleapis.com';

const DEFAULT_TIMEOUT_MS = 2_500;
const DEFAULT_CACHE_SIZE = 5_000;
const DEFAULT_CACHE_TTL_MS = 7 * 24 * 60 * 60_000;
// A place that is unknown today may be added to Maps tomorrow, and a typo'd address is retyped
// within minutes: remember "nothing there" only long enough to absorb repeats.
const NEGATIVE_CACHE_TTL_MS = 10 * 60_000;
// An outage would otherwise log once per incoming location pin.
const WARN_INTERVAL_MS = 60_000;
// About 5.5 km each way: city scale around a zone, so a market name typed in Hat Yai finds the Hat Yai one first.
const NEAR_BIAS_DEGREES = 0.05;

// The library's Language enum has no Malay, though the Geocoding API accepts `ms`.
const LANGUAGES: Record<MapsLanguage, Language> = { th: Language.th, en: Language.en, ms: 'ms' as Language };

export interface GoogleGeocoderOptions {
  apiKey: string;
  /** Replaces https://maps.googleapis.com in every request (the Maps fake in tests, local runs). */
  baseUrl?: string;
  timeoutMs?: number;
  /** Entries shared by reverse and forward lookups. 0 turns caching off. */
  cacheSize?: number;
  cacheTtlMs?: number;
  logger?: Logger;
}

/** `value` undefined is a remembered "no such place" (ZERO_RESULTS). lru-cache cannot hold undefined itself. */
interface CacheEntry {
  value: unknown;
}

type Answer<T> = { found: true; value: T } | { found: false };

class MapsLookupFailed extends Error {
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(`google maps: ${reason}${detail ? ` (${detail})` : ''}`);
    this.name = 'MapsLookupFailed';
  }
}

/**
 * Geocoder backed by the Google Geocoding API. Every failure resolves undefined within `timeoutMs`,
 * so a slow or refusing Maps can only cost a report its address line, never its delivery.
 */
export class GoogleGeocoder implements Geocoder {
  readonly enabled = true;

  private readonly client: Client;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly logger: Logger;
  private readonly cache: LRUCache<string, CacheEntry> | undefined;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private suppressedWarnings = 0;

  constructor(opts: GoogleGeocoderOptions) {
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.cacheTtlMs = opts.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.logger = opts.logger ?? silentLogger;
    const cacheSize = opts.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.cache = cacheSize > 0 ? new LRUCache({ max: cacheSize, ttl: this.cacheTtlMs }) : undefined;

    // A sibling of the library's own instance: it inherits the adapter that turns Google's body
    // status into an HTTP code, the keep-alive agent and the headers, but not retry-axios, whose
    // retries with backoff would run far past our timeout.
    const http = defaultAxiosInstance.create({ timeout: this.timeoutMs });
    const baseUrl = opts.baseUrl?.replace(/\/+$/, '');
    if (baseUrl) {
      http.interceptors.request.use(
        (config) => {
          if (config.url?.startsWith(GOOGLE_ORIGIN)) config.url = baseUrl + config.url.slice(GOOGLE_ORIGIN.length);
          return config;
        },
        undefined,
        { synchronous: true },
      );
    }
    this.client = new Client({ axiosInstance: http });
  }

  reverse(point: LatLng, language: MapsLanguage = 'th'): Promise<string | undefined> {
    if (!isValidPoint(point)) return Promise.resolve(undefined);
    // Five decimals is about a metre: finer than any pin a phone sends usefully, coarse enough that
    // the same pin re-sent (last location, "report here") hits the cache.
    const latlng = `${point.lat.toFixed(5)},${point.lng.toFixed(5)}`;
    return this.lookup<string>(`r|${language}|${latlng}`, 'reverse', async (signal) => {
      const res = await this.client.reverseGeocode({
        params: { latlng, key: this.apiKey, language: LANGUAGES[language] },
        timeout: this.timeoutMs,
        signal,
      });
      const first = firstResult(res.data.status, res.data.results, res.data.error_message);
      return first ? { found: true, value: addressOf(first) } : { found: false };
    });
  }

  geocode(address: string, opts: { language?: MapsLanguage; near?: LatLng } = {}): Promise<GeocodedPlace | undefined> {
    const text = address.normalize('NFC').replace(/\s+/g, ' ').trim();
    if (!text) return Promise.resolve(undefined);
    const language = opts.language ?? 'th';
    // The bias is part of the question: the same words near another station mean another place.
    // Rounded to ~1 km so the key decides the request and nearby callers share answers.
    const near =
      opts.near && isValidPoint(opts.near) ? { lat: round2(opts.near.lat), lng: round2(opts.near.lng) } : undefined;
    const nearKey = near ? `${near.lat},${near.lng}` : '-';
    return this.lookup<GeocodedPlace>(`g|${language}|${nearKey}|${text.toLowerCase()}`, 'geocode', async (signal) => {
      const res = await this.client.geocode({
        params: {
          address: text,
          key: this.apiKey,
          language: LANGUAGES[language],
          region: 'th',
          ...(near && { bounds: biasBounds(near) }),
        },
        timeout: this.timeoutMs,
        signal,
      });
      const first = firstResult(res.data.status, res.data.results, res.data.error_message);
      if (!first) return { found: false };
      const location = first.geometry?.location;
      if (!location || !Number.isFinite(location.lat) || !Number.isFinite(location.lng)) {
        throw new MapsLookupFailed('MALFORMED', 'result without geometry.location');
      }
      return { found: true, value: { lat: location.lat, lng: location.lng, formattedAddress: addressOf(first) } };
    });
  }

  /**
   * Cache, then join an identical request already on the wire, then ask. Only definite answers are
   * cached; errors and timeouts are forgotten at once so the next pin tries again.
   */
  private lookup<T>(
    key: string,
    op: 'reverse' | 'geocode',
    ask: (signal: AbortSignal) => Promise<Answer<T>>,
  ): Promise<T | undefined> {
    // The key's prefix fixes what was stored under it, so the casts below only restate that.
    const hit = this.cache?.get(key);
    if (hit) return Promise.resolve(hit.value as T | undefined);
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T | undefined>;

    // axios' own timeout only covers socket inactivity; the signal bounds the whole exchange.
    const signal = AbortSignal.timeout(this.timeoutMs);
    const request = ask(signal)
      .then(
        (answer) => {
          if (answer.found) {
            this.cache?.set(key, { value: answer.value });
            return answer.value;
          }
          this.cache?.set(key, { value: undefined }, { ttl: Math.min(NEGATIVE_CACHE_TTL_MS, this.cacheTtlMs) });
          return undefined;
        },
        (error: unknown) => {
          this.warn(
            op,
            signal.aborted ? { reason: 'TIMEOUT', detail: `no answer within ${this.timeoutMs} ms` } : describe(error),
          );
          return undefined;
        },
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  private warn(op: string, failure: { reason: string; detail?: string }): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.logger.warn(
      { op, reason: failure.reason, detail: failure.detail, suppressedSinceLast: this.suppressedWarnings },
      'google maps lookup failed; continuing without an address',
    );
    this.lastWarnAt = now;
    this.suppressedWarnings = 0;
  }
}

/** First result of an OK answer, undefined for ZERO_RESULTS; any other status is a failure. */
function firstResult(
  status: Status,
  results: GeocodeResult[] | undefined,
  errorMessage?: string,
): GeocodeResult | undefined {
  if (status === Status.ZERO_RESULTS) return undefined;
  if (status !== Status.OK) throw new MapsLookupFailed(String(status), errorMessage);
  return results?.[0];
}

function addressOf(result: GeocodeResult): string {
  if (typeof result.formatted_address !== 'string' || !result.formatted_address) {
    throw new MapsLookupFailed('MALFORMED', 'result without formatted_address');
  }
  return result.formatted_address;
}

/**
 * Reason and detail for the log, read from an axios error without importing axios. Never the error
 * itself: its config carries the request params, and with them the API key.
 */
function describe(error: unknown): { reason: string; detail?: string } {
  if (error instanceof MapsLookupFailed) return { reason: error.reason, detail: error.detail };
  const e = error as {
    code?: unknown;
    message?: unknown;
    response?: { status?: unknown; data?: { status?: unknown; error_message?: unknown } };
  };
  const data = e?.response?.data;
  if (data && typeof data.status === 'string') {
    return { reason: data.status, detail: typeof data.error_message === 'string' ? data.error_message : undefined };
  }
  if (e?.response && typeof e.response.status === 'number') return { reason: `HTTP_${e.response.status}` };
  return {
    reason: typeof e?.code === 'string' ? e.code : 'ERROR',
    detail: typeof e?.message === 'string' ? e.message : undefined,
  };
}

function isValidPoint(p: LatLng): boolean {
  return Number.isFinite(p.lat) && Number.isFinite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function biasBounds(near: LatLng): { southwest: LatLng; northeast: LatLng } {
  // Rounded again so float noise (7.01 - 0.05) does not leak into the query string.
  const at = (lat: number, lng: number) => ({ lat: round2(lat), lng: round2(lng) });
  return {
    southwest: at(near.lat - NEAR_BIAS_DEGREES, near.lng - NEAR_BIAS_DEGREES),
    northeast: at(near.lat + NEAR_BIAS_DEGREES, near.lng + NEAR_BIAS_DEGREES),
  };
}
