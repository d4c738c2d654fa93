// Another instance of the hub on the fixture's store and LINE, as behind a load balancer.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hub } from '../../src/app';
import type { Store } from '../../src/store/store-port';
import { testHub, type HubFixture } from './hub-fixture';

export interface SecondInstance {
  hub: Hub;
  webhookUrl: string;
  close(): Promise<void>;
}

/** A second instance of the hub on the fixture's store and LINE, listening on its own port. */
export async function secondInstance(
  f: HubFixture,
  store: Store = f.store,
  options: Parameters<typeof testHub>[2] = {},
): Promise<SecondInstance> {
  const { hub, line } = testHub(f.emulatorUrl, store, { clock: f.clock, ...options });
  await hub.start();
  const server: Server = await new Promise((resolve) => {
    const s = hub.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    hub,
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    async close() {
      await hub.drain();
      await hub.stop();
      await line.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
