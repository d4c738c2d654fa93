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

/**
 * The SDK sends with the global `fetch`, which costs about 345 µs of CPU per call on Node 20 against
 * about 30 µs for undici's `request` on a keep-alive pool (measured, see docs/architecture.md): at a
 * thousand replies a second that is a third of a core. The SDK has no option for another HTTP client,
 * so this replaces the JSON `get` and `post` of one SDK client with a pooled undici transport. The SDK
 * still builds every request (path, body, `X-Line-Retry-Key`, authorization, user agent) and reads
 * every answer; failures are thrown as the SDK's own `HTTPFetchError`, as its fetch client does.
 * Everything else (multipart uploads, the blob client's streams) stays on the SDK's fetch.
 */
export class PooledLineTransport {
  private readonly pool: Pool;

  constructor(baseUrl: string, options: { timeoutMs: number; connections?: number }) {
    this.pool = new Pool(new URL(baseUrl).origin, {
      connections: options.connections ?? 256,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
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
  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<TransportResponse> {
    let answer;
    try {
      answer = await this.pool.request({ method, path, headers, body });
    } catch (err) {
      // Refused, reset, timed out: nothing came back from LINE, so the outbox may retry.
      throw new LineApiError(0, `network: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await answer.body.text();
    const response = new TransportResponse(answer.statusCode, answer.headers, text);
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
}

function withQuery(url: string, params?: Record<string, unknown>): string {
  if (!params) return url;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null) query.set(key, String(value));
  const s = query.toString();
  return s ? `${url}?${s}` : url;
}
