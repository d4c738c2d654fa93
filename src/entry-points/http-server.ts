import http, { type RequestListener, type Server } from 'node:http';

export interface HttpLimits {
  /** Idle keep-alive connections are kept this long (LINE reuses them; see docs/architecture.md). */
  keepAliveMs: number;
  /** A request's headers must have arrived within this. */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must have arrived within this. */
  requestTimeoutMs: number;
  /** A connection that sends nothing at all is closed after this. */
  firstByteTimeoutMs: number;
  /** Connections open at once; more are refused at once. */
  maxConnections: number;
}

export const defaultHttpLimits: HttpLimits = {
  // Well past Node's 5 s default: under load Node accepts about one new connection per turn of its
  // event loop, and in bench/webhook.ts at 1,500/s re-opened connections waited 0.5 to 5 s.
  keepAliveMs: 65_000,
  // LINE sends a webhook in one go; tens of seconds is generous for any honest client, and slow
  // senders no longer hold a socket for minutes (shared/reviews D10: 95 s and "never").
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  firstByteTimeoutMs: 10_000,
  maxConnections: 1_000,
};

/**
 * The hub's HTTP server, with bounds on what a client may hold: idle, slow and silent connections
 * are closed, and beyond `maxConnections` new ones are refused, so file descriptors cannot run out
 * (with `ulimit -n 1024`, 1,100 idle sockets used to lock everyone out).
 */
export function listenHttp(
  app: RequestListener,
  where: { port: number; host?: string },
  limits: Partial<HttpLimits> = {},
): Promise<Server> {
  const l = { ...defaultHttpLimits, ...limits };
  const server = http.createServer(
    {
      requestTimeout: l.requestTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      // How often Node looks for requests past those timeouts (default 30 s).
      connectionsCheckingInterval: Math.min(5_000, l.headersTimeoutMs),
    },
    app,
  );
  server.keepAliveTimeout = l.keepAliveMs;
  server.maxConnections = l.maxConnections;
  // Node closes a connection for being slow only once a request has begun; one that never sends a
  // byte would stay open for good. Its first request lifts this (keep-alive and request timeouts rule
  // then). Not a 'data' listener: that would take the socket from Node's HTTP parser and with it
  // the header and request timeouts.
  server.on('connection', (socket) => socket.setTimeout(l.firstByteTimeoutMs));
  server.on('request', (req) => req.socket.setTimeout(0));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
