// A hub dies in the middle of a broadcast's fan-out (some batches planned and sent, the rest not);
// the next process on the same store finishes it: every follower gets the broadcast exactly once.
import type { Hub } from '../../src/app';
import type { Group } from '../../src/domain/people';
import { createEmulator, type Emulator } from '../../src/emulator';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { Store } from '../../src/store/store-port';
import { ManualClock } from '../../src/util/clock';
import { InterceptedStore } from '../support/intercepted-store';
import { seedFollowers } from '../support/zone-news';
import { SECRET, TEST_EPOCH, TOKEN, gid, testHub } from '../support/hub-fixture';

const ZONE = 'HYI-santisuk';
const GROUP = gid('5');
const FOLLOWERS = 1_600;

/**
 * The embedded store until the process "dies" at the n-th batch a fan-out stores: that write and every
 * write after it never complete, as after a SIGKILL. Reads go on, so the dead process's outbox still
 * sends what it had queued (and cannot record that it did).
 */
class DiesAtBatch extends InterceptedStore {
  private stored = 0;
  private dead = false;
  constructor(
    inner: EmbeddedStore,
    private readonly n: number,
  ) {
    super(inner);
  }
  protected around(collection: string, method: string, _args: unknown[], proceed: () => Promise<unknown>) {
    if (method === 'find' || method === 'findOne' || method === 'count') return proceed();
    if (collection === 'broadcastBatches' && method === 'insertNew' && ++this.stored === this.n) this.dead = true;
    return this.dead ? new Promise(() => undefined) : proceed();
  }
}

async function seed(store: Store): Promise<string[]> {
  const ids = await seedFollowers(store, FOLLOWERS, ZONE);
  await store.collection<Group>('groups').insertNew([
    {
      _id: GROUP,
      kind: 'community',
      stationCode: 'HYI',
      zoneId: ZONE,
      active: true,
      joinedAt: TEST_EPOCH,
      updatedAt: TEST_EPOCH,
    },
  ]);
  return ids;
}

describe('a restart in the middle of a fan-out', () => {
  let emulator: Emulator;
  let closeEmulator: () => Promise<void>;
  let lineUrl: string;
  const clock = new ManualClock(TEST_EPOCH);

  beforeEach(async () => {
    emulator = createEmulator({ channelSecret: SECRET, channelAccessToken: TOKEN, now: () => clock.now() });
    const listening = await emulator.listen(0, '127.0.0.1');
    lineUrl = listening.url;
    closeEmulator = listening.close;
    emulator.groups.add({ groupId: GROUP, groupName: 'ชุมชนสันติสุข', memberIds: [] });
  });
  afterEach(async () => {
    await closeEmulator();
  });

  it('when the process dies after planning 2 of 4 batches, then the next one finishes the run and every follower and the group get it exactly once', async () => {
    const inner = new EmbeddedStore();
    const followers = await seed(inner);
    const dying = testHub(lineUrl, new DiesAtBatch(inner, 3), { clock, seed: true });
    await dying.hub.start();
    // What POST /admin/broadcasts calls; it never completes (its process is gone), so it is not awaited.
    void dying.hub.broadcasts.create({
      audience: { kind: 'zones', zoneIds: [ZONE] },
      text: { th: 'ประกาศทดสอบการรีสตาร์ต' },
      schedule: { kind: 'now' },
      origin: { kind: 'admin' },
    });
    // The dead process's outbox sends the two batches it queued (LINE takes them; the store never hears).
    const taken = () => emulator.calls({ endpoint: 'multicast' }).filter((c) => c.status === 200);
    await emulator.waitFor(() => taken().length >= 2, 5_000);
    expect(taken()).toHaveLength(2);

    // The next process, on what reached the store. The dead one's lease on the run runs out first.
    clock.advance(61_000);
    const next: { hub: Hub; line: { close(): Promise<void> } } = testHub(lineUrl, inner, { clock, seed: true });
    const resumed = await next.hub.start();
    expect(resumed.resumedMessages).toBe(2);
    expect(await next.hub.scheduler.tick('broadcasts')).toBeGreaterThan(0);
    await next.hub.drain();
    await next.hub.scheduler.tick('broadcasts');

    const calls = emulator.calls({ endpoint: 'multicast' });
    const reached = taken().flatMap((c) => c.to as string[]);
    expect(reached).toHaveLength(FOLLOWERS);
    expect(new Set(reached)).toEqual(new Set(followers));
    // What the dead process had sent went again under the same retry key, and LINE said "already accepted".
    expect(calls.filter((c) => c.status === 409)).toHaveLength(2);
    for (const id of [followers[0]!, followers[999]!, followers[1_599]!])
      expect(emulator.delivered(id)).toHaveLength(1);
    expect(emulator.delivered(GROUP)).toHaveLength(1);

    const [broadcast] = await next.hub.repos.broadcasts.list();
    const [run] = await next.hub.repos.broadcasts.runsOf(broadcast!._id);
    expect(run).toMatchObject({ state: 'done', planned: true, recipients: { people: FOLLOWERS, groups: 1 } });
    expect(run!.batches).toEqual({ total: 5, accepted: 5, failed: 0, held: 0 });
    await next.hub.stop();
    await next.line.close();
    await dying.line.close();
  });
});
