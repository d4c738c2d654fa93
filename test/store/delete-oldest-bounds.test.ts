// deleteOldest (retention's batch purge) over every kind of bound on the field it walks, with and
// without an index on it: the same documents go either way, oldest first, never one outside the bounds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { Filter } from '../../src/store/store-port';

interface Row {
  _id: string;
  n: number;
  tag: string;
}

describe.each([
  ['with an index on the field', true],
  ['without an index', false],
])('deleteOldest %s', (_, indexed) => {
  let store: EmbeddedStore;
  const rows = () => store.collection<Row>('rows');
  const left = async () => (await rows().find({}, { sort: { n: 1 } })).map((r) => r.n);
  beforeEach(async () => {
    store = new EmbeddedStore();
    if (indexed) await rows().ensureIndex({ field: 'n' });
    // Inserted out of order, so the index, not the insertion order, decides what is oldest.
    for (const n of [5, 1, 9, 3, 7, 2, 8, 4, 6, 10])
      await rows().insert({ _id: `r${n}`, n, tag: n % 2 ? 'odd' : 'even' });
  });
  afterEach(async () => {
    await store.close();
  });

  it.each<[string, Filter, number, number[]]>([
    ['n > 2 and n < 8, 3 at most', { n: { $gt: 2, $lt: 8 } }, 3, [1, 2, 6, 7, 8, 9, 10]],
    ['n >= 2 and n <= 4', { n: { $gte: 2, $lte: 4 } }, 10, [1, 5, 6, 7, 8, 9, 10]],
    ['n = 6', { n: 6 }, 10, [1, 2, 3, 4, 5, 7, 8, 9, 10]],
    ['n < 1 (nothing)', { n: { $lt: 1 } }, 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['odd ones, 2 at most', { tag: 'odd' }, 2, [2, 4, 5, 6, 7, 8, 9, 10]],
    ['odd ones above 4', { tag: 'odd', n: { $gt: 4 } }, 10, [1, 2, 3, 4, 6, 8, 10]],
  ])('when the filter is %s, then the oldest matching go and the rest stay', async (_name, filter, limit, kept) => {
    const before = await left();
    const removed = await rows().deleteOldest(filter, 'n', limit);
    expect(await left()).toEqual(kept);
    expect(removed).toBe(before.length - kept.length);
  });
});

describe('embedded store files', () => {
  it('when a document holds dates, also deep in lists, then they come back as dates after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-dates-'));
    try {
      const at = new Date(Date.UTC(2026, 10, 25, 13));
      const first = new EmbeddedStore({ dir });
      await first
        .collection<{ _id: string; plain: number; history: unknown[] }>('things')
        .insert({ _id: 'a', plain: 1, history: [{ events: [{ at }] }] });
      await first.close();
      const second = new EmbeddedStore({ dir });
      const back = await second
        .collection<{ _id: string; history: Array<{ events: Array<{ at: Date }> }> }>('things')
        .findOne({ _id: 'a' });
      expect(back!.history[0]!.events[0]!.at).toEqual(at);
      expect(back!.history[0]!.events[0]!.at).toBeInstanceOf(Date);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
