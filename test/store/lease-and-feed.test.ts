// Repository reads that pick one chat's lease and the dashboard's feed of changed cases: each must
// read only the documents it names (a mutation study found both would pass with any document).
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { CaseRepository } from '../../src/store/repositories/case-repository';
import { ChatLeaseRepository } from '../../src/store/repositories/chat-lease-repository';
import type { Case } from '../../src/domain/reports/case';

describe('chat leases', () => {
  it("when another chat's lease is held and this chat's lease has expired, then this chat is taken over", async () => {
    const store = new EmbeddedStore();
    const leases = new ChatLeaseRepository(store);
    await leases.init();
    expect(await leases.acquire('user:A', 'instance-1', 1_000, 10_000)).toBe('free'); // held until 11,000
    expect(await leases.acquire('user:B', 'instance-2', 1_000, 1_000)).toBe('free'); // expired at 2,000
    expect(await leases.acquire('user:B', 'instance-3', 5_000, 10_000)).toBe('taken-over');
    expect(await leases.acquire('user:A', 'instance-3', 5_000, 10_000)).toBe(false);
  });
});

describe("the dashboard's feed of changed cases", () => {
  it('when cases changed before and after a moment, then only those changed or posted to the group since are listed, oldest change first', async () => {
    const store = new EmbeddedStore();
    const cases = new CaseRepository(store);
    const raw = store.collection<{ _id: string; updatedAt: number; routedAt?: number }>('cases');
    await raw.insert({ _id: 'case-1', updatedAt: 100 });
    await raw.insert({ _id: 'case-2', updatedAt: 300 });
    await raw.insert({ _id: 'case-3', updatedAt: 150, routedAt: 250 }); // posted late
    await raw.insert({ _id: 'case-4', updatedAt: 120, routedAt: 130 });
    const feed = (await cases.changedSince(200, 10)) as Array<Pick<Case, '_id'>>;
    expect(feed.map((c) => c._id)).toEqual(['case-3', 'case-2']);
  });
});
