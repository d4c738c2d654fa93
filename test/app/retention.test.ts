// The hub's hourly retention job on a clock the test moves: what stays in the store, and for how
// long, of events that failed and messages that were never sent (review D13: they were kept forever,
// with what the person wrote), and of conversations left unfinished with their photos.
import { MemoryMediaStore } from '../../src/media/media-store';
import type { InboxEntry } from '../../src/store/repositories/inbox-repository';
import type { OutboxEntry, OutboxStatus } from '../../src/store/repositories/outbox-repository';
import type { ManualClock } from '../../src/util/clock';
import { startHub, uid, type HubFixture } from '../support/hub-fixture';

const DAY = 24 * 60 * 60_000;
const SOMCHAI = uid('a');

describe('retention', () => {
  let f: HubFixture;
  let clock: ManualClock;
  let media: MemoryMediaStore;
  beforeEach(async () => {
    media = new MemoryMediaStore();
    f = await startHub({ clock: 'manual', media });
    clock = f.clock as ManualClock;
  });
  afterEach(async () => {
    await f.close();
  });

  it('when an event failed, then its words are dropped after 7 days, the error kept, and the entry is gone after 30', async () => {
    const inbox = f.hub.repos.inbox;
    const event = { type: 'message', message: { type: 'text', text: 'ขโมยขึ้นบ้านเลขที่ 12 ซอยสันติสุข' } };
    const entry: InboxEntry = {
      _id: '01JD0000000000000000000000',
      seq: clock.now() * 1000,
      sourceKey: `user:${SOMCHAI}`,
      event,
      status: 'pending',
      receivedAt: clock.now(),
      attempts: 0,
    };
    await inbox.accept([entry]);
    await inbox.markFailed(entry._id, 'StaleSessionError: session changed since revision 3', clock.now());

    clock.advance(6 * DAY);
    await f.hub.scheduler.retentionTick();
    expect((await inbox.get(entry._id))?.event).toEqual(event);

    clock.advance(2 * DAY);
    await f.hub.scheduler.retentionTick();
    const kept = await inbox.get(entry._id);
    expect(kept).toMatchObject({ status: 'failed', error: 'StaleSessionError: session changed since revision 3' });
    expect(kept?.event).toBeUndefined();
    expect(JSON.stringify(kept)).not.toContain('สันติสุข');

    clock.advance(23 * DAY);
    await f.hub.scheduler.retentionTick();
    expect(await inbox.get(entry._id)).toBeNull();
  });

  it('when LINE redelivers an event handled 6 days ago, then it is still known and not answered twice; 7 days on, its entry and sent answer are gone', async () => {
    f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
    const sent = await f.emulator.driver.text({ userId: SOMCHAI }, 'สวัสดีค่ะ');
    await f.settle();
    const id = sent.events[0].webhookEventId;
    const answers = f.seen(SOMCHAI).length;
    expect(await f.hub.repos.inbox.get(id)).toMatchObject({ status: 'done' });
    expect(await f.hub.repos.outbox.count('sent')).toBeGreaterThan(0);

    clock.advance(6 * DAY);
    await f.hub.scheduler.retentionTick();
    const again = await f.emulator.driver.redeliver(sent.events[0]);
    expect(JSON.parse(again.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    await f.settle();
    expect(f.seen(SOMCHAI)).toHaveLength(answers);
    expect(await f.hub.repos.outbox.count('sent')).toBeGreaterThan(0);

    clock.advance(1 * DAY + 60_000);
    await f.hub.scheduler.retentionTick();
    expect(await f.hub.repos.inbox.get(id)).toBeNull();
    expect(await f.hub.repos.outbox.count('sent')).toBe(0);
  });

  it('when messages were never sent, then failed ones go 30 days after they were queued and held ones after 45', async () => {
    const outbox = f.hub.repos.outbox;
    const queued = clock.now();
    const row = (id: string, status: OutboxStatus): OutboxEntry => ({
      _id: id,
      kind: 'push',
      to: SOMCHAI,
      messages: [{ type: 'text', text: 'เจ้าหน้าที่รับเรื่อง HYI-69-000001 แล้วค่ะ' }],
      retryKey: `key-${id}`,
      orderKey: SOMCHAI,
      status,
      attempts: 12,
      nextAttemptAt: queued,
      createdAt: queued,
      seq: queued * 1000,
      purpose: 'case-update',
      lastError: status === 'held' ? '429 monthly limit' : '400 invalid',
    });
    await outbox.add(row('failed-1', 'failed'));
    await outbox.add(row('held-1', 'held'));

    clock.advance(29 * DAY);
    await f.hub.scheduler.retentionTick();
    expect((await outbox.find({})).map((r) => r._id).sort()).toEqual(['failed-1', 'held-1']);

    clock.advance(2 * DAY);
    await f.hub.scheduler.retentionTick();
    expect((await outbox.find({})).map((r) => r._id)).toEqual(['held-1']);

    clock.advance(15 * DAY);
    await f.hub.scheduler.retentionTick();
    expect(await outbox.find({})).toEqual([]);
  });

  it('when more conversations expired than one page of the purge holds, then all of them go with their photos, and live ones stay', async () => {
    const sessions = f.hub.repos.sessions;
    const state = (expiresAt: number, held: string[] = []) => ({
      flow: 'report',
      version: 1,
      step: 'photos',
      data: {},
      media: held,
      expiresAt,
      updatedAt: clock.now(),
    });
    const photos: string[] = [];
    for (let i = 0; i < 600; i++) {
      const held = i % 100 === 0 ? [(await media.save(Buffer.from(`photo ${i}`), { messageId: `${i}` })).token] : [];
      photos.push(...held);
      await sessions.put(uid(`e${i}`), state(clock.now() + 30 * 60_000, held), 0);
    }
    const live = (await media.save(Buffer.from('a draft still open'), { messageId: 'live' })).token;
    clock.advance(31 * 60_000);
    await sessions.put(SOMCHAI, state(clock.now() + 30 * 60_000, [live]), 0);

    await f.hub.scheduler.retentionTick();
    expect(await f.store.collection('sessions').count({})).toBe(1);
    expect(await sessions.get(SOMCHAI)).toMatchObject({ media: [live] });
    expect(photos).toHaveLength(6);
    for (const token of photos) expect(await media.read(token)).toBeNull();
    expect(await media.read(live)).not.toBeNull();
  });
});
