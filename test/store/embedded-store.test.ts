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

describe('embedded store on disk: what the data file holds', () => {
  type Note = { _id: string; at?: unknown; tags?: string[]; nested?: Record<string, unknown>; n?: number };

  it('when documents with and without Dates are written, then a restart reads back the same values, Dates as Dates', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const first = new EmbeddedStore({ dir });
    const notes = first.collection<Note>('notes');
    await notes.insert({ _id: 'plain', tags: ['ก', 'b'], nested: { text: 'สวัสดี "quoted"\n', n: 1.5, none: null } });
    await notes.insert({ _id: 'dated', nested: { when: new Date(Date.UTC(2026, 10, 25, 12, 0, 0)) } });
    await notes.updateOne({ _id: 'plain' }, { $set: { n: 2 } });
    await notes.updateOne({ _id: 'dated' }, { $set: { at: new Date(Date.UTC(2026, 0, 1)) } });
    // No close(): the appended lines alone must carry the data (loading compacts, so read them first).
    const lines = fs.readFileSync(path.join(dir, 'notes.db'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('"$$date"'))).toHaveLength(2); // both writes of the dated document
    const second = new EmbeddedStore({ dir });
    await second.open(['notes']);
    const again = second.collection<Note>('notes');
    expect(await again.findOne({ _id: 'plain' })).toEqual({ _id: 'plain', tags: ['ก', 'b'], nested: { text: 'สวัสดี "quoted"\n', n: 1.5, none: null }, n: 2 });
    const dated = await again.findOne({ _id: 'dated' });
    expect(dated!.at).toBeInstanceOf(Date);
    expect((dated!.at as Date).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(((dated!.nested as { when: Date }).when).toISOString()).toBe('2026-11-25T12:00:00.000Z');
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
