// What the hub asks of a MongoDB deployment at connect, against the wire double answering `hello`
// and `buildInfo` as each kind of server would: the write concern every write carries, a warning
// for a standalone server, and a refusal, naming what was found, for MongoDB 4.4 and FerretDB.
import { MongoStore, UnsupportedMongoServerError } from '../../src/store/mongo/mongo-store';
import { CaseRepository } from '../../src/store/repositories/case-repository';
import { SessionRepository } from '../../src/store/repositories/session-repository';
import { FakeMongoWire, type ServerProfile } from '../support/fake-mongo-wire';

const doubles: FakeMongoWire[] = [];
async function serverAs(profile: ServerProfile): Promise<FakeMongoWire> {
  const double = await new FakeMongoWire(profile).start();
  doubles.push(double);
  return double;
}
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.stop()));
});

describe('connecting to MongoDB', () => {
  it('when the server is a MongoDB 7 replica set, then the store connects without a warning and every write asks for majority and journal', async () => {
    const double = await serverAs('replica-set');
    const warnings: string[] = [];
    const store = await MongoStore.connect(double.uri('hub'), { onWarning: (w) => warnings.push(w) });
    try {
      expect(store.server).toEqual({ version: '7.0.14', topology: 'replica set', replicaSet: 'rs0' });
      const cases = new CaseRepository(store);
      await cases.init();
      await cases.nextCaseNumber('HYI', Date.UTC(2026, 10, 25));
      const sessions = new SessionRepository(store);
      const state = { flow: 'report', version: 1, step: 'category', data: {}, expiresAt: 10, updatedAt: 1 };
      await sessions.put('U1', state, 0);
      await sessions.put('U1', { ...state, step: 'words' }, 1);
      await sessions.purgeExpired(100);
      await store.collection('things').updateMany({}, { $set: { n: 1 } });
    } finally {
      await store.close();
    }
    expect(warnings).toEqual([]);
    const writes = double.commands.filter((c) =>
      ['insert', 'update', 'delete', 'findAndModify', 'createIndexes'].includes(c.name),
    );
    expect(new Set(writes.map((c) => c.name))).toEqual(
      new Set(['insert', 'update', 'delete', 'findAndModify', 'createIndexes']),
    );
    for (const write of writes) expect(write.writeConcern).toEqual({ w: 'majority', j: true });
  });

  it('when the server is standalone, then the store connects and warns that there is no failover', async () => {
    const double = await serverAs('standalone');
    const warnings: string[] = [];
    const store = await MongoStore.connect(double.uri('hub'), { onWarning: (w) => warnings.push(w) });
    await store.close();
    expect(store.server).toEqual({ version: '7.0.14', topology: 'standalone' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/MongoDB 7\.0\.14 is a standalone server, not a replica set: no failover/);
    expect(warnings[0]).toMatch(/replica set \(one member is enough to start\) or Atlas M10/);
  });

  it('when the replica set has an arbiter, then the store connects and warns that writes wait while a member is down', async () => {
    const double = await serverAs('replica-set-with-arbiter');
    const warnings: string[] = [];
    const store = await MongoStore.connect(double.uri('hub'), { onWarning: (w) => warnings.push(w) });
    await store.close();
    expect(store.server).toEqual({ version: '7.0.14', topology: 'replica set', replicaSet: 'rs0' });
    expect(warnings).toEqual([expect.stringMatching(/^Replica set rs0 has an arbiter: .*three data-bearing members/)]);
  });

  it('when the server is MongoDB 4.4, then the store refuses it, naming the version found and the one needed', async () => {
    const double = await serverAs('mongodb-4.4');
    const connecting = MongoStore.connect(double.uri('hub'));
    await expect(connecting).rejects.toBeInstanceOf(UnsupportedMongoServerError);
    await expect(connecting).rejects.toThrow(
      /^unsupported MongoDB server: MongoDB 4\.4\.29\. The hub needs MongoDB 5\.0 or newer, as a replica set or Atlas M10/,
    );
  });

  it('when the server is FerretDB, then the store refuses it, naming FerretDB and why', async () => {
    const double = await serverAs('ferretdb-1');
    const connecting = MongoStore.connect(double.uri('hub'));
    await expect(connecting).rejects.toBeInstanceOf(UnsupportedMongoServerError);
    await expect(connecting).rejects.toThrow(
      /FerretDB v1\.24\.2 \(answering as MongoDB 7\.0\.42\).*findAndModify is not atomic.*nested arrays/,
    );
    // Refused before anything was written.
    expect(double.commands.filter((c) => c.name === 'insert' || c.name === 'createIndexes')).toEqual([]);
  });
});
