// The one contract both store adapters are held to. Each adapter's test file calls
// describeStoreContract with a factory; the mongo one runs only when MONGODB_URI is set.
import { DuplicateKeyError, type Store } from '../../src/store/store-port';
import { InboxRepository, type InboxEntry } from '../../src/store/repositories/inbox-repository';
import { LeaseRepository } from '../../src/store/repositories/lease-repository';
import { SessionRepository, StaleSessionError } from '../../src/store/repositories/session-repository';
import { UserRepository } from '../../src/store/repositories/user-repository';
import { GroupRepository } from '../../src/store/repositories/group-repository';
import { OutboxRepository, type OutboxEntry, type OutboxStatus } from '../../src/store/repositories/outbox-repository';
import { PURGE_BATCH } from '../../src/store/repositories/retention';
import { ZoneRepository } from '../../src/store/repositories/zone-repository';
import type { Zone } from '../../src/domain/places';

const DAY = 24 * 60 * 60_000;

/** A webhook event as the inbox accepts it. */
const pendingEntry = (id: string, seq: number, event: InboxEntry['event'] = { type: 'message' }): InboxEntry => ({
  _id: id,
  seq,
  sourceKey: 'U1',
  event,
  status: 'pending',
  receivedAt: 1,
  attempts: 0,
});

interface Thing {
  _id: string;
  n: number;
  tag?: string;
  at?: number;
  list?: string[];
  nested?: { a: number };
}

export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  dropStore?: (s: Store) => Promise<void>,
): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      if (dropStore) await dropStore(store);
      await store.close();
    });

    it('when a document is inserted, then it is found by id and by field, as a plain object', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'a', n: 1, tag: 'x', nested: { a: 2 } });
      const found = await things.findOne({ _id: 'a' });
      expect(found).toEqual({ _id: 'a', n: 1, tag: 'x', nested: { a: 2 } });
      expect(await things.findOne({ 'nested.a': 2 })).toMatchObject({ _id: 'a' });
      expect(await things.findOne({ _id: 'missing' })).toBeNull();
    });

    it('when the same id is inserted twice, then DuplicateKeyError is thrown and the first stays', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'a', n: 1 });
      await expect(things.insert({ _id: 'a', n: 2 })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await things.findOne({ _id: 'a' }))?.n).toBe(1);
    });

    it('when a unique sparse index exists, then a clash on it is a DuplicateKeyError and documents without the field never clash', async () => {
      const things = store.collection<Thing>('things');
      await things.ensureIndex({ field: 'tag', unique: true, sparse: true });
      await things.insert({ _id: 'a', n: 1, tag: 'x' });
      await expect(things.insert({ _id: 'b', n: 2, tag: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await things.insert({ _id: 'c', n: 3 });
      await things.insert({ _id: 'd', n: 4 });
      expect((await things.find({}, { sort: { n: 1 } })).map((t) => t._id)).toEqual(['a', 'c', 'd']);
    });

    it('when a batch holds known ids, then insertNew stores only the new ones and returns them', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'b', n: 0 });
      const fresh = await things.insertNew([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 2 },
        { _id: 'c', n: 3 },
      ]);
      expect(fresh.sort()).toEqual(['a', 'c']);
      expect((await things.findOne({ _id: 'b' }))?.n).toBe(0);
      expect(await things.count({})).toBe(3);
    });

    it('when finding with operators, sort, skip and limit, then the right documents come back in order', async () => {
      const things = store.collection<Thing>('things');
      for (let i = 0; i < 10; i++) await things.insert({ _id: `t${i}`, n: i, tag: i % 2 ? 'odd' : 'even' });
      const odd = await things.find({ tag: 'odd', n: { $gte: 3 } }, { sort: { n: -1 }, limit: 2 });
      expect(odd.map((t) => t.n)).toEqual([9, 7]);
      expect((await things.find({ n: { $in: [1, 2, 42] } }, { sort: { n: 1 } })).map((t) => t.n)).toEqual([1, 2]);
      expect(await things.count({ n: { $lt: 5 }, tag: { $ne: 'odd' } })).toBe(3);
      expect((await things.find({ $or: [{ n: 0 }, { n: 9 }] }, { sort: { n: 1 } })).map((t) => t.n)).toEqual([0, 9]);
      expect((await things.find({}, { sort: { n: 1 }, skip: 8 })).map((t) => t.n)).toEqual([8, 9]);
      expect(await things.count({ tag: { $exists: false } })).toBe(0);
    });

    it('when documents are chosen by a range of ids, updated and deleted, then each id answers for exactly its document', async () => {
      const things = store.collection<Thing>('things');
      // Inserted out of id order: an id range must not depend on the order documents arrived in.
      for (const id of ['t5', 't1', 't9', 't3', 't7']) await things.insert({ _id: id, n: Number(id.slice(1)) });
      const range = await things.find({ _id: { $gt: 't1', $lte: 't7' } }, { sort: { _id: 1 } });
      expect(range.map((t) => t._id)).toEqual(['t3', 't5', 't7']);
      expect((await things.find({ _id: { $lt: 't5' } }, { sort: { _id: -1 }, limit: 1 })).map((t) => t._id)).toEqual([
        't3',
      ]);

      await things.updateOne({ _id: 't5' }, { $set: { tag: 'changed' } });
      expect(await things.findOne({ _id: 't5' })).toEqual({ _id: 't5', n: 5, tag: 'changed' });
      expect((await things.find({ _id: { $in: ['t5', 't9', 'nope'] } }, { sort: { n: 1 } })).map((t) => t.tag)).toEqual(
        ['changed', undefined],
      );

      expect(await things.deleteMany({ _id: 't3' })).toBe(1);
      expect(await things.findOne({ _id: 't3' })).toBeNull();
      await things.insert({ _id: 't3', n: 33 });
      expect((await things.findOne({ _id: 't3' }))?.n).toBe(33);
      expect(await things.count({})).toBe(5);
    });

    it('when updating with a condition, then only a matching document changes (compare-and-set)', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'a', n: 1, tag: 'new' });
      const first = await things.updateOne({ _id: 'a', tag: 'new' }, { $set: { tag: 'taken' }, $inc: { n: 1 } });
      const second = await things.updateOne({ _id: 'a', tag: 'new' }, { $set: { tag: 'again' } });
      expect(first).toMatchObject({ _id: 'a', n: 2, tag: 'taken' });
      expect(second).toBeNull();
    });

    it('when many concurrent compare-and-sets race, then exactly one wins', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'case', n: 0, tag: 'new' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          things.updateOne({ _id: 'case', tag: 'new' }, { $set: { tag: `officer${i}` } }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('when upserting, then a missing document is created from the filter and the update, and counters are atomic', async () => {
      const counters = store.collection<{ _id: string; seq: number }>('counters');
      const values = await Promise.all(
        Array.from({ length: 25 }, () => counters.upsertOne({ _id: 'HYI-69' }, { $inc: { seq: 1 } })),
      );
      expect(values.map((v) => v.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('when an upsert carries $setOnInsert, then those fields are written only by the insert and the other operators always apply', async () => {
      const things = store.collection<Thing>('things');
      const created = await things.upsertOne({ _id: 'a' }, { $setOnInsert: { tag: 'first', n: 1 }, $set: { at: 1 } });
      expect(created).toEqual({ _id: 'a', tag: 'first', n: 1, at: 1 });
      await things.updateOne({ _id: 'a' }, { $set: { tag: 'changed since' } });
      const again = await things.upsertOne({ _id: 'a' }, { $setOnInsert: { tag: 'first', n: 1 }, $set: { at: 2 } });
      expect(again).toEqual({ _id: 'a', tag: 'changed since', n: 1, at: 2 });
      // Concurrent first sights of one id: one document, with the insert's fields once.
      const raced = await Promise.all(
        Array.from({ length: 10 }, (_, i) => things.upsertOne({ _id: 'b' }, { $setOnInsert: { n: i } })),
      );
      expect(new Set(raced.map((r) => r.n)).size).toBe(1);
      expect(await things.count({ _id: 'b' })).toBe(1);
    });

    it('when $unset, $push and updateMany are used, then fields go, lists grow and the count is returned', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'a', n: 1, tag: 'x', list: [] });
      await things.insert({ _id: 'b', n: 1, tag: 'x' });
      const a = await things.updateOne({ _id: 'a' }, { $unset: { tag: true }, $push: { list: 'one' } });
      expect(a).toEqual({ _id: 'a', n: 1, list: ['one'] });
      expect(await things.updateMany({ n: 1 }, { $set: { at: 5 } })).toBe(2);
      expect(await things.deleteMany({ at: 5 })).toBe(2);
      expect(await things.count({})).toBe(0);
    });

    it('when an update has no operators, then the document is left as it was', async () => {
      const things = store.collection<Thing>('things');
      await things.insert({ _id: 'a', n: 1, tag: 'x' });
      expect(await things.updateOne({ _id: 'a' }, { $set: {} })).toEqual({ _id: 'a', n: 1, tag: 'x' });
      expect(await things.updateMany({ _id: 'a' }, {})).toBe(1);
      expect(await things.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1, tag: 'x' });
    });

    it('when a compound key is unique, then only a clash on the whole key is a DuplicateKeyError', async () => {
      const things = store.collection<Thing>('things');
      await things.ensureIndex({ fields: { tag: 1, n: 1 }, unique: true });
      await things.insert({ _id: 'a', n: 1, tag: 'x' });
      await things.insert({ _id: 'b', n: 2, tag: 'x' });
      await things.insert({ _id: 'c', n: 1, tag: 'y' });
      await expect(things.insert({ _id: 'd', n: 1, tag: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await things.count({})).toBe(3);
    });

    it('when an update would give a document a unique key another holds, then it is a DuplicateKeyError and both stay', async () => {
      const things = store.collection<Thing>('things');
      await things.ensureIndex({ field: 'tag', unique: true, sparse: true });
      await things.insert({ _id: 'a', n: 1, tag: 'x' });
      await things.insert({ _id: 'b', n: 2, tag: 'y' });
      await expect(things.updateOne({ _id: 'b' }, { $set: { tag: 'x', n: 3 } })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await expect(things.updateMany({ _id: 'b' }, { $set: { tag: 'x' } })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await things.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', n: 1, tag: 'x' },
        { _id: 'b', n: 2, tag: 'y' },
      ]);
    });

    it('when a compound index is declared twice and then dropped, then queries answer the same throughout', async () => {
      const things = store.collection<Thing>('things');
      const index = { fields: { tag: 1, at: -1 }, embeddedField: 'tag' } as const;
      await things.ensureIndex(index);
      await things.ensureIndex(index);
      for (let i = 0; i < 6; i++) await things.insert({ _id: `t${i}`, n: i, tag: i % 2 ? 'odd' : 'even', at: i });
      const newestOdd = async () => (await things.find({ tag: 'odd' }, { sort: { at: -1 }, limit: 2 })).map((t) => t.n);
      expect(await newestOdd()).toEqual([5, 3]);
      await things.dropIndex(index);
      await things.dropIndex(index); // already gone: nothing happens
      await things.dropIndex({ field: 'never-declared' });
      expect(await newestOdd()).toEqual([5, 3]);
    });

    it('when the oldest are deleted in batches, then only matching documents go, oldest first, at most the limit each time', async () => {
      const things = store.collection<Thing>('things');
      await things.ensureIndex({ field: 'at' });
      for (const i of [7, 2, 9, 0, 4, 6, 1, 8, 3, 5]) {
        await things.insert({ _id: `t${i}`, n: i, tag: i % 2 ? 'odd' : 'even', at: 1000 + i });
      }
      const old = { tag: 'even', at: { $lt: 1008 } };
      const remaining = async () => (await things.find({}, { sort: { at: 1 } })).map((t) => t.n);
      expect(await things.deleteOldest(old, 'at', 2)).toBe(2);
      expect(await remaining()).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
      expect(await things.deleteOldest(old, 'at', 2)).toBe(2);
      expect(await things.deleteOldest(old, 'at', 2)).toBe(0);
      expect(await remaining()).toEqual([1, 3, 5, 7, 8, 9]);
      // Without an index on the field it orders by, the same answer.
      expect(await things.deleteOldest({ tag: 'odd', n: { $gte: 3 } }, 'n', 2)).toBe(2);
      expect(await remaining()).toEqual([1, 7, 8, 9]);
    });

    it('when it is asked, then ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('repositories', () => {
      it('when webhook events are accepted twice, then the inbox keeps one of each and resumes in order', async () => {
        const inbox = new InboxRepository(store);
        await inbox.init();
        const entry = (id: string, seq: number) => pendingEntry(id, seq);
        expect((await inbox.accept([entry('e2', 2), entry('e1', 1)])).map((e) => e._id)).toEqual(['e2', 'e1']);
        expect(await inbox.accept([entry('e1', 3), entry('e3', 4)])).toEqual([expect.objectContaining({ _id: 'e3' })]);
        expect(await inbox.markManyDone(['e2'], 10)).toBe(1);
        await inbox.markFailed('e3', 'boom', 11);
        expect((await inbox.unfinished()).map((e) => e._id)).toEqual(['e1']);
        expect(await inbox.get('e3')).toMatchObject({
          status: 'failed',
          error: 'boom',
          attempts: 1,
          event: { type: 'message' },
        });
        // Handled: kept for deduplication, without the event; many at once in one operation.
        expect(await inbox.get('e2')).toEqual(
          expect.objectContaining({ status: 'done', doneAt: 10, attempts: 1, event: undefined }),
        );
        expect(await inbox.markManyDone(['e1'], 12)).toBe(1);
        expect(await inbox.unfinished()).toEqual([]);
        expect(await inbox.accept([entry('e1', 5)])).toEqual([]); // still a duplicate
      });

      it('when zones are imported out of id order, then they are listed by id: the order overlapping zones route by', async () => {
        const zones = new ZoneRepository(store);
        await zones.init();
        const zone = (id: string): Zone => ({
          _id: id,
          stationCode: 'HYI',
          name: { th: id, en: id, ms: id },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [100.4, 7.0],
                [100.41, 7.0],
                [100.41, 7.01],
                [100.4, 7.0],
              ],
            ],
          },
          createdAt: 1,
          updatedAt: 1,
        });
        await zones.importZones([zone('Z3'), zone('Z1')]);
        await zones.importZones([zone('Z2')]);
        expect((await zones.all()).map((z) => z._id)).toEqual(['Z1', 'Z2', 'Z3']);
      });

      it('when writes are made, then synced() resolves once they are written out', async () => {
        const things = store.collection<Thing>('things');
        await things.insert({ _id: 'a', n: 1 });
        await expect(store.synced()).resolves.toBeUndefined();
        expect(await things.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
      });

      it('when two writers hold the same session revision, then the second write is refused', async () => {
        const sessions = new SessionRepository(store);
        const state = { flow: 'report', version: 1, step: 'category', data: {}, expiresAt: 100, updatedAt: 1 };
        const first = await sessions.put('U1', state, 0);
        await expect(sessions.put('U1', state, 0)).rejects.toBeInstanceOf(StaleSessionError);
        const second = await sessions.put('U1', { ...state, step: 'description' }, first.rev);
        await expect(sessions.put('U1', state, first.rev)).rejects.toBeInstanceOf(StaleSessionError);
        expect(second).toMatchObject({ step: 'description', rev: 2 });
        expect(await sessions.purgeExpired(101)).toBe(1);
        expect(await sessions.get('U1')).toBeNull();
      });

      it('when two holders race for a lease, then one gets it until it expires', async () => {
        const leases = new LeaseRepository(store);
        const got = await Promise.all([
          leases.acquire('escalate', 'a', 1000, 500),
          leases.acquire('escalate', 'b', 1000, 500),
        ]);
        expect(got.filter(Boolean)).toHaveLength(1);
        const winner = got[0] ? 'a' : 'b';
        const loser = got[0] ? 'b' : 'a';
        expect(await leases.acquire('escalate', winner, 1200, 500)).toBe(true);
        expect(await leases.acquire('escalate', loser, 1600, 500)).toBe(false);
        expect(await leases.acquire('escalate', loser, 1701, 500)).toBe(true);
      });

      it('when a user declines consent, then only the id and the choice remain', async () => {
        const users = new UserRepository(store);
        await users.ensure('U1', 1);
        await users.saveProfile('U1', { displayName: 'Somchai', language: 'en' }, 2);
        await users.setLanguage('U1', 'ms', 3);
        const declined = await users.setConsent('U1', 'declined', 4);
        expect(declined).not.toHaveProperty('displayName');
        expect(declined).not.toHaveProperty('profileLanguage');
        expect(declined).toMatchObject({ _id: 'U1', consent: 'declined', chosenLanguage: 'ms' });
        expect(await users.saveProfile('U1', { displayName: 'Somchai' }, 5)).toBeNull();
      });

      it('when retention runs, then done entries go after their window, and a failed entry loses the event first and the rest later', async () => {
        const inbox = new InboxRepository(store);
        await inbox.init();
        const words = { type: 'message', message: { type: 'text', text: 'บ้านเลขที่ 12 โดนงัด' } };
        const entry = (id: string, seq: number) => pendingEntry(id, seq, words);
        await inbox.accept(
          ['done-old', 'done-new', 'failed-old', 'failed-new', 'pending'].map((id, i) => entry(id, i)),
        );
        await inbox.markManyDone(['done-old'], 1 * DAY);
        await inbox.markManyDone(['done-new'], 9 * DAY);
        await inbox.markFailed('failed-old', 'TypeError: boom', 1 * DAY);
        await inbox.markFailed('failed-new', 'TypeError: boom', 9 * DAY);

        expect(await inbox.purgeDone(2 * DAY)).toBe(1);
        expect(await inbox.dropFailedEvents(2 * DAY)).toBe(1);
        expect(await inbox.dropFailedEvents(2 * DAY)).toBe(0);
        expect(await inbox.get('failed-old')).toEqual(
          expect.objectContaining({ status: 'failed', error: 'TypeError: boom', doneAt: DAY, event: undefined }),
        );
        expect((await inbox.get('failed-new'))?.event).toEqual(words);

        expect(await inbox.purgeFailed(2 * DAY)).toBe(1);
        expect(await inbox.get('failed-old')).toBeNull();
        expect(await inbox.get('done-old')).toBeNull();
        expect((await inbox.unfinished()).map((e) => e._id)).toEqual(['pending']);
        expect(await inbox.count()).toBe(3);
      });

      it('when retention runs, then sent rows go by when they were sent, and failed and held rows by when they were queued', async () => {
        const outbox = new OutboxRepository(store);
        await outbox.init();
        const row = (id: string, status: OutboxStatus, createdAt: number, sentAt?: number): OutboxEntry => ({
          _id: id,
          kind: 'push',
          to: 'U1',
          messages: [{ type: 'text', text: 'รับเรื่องแล้วค่ะ' }],
          retryKey: `key-${id}`,
          orderKey: 'U1',
          status,
          attempts: 1,
          nextAttemptAt: createdAt,
          createdAt,
          seq: createdAt,
          purpose: 'help',
          ...(sentAt !== undefined ? { sentAt } : {}),
        });
        for (const r of [
          row('sent-old', 'sent', 1 * DAY, 1 * DAY),
          row('sent-late', 'sent', 1 * DAY, 9 * DAY),
          row('failed-old', 'failed', 1 * DAY),
          row('failed-new', 'failed', 9 * DAY),
          row('held-old', 'held', 1 * DAY),
          row('held-new', 'held', 9 * DAY),
          row('pending-old', 'pending', 1 * DAY),
        ])
          await outbox.add(r);

        expect(await outbox.purgeSent(2 * DAY)).toBe(1);
        expect(await outbox.purgeUnsent('failed', 2 * DAY)).toBe(1);
        expect(await outbox.purgeUnsent('held', 2 * DAY)).toBe(1);
        expect((await outbox.find({})).map((r) => r._id).sort()).toEqual([
          'failed-new',
          'held-new',
          'pending-old',
          'sent-late',
        ]);
      });

      it('when more rows are due than one batch holds, then the purge takes them all and leaves the rest', async () => {
        const inbox = new InboxRepository(store);
        await inbox.init();
        const n = PURGE_BATCH * 2 + 500;
        const entries = Array.from({ length: n + 10 }, (_, i) => pendingEntry(`e${i}`, i));
        await inbox.accept(entries);
        await inbox.markManyDone(
          entries.slice(0, n).map((e) => e._id),
          1 * DAY,
        );
        await inbox.markManyDone(
          entries.slice(n).map((e) => e._id),
          9 * DAY,
        );
        expect(await inbox.purgeDone(2 * DAY)).toBe(n);
        expect(await inbox.count('done')).toBe(10);
      });

      it('when a group is bound and then left, then the binding is gone', async () => {
        const groups = new GroupRepository(store);
        await groups.joined('C1', 1);
        await groups.bind('C1', 'station', { stationCode: 'HYI' }, 2);
        expect(await groups.stationGroup('HYI')).toMatchObject({ _id: 'C1', kind: 'station', active: true });
        await groups.left('C1', 3);
        expect(await groups.stationGroup('HYI')).toBeNull();
        expect(await groups.get('C1')).toMatchObject({ kind: 'unbound', active: false });
      });
    });
  });
}
