import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { describeStoreContract } from './store-contract';

describeStoreContract('embedded, in memory', async () => new EmbeddedStore());

const dirs: string[] = [];
describeStoreContract('embedded, on disk', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
  dirs.push(dir);
  return new EmbeddedStore({ dir });
});

describe('embedded store on disk', () => {
  it('when the process restarts, then what was written is read back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const first = new EmbeddedStore({ dir });
    await first.collection<{ _id: string; n: number }>('things').insert({ _id: 'a', n: 1 });
    await first.collection<{ _id: string; n: number }>('things').updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    // No close(): a crash does not compact. The append-only file alone must carry the data.
    const second = new EmbeddedStore({ dir });
    await second.open(['things']);
    expect(await second.collection<{ _id: string; n: number }>('things').findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
    await second.close();
  });
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
