import type { Request, Response } from 'express';

/**
 * Server-Sent Events for the simulator page. Publishing costs nothing while no page is open, which keeps
 * the benchmark hot path free of serialisation.
 */
export class EventStream {
  private readonly clients = new Set<Response>();
  private heartbeat: NodeJS.Timeout | undefined;

  get hasClients(): boolean {
    return this.clients.size > 0;
  }

  attach(req: Request, res: Response): void {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    if (!this.heartbeat) {
      // A comment line now and then stops proxies and browsers from dropping an idle stream.
      this.heartbeat = setInterval(() => {
        for (const client of this.clients) client.write(': ping\n\n');
      }, 15_000);
      this.heartbeat.unref();
    }
  }

  publish(type: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients) client.write(frame);
  }

  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
