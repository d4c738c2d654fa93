// A minimal keep-alive HTTP client on node:http. Not fetch: fetch's per-request overhead (streams,
// Headers objects, promises per chunk) would make the load generator, not the hub, the bottleneck on
// a 2-core machine, and its pool size is not something we can bound as plainly.
import http from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
}

export class KeepAliveClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: { maxSockets: number; timeoutMs?: number }) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
      throw new Error(`benches talk to loopback only, not ${url.hostname}`);
    this.host = url.hostname;
    this.port = Number(url.port);
    // maxSockets bounds the connections; the caller bounds requests in flight (it must not rely on
    // the agent's hidden queue, which would hide waiting time from the latency figures).
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
    });
  }

  request(
    method: string,
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`${method} ${path} timed out after ${this.timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async json<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const res = await this.request(
      method,
      path,
      payload === undefined ? undefined : JSON.stringify(payload),
      payload === undefined ? {} : { 'content-type': 'application/json' },
    );
    if (res.status < 200 || res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 200)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
