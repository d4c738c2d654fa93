// The HTTP server bounds what a client may hold: silent, slow and surplus connections are closed.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { listenHttp } from '../../src/entry-points/http-server';

const app = (_req: unknown, res: { end(body: string): void }) => res.end('ok');

function connect(server: Server): Promise<net.Socket> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined);
    socket.resume(); // read what the server says (a 408), so its closing is seen
  });
}

/** Resolves true when the server closes the socket within `ms` (a bound, not a measurement). */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function get(server: Server): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

describe('HTTP server limits', () => {
  let server: Server;
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when a client connects and never sends a byte, then the connection is closed, and others are still served', async () => {
    server = await listenHttp(app as never, { port: 0, host: '127.0.0.1' }, { firstByteTimeoutMs: 200 });
    const silent = await connect(server);
    expect(await closedWithin(silent, 5_000)).toBe(true);
    expect(await get(server)).toBe('ok');
  });

  it('when a client sends headers and never finishes them, then the connection is closed', async () => {
    server = await listenHttp(
      app as never,
      { port: 0, host: '127.0.0.1' },
      { headersTimeoutMs: 300, requestTimeoutMs: 400 },
    );
    const slow = await connect(server);
    slow.write('POST /webhook HTTP/1.1\r\nHost: x\r\n');
    expect(await closedWithin(slow, 5_000)).toBe(true);
  });

  it('when a client sends a body and never finishes it, then the connection is closed', async () => {
    server = await listenHttp(
      app as never,
      { port: 0, host: '127.0.0.1' },
      { headersTimeoutMs: 300, requestTimeoutMs: 400 },
    );
    const slow = await connect(server);
    slow.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":');
    expect(await closedWithin(slow, 5_000)).toBe(true);
  });

  it('when more connections than the cap are open, then the surplus one is refused and the first ones stay', async () => {
    server = await listenHttp(
      app as never,
      { port: 0, host: '127.0.0.1' },
      { maxConnections: 3, firstByteTimeoutMs: 60_000 },
    );
    const held = await Promise.all([connect(server), connect(server), connect(server)]);
    const surplus = await connect(server);
    expect(await closedWithin(surplus, 5_000)).toBe(true);
    expect(held.some((s) => s.destroyed)).toBe(false);
    held[0]!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(await get(server)).toBe('ok');
  });
});
