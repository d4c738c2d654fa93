import { randomBytes } from 'node:crypto';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import { describeStoreContract } from './store-contract';

// Runs only against a MongoDB someone points us at (tests may reach loopback only, so a local
// server or a tunnel). Each test gets a fresh database and drops it afterwards.
const uri = process.env.MONGODB_URI;

if (uri) {
  describeStoreContract(
    'mongo',
    () =>
      MongoStore.connect(uri, {
        dbName: `ssz_contract_${randomBytes(6).toString('hex')}`,
        serverSelectionTimeoutMs: 5000,
      }),
    (s) => (s as MongoStore).dropDatabase(),
  );
} else {
  describe('store contract: mongo', () => {
    it.skip('skipped: no MongoDB (set MONGODB_URI to run the store contract against MongoDB)', () => undefined);
  });
}
