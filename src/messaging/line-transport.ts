import { HTTPFetchError } from '@line/bot-sdk';
import { Pool } from 'undici';
import { LineApiError } from './line-gateway';

/**
 * What the SDK's generated clients call on their `httpClient` for JSON requests: `post` (reply, push,
 * multicast, loading animation...) and `get` (profiles, quota). The answer needs only `text()` for the
 * SDK and `headers.get()` for us.
 */
export interface SdkHttpClient {
  defaultHeaders: Record<string, string>;
  get(url: string, params?: Record<string, unknown>): Promise<unknown>;
  post(url: string, body?: unknown, config?: { headers?: Record<string, string> }): Promise<unknown>;
}

/** A finished HTTP answer shaped like the parts of `Response` the SDK and the gateway read. */
export class TransportResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get: (name) => {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }

  text(): Promise<string> {
    return Promise.resolve(this.body);
  }
}

/** What the transport has seen of LINE lately, for /readyz. */
export interface LineHealth {
  /** False while LINE calls fail in bulk (no answer, or 5xx), after `unreachableAfter` in a row. */
  reachable: boolean;
  consecutiveFailures: number;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastError?: string;
  /** Times the connection pools were replaced because calls stopped getting answers. */
  poolsRecycled: number;
}

export interface PooledTransportOptions {
  /** Sends (POST): how long a call may take before it is aborted and its connection freed. */
  timeoutMs: number;
  /** Sends' keep-alive connections. */
  connections?: number;
  /** Lookups (GET: profiles, group members, quota): their own, smaller pool, so they never hold up a send. */
  lookupTimeoutMs?: number;
  lookupConnections?: number;
  /** Failures in a row (no answer, or 5xx) after which LINE is reported unreachable. */
  unreachableAfter?: number;
  /** Calls in a row without an answer after which the pools are replaced (at most every 30 s). */
  recycleAfter?: number;
}

/** Printable ASCII without spaces: every path LINE serves, and nothing undici would refuse. */
const SAFE_PATH = /^\/[\x21-\x7e]*$/;

/**
 * The SDK sends with the global `fetch`, which costs about 345 µs of CPU per call on Node 20 against
 * about 30 µs for undici's `request` on a keep-alive pool (measured, see docs/architecture.md): at a
 * thousand replies a second that is a third of a core. The SDK has no option for another HTTP client,
 * so this replaces the JSON `get` and `post` of one SDK client with a pooled undici transport. The SDK
 * still builds every request (path, body, `X-Line-Retry-Key`, authorization, user agent) and reads
 * every answer; failures are thrown as the SDK's own `HTTPFetchError`, as its fetch client does.
 * Everything else (multipart uploads, the blob client's streams) stays on the SDK's fetch.
 *
 * Sends and lookups have pools of their own: a profile API that hangs fills the lookup pool, never
 * the one SOS alerts leave by. Every call carries an AbortSignal, so a call that outlives its timeout
 * gives its connection back. A path undici would refuse is refused here, before the pool sees it
 * (undici 7 loses a pool connection for good on each such refusal: shared/reviews D1), and if calls
 * stop getting answers in bulk the pools are replaced, so the transport recovers without a restart.
 */
export class PooledLineTransport {
  private sends: Pool;
  private lookups: Pool;
  private readonly origin: string;
  private readonly state: Omit<LineHealth, 'reachable'> & { unanswered: number; lastRecycleAt: number } = {
    consecutiveFailures: 0,
    poolsRecycled: 0,
    unanswered: 0,
    lastRecycleAt: 0,
  };

  constructor(
    baseUrl: string,
    private readonly options: PooledTransportOptions,
  ) {
    this.origin = new URL(baseUrl).origin;
    this.sends = this.newSendPool();
    this.lookups = this.newLookupPool();
  }

  private newSendPool(): Pool {
    const ms = this.options.timeoutMs;
    return new Pool(this.origin, {
      connections: this.options.connections ?? 256,
      headersTimeout: ms,
      bodyTimeout: ms,
      connectTimeout: ms,
    });
  }

  private newLookupPool(): Pool {
    const ms = this.options.lookupTimeoutMs ?? Math.min(this.options.timeoutMs, 5_000);
    return new Pool(this.origin, {
      connections: this.options.lookupConnections ?? 32,
      headersTimeout: ms,
      bodyTimeout: ms,
      connectTimeout: ms,
    });
  }

  /** Whether LINE answers, as this transport has seen it. */
  health(): LineHealth {
    const { unanswered: _u, lastRecycleAt: _r, ...seen } = this.state;
    return { reachable: seen.consecutiveFailures < (this.options.unreachableAfter ?? 20), ...seen };
  }

  /**
   * Puts this transport under one SDK client. Throws when the client has no `httpClient` with `get`
   * and `post` (an SDK upgrade changed its inside): the caller then keeps the SDK's own fetch.
   */
  attach(client: object): void {
    const holder = client as { httpClient?: Partial<SdkHttpClient> };
    const original = holder.httpClient;
    if (
      !original ||
      typeof original.get !== 'function' ||
      typeof original.post !== 'function' ||
      typeof original.defaultHeaders !== 'object'
    ) {
      throw new Error('this @line/bot-sdk client has no httpClient with get/post/defaultHeaders');
    }
    const defaults = original.defaultHeaders;
    original.get = (url, params) => this.send('GET', withQuery(url, params), defaults);
    original.post = (url, body, config) =>
      this.send(
        'POST',
        url,
        { 'content-type': 'application/json', ...defaults, ...config?.headers },
        JSON.stringify(body),
      );
  }

  /**
   * Drops the connections, and any call still waiting for LINE (a profile lookup nobody waits for
   * any more). Called after the outbox stopped: its sends have been answered or stay pending.
   */
  async close(): Promise<void> {
    await Promise.all([this.sends.destroy(), this.lookups.destroy()]);
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<TransportResponse> {
    if (!SAFE_PATH.test(path)) {
      // Not LINE's fault and not worth a retry: an id that is not a LINE id got into the URL.
      throw new LineApiError(400, `refused before sending: unsafe characters in the request path`);
    }
    const lookup = method === 'GET';
    const pool = lookup ? this.lookups : this.sends;
    const timeoutMs = lookup
      ? (this.options.lookupTimeoutMs ?? Math.min(this.options.timeoutMs, 5_000))
      : this.options.timeoutMs;
    let answer;
    let text: string;
    // A timer cleared as soon as the answer is in (AbortSignal.timeout keeps one alive for the whole
    // timeout: 14,000 of them at once under load, bench/faults/fuzz.ts heap snapshot).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      answer = await pool.request({ method, path, headers, body, signal: abort.signal });
      text = await answer.body.text();
    } catch (err) {
      // Refused, reset, timed out: nothing came back from LINE, so the outbox may retry.
      const message = `network: ${err instanceof Error ? err.message : String(err)}`;
      this.failed(message, true);
      throw new LineApiError(0, message);
    } finally {
      clearTimeout(timer);
    }
    const response = new TransportResponse(answer.statusCode, answer.headers, text);
    if (response.status >= 500) this.failed(`${response.status}`, false);
    else this.answered();
    if (!response.ok) {
      throw new HTTPFetchError(`${response.status} - `, {
        status: response.status,
        statusText: '',
        headers: response.headers as unknown as Headers,
        body: text,
      });
    }
    return response;
  }

  private answered(): void {
    this.state.consecutiveFailures = 0;
    this.state.unanswered = 0;
    this.state.lastSuccessAt = Date.now();
  }

  private failed(error: string, unanswered: boolean): void {
    const now = Date.now();
    this.state.consecutiveFailures++;
    this.state.lastFailureAt = now;
    this.state.lastError = error;
    if (!unanswered) return;
    this.state.unanswered++;
    // Calls in bulk that get no answer at all: whatever state the pools are in, start afresh.
    if (this.state.unanswered >= (this.options.recycleAfter ?? 50) && now - this.state.lastRecycleAt >= 30_000) {
      this.state.lastRecycleAt = now;
      this.state.unanswered = 0;
      this.state.poolsRecycled++;
      const old = [this.sends, this.lookups];
      this.sends = this.newSendPool();
      this.lookups = this.newLookupPool();
      for (const pool of old) void pool.destroy().catch(() => undefined);
    }
  }
}

function withQuery(url: string, params?: Record<string, unknown>): string {
  if (!params) return url;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null) query.set(key, String(value));
  const s = query.toString();
  return s ? `${url}?${s}` : url;
}
