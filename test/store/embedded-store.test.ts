import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { InboxRepository } from '../../src/store/repositories/inbox-repository';
import { DuplicateKeyError } from '../../src/store/store-port';
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
    expect(await second.collection<{ _id: string; n: number }>('things').findOne({ _id: 'a' })).toEqual({
      _id: 'a',
      n: 2,
    });
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
    // Lines go out at the end of the event-loop turn, or when the store is synced (the webhook's 200).
    first.sync();
    const lines = fs.readFileSync(path.join(dir, 'notes.db'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('"$$date"'))).toHaveLength(2); // both writes of the dated document
    const second = new EmbeddedStore({ dir });
    await second.open(['notes']);
    const again = second.collection<Note>('notes');
    expect(await again.findOne({ _id: 'plain' })).toEqual({
      _id: 'plain',
      tags: ['ก', 'b'],
      nested: { text: 'สวัสดี "quoted"\n', n: 1.5, none: null },
      n: 2,
    });
    const dated = await again.findOne({ _id: 'dated' });
    expect(dated!.at).toBeInstanceOf(Date);
    expect((dated!.at as Date).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect((dated!.nested as { when: Date }).when.toISOString()).toBe('2026-11-25T12:00:00.000Z');
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('embedded store on disk: when writes reach the file', () => {
  it('when a write resolves, then its line reaches the file at sync() or by the end of the event-loop turn', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const store = new EmbeddedStore({ dir });
    const file = path.join(dir, 'things.db');
    const things = store.collection<{ _id: string; n: number }>('things');
    await store.open(['things']);
    const lines = () =>
      fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"n"'))
        : [];

    await things.insert({ _id: 'a', n: 1 });
    store.sync();
    expect(lines()).toEqual(['{"_id":"a","n":1}']);

    await things.insert({ _id: 'b', n: 2 });
    await things.updateOne({ _id: 'a' }, { $set: { n: 3 } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual(['{"_id":"a","n":1}', '{"_id":"b","n":2}', '{"_id":"a","n":3}']);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the inbox accepts webhook events, then they are in the file when it resolves (before the 200)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const store = new EmbeddedStore({ dir });
    await store.open(['inbox']);
    const inbox = new InboxRepository(store);
    const entry = {
      _id: '01JTESTEVENT0000000000001',
      seq: 1,
      sourceKey: 'user:U1',
      event: { type: 'message' },
      status: 'pending' as const,
      receivedAt: 1,
      attempts: 0,
    };
    await inbox.accept([entry]);
    // accept() waited for the end-of-turn write.
    expect(fs.readFileSync(path.join(dir, 'inbox.db'), 'utf8')).toContain('01JTESTEVENT0000000000001');
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('embedded store on disk: indexes of an earlier version', () => {
  it('when a data file carries the old status index of the inbox, then the first start-up removes it and later ones find nothing to remove', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const file = path.join(dir, 'inbox.db');
    // As an earlier version left it: the inbox indexed by status.
    const before = new EmbeddedStore({ dir });
    await before.collection('inbox').ensureIndex({ field: 'status' });
    await before.close();

    const indexLines = () =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('$$index'));
    for (let start = 0; start < 2; start++) {
      const store = new EmbeddedStore({ dir });
      await store.open(['inbox']);
      await new InboxRepository(store).init();
      store.sync();
      expect(indexLines().includes('{"$$indexRemoved":"status"}')).toBe(start === 0);
      await store.close(); // compacts: the file then holds the indexes there are
      expect(indexLines().map((l) => JSON.parse(l).$$indexCreated?.fieldName)).toEqual(['doneAt']);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('embedded store: an update that leaves an indexed field as it was', () => {
  type Row = { _id: string; code: string; zone: string; n: number };
  const rows = async () => {
    const store = new EmbeddedStore();
    const c = store.collection<Row>('rows');
    await c.ensureIndex({ field: 'code', unique: true });
    await c.ensureIndex({ field: 'zone' });
    await c.insert({ _id: 'a', code: 'A', zone: 'z1', n: 1 });
    await c.insert({ _id: 'b', code: 'B', zone: 'z1', n: 1 });
    return c;
  };

  it('when one field changes, then a query through each index finds the document as updated', async () => {
    const c = await rows();
    await c.updateOne({ _id: 'a' }, { $set: { n: 2 } });
    await c.updateMany({ zone: 'z1' }, { $inc: { n: 10 } });
    expect(await c.findOne({ code: 'A' })).toEqual({ _id: 'a', code: 'A', zone: 'z1', n: 12 });
    expect(await c.find({ zone: 'z1' }, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', code: 'A', zone: 'z1', n: 12 },
      { _id: 'b', code: 'B', zone: 'z1', n: 11 },
    ]);
    expect(await c.find({ zone: { $in: ['z1', 'z2'] }, n: { $gt: 11 } })).toEqual([
      { _id: 'a', code: 'A', zone: 'z1', n: 12 },
    ]);
  });

  it('when an update breaks a unique key, then it is refused and no index keeps any part of it', async () => {
    const c = await rows();
    // One write for both: "a" keeps its code (its entries are swapped in place), "b" would clash.
    await expect(c.updateMany({ zone: 'z1' }, { $set: { code: 'A', n: 9 } })).rejects.toThrow(DuplicateKeyError);
    await expect(c.updateOne({ _id: 'b' }, { $set: { code: 'A', n: 9 } })).rejects.toThrow(DuplicateKeyError);
    const unchanged = [
      { _id: 'a', code: 'A', zone: 'z1', n: 1 },
      { _id: 'b', code: 'B', zone: 'z1', n: 1 },
    ];
    expect(await c.find({ zone: 'z1' }, { sort: { _id: 1 } })).toEqual(unchanged);
    expect([await c.findOne({ code: 'A' }), await c.findOne({ code: 'B' })]).toEqual(unchanged);
    expect([await c.findOne({ _id: 'a' }), await c.findOne({ _id: 'b' })]).toEqual(unchanged);
  });

  it('when a queued row without the indexed field is written again and again, then it is found by the field once it has it', async () => {
    const store = new EmbeddedStore();
    const c = store.collection<{ _id: string; sentAt?: number; tries: number }>('queue');
    await c.ensureIndex({ fields: { status: 1, sentAt: 1 }, embeddedField: 'sentAt' });
    await c.insertNew([
      { _id: 'q1', tries: 0 },
      { _id: 'q2', tries: 0 },
    ]);
    for (let i = 0; i < 3; i++) await c.updateMany({}, { $inc: { tries: 1 } });
    await c.updateOne({ _id: 'q2' }, { $set: { sentAt: 5 } });
    expect(await c.find({ sentAt: { $lt: 10 } })).toEqual([{ _id: 'q2', sentAt: 5, tries: 3 }]);
    expect(await c.deleteOldest({ sentAt: { $lt: 10 } }, 'sentAt', 10)).toBe(1);
    expect(await c.find({})).toEqual([{ _id: 'q1', tries: 3 }]);
  });
});

describe('embedded store on disk: an index an earlier version built with other options', () => {
  it('when the inbox file holds its doneAt index built for every event, then start-up rebuilds it for handled events only, once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const file = path.join(dir, 'inbox.db');
    // As the previous version left it: every event in the doneAt index, handled or not.
    fs.writeFileSync(
      file,
      '{"_id":"e1","status":"done","doneAt":7}\n{"$$indexCreated":{"fieldName":"doneAt","unique":false,"sparse":false}}\n',
    );
    const indexLines = () =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('$$index'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (let start = 0; start < 2; start++) {
      const store = new EmbeddedStore({ dir });
      await store.open(['inbox']);
      await new InboxRepository(store).init();
      store.sync();
      expect(indexLines().some((l) => l.$$indexRemoved === 'doneAt')).toBe(start === 0);
      expect(await store.collection('inbox').find({ doneAt: { $lte: 7 } })).toEqual([
        { _id: 'e1', status: 'done', doneAt: 7 },
      ]);
      await store.close();
      expect(indexLines()).toEqual([{ $$indexCreated: { fieldName: 'doneAt', unique: false, sparse: true } }]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('embedded store on disk: when the data file is rewritten', () => {
  const linesOf = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');

  it('when a data file holds few lines a rewrite would drop, then loading and closing leave it as it was', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const file = path.join(dir, 'people.db');
    const people = Array.from({ length: 300 }, (_, i) => JSON.stringify({ _id: `p${i}`, name: `คน ${i}` }));
    const text = `${people.join('\n')}\n{"_id":"p1","name":"renamed"}\n`;
    fs.writeFileSync(file, text);
    const store = new EmbeddedStore({ dir });
    await store.open(['people']);
    expect(await store.collection('people').findOne({ _id: 'p1' })).toEqual({ _id: 'p1', name: 'renamed' });
    await store.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when most of the file is superseded versions, then loading rewrites it with one line per document, Dates kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-store-'));
    const file = path.join(dir, 'counters.db');
    const versions = Array.from({ length: 12_000 }, (_, n) => JSON.stringify({ _id: 'c', n }));
    fs.writeFileSync(
      file,
      [
        ...versions,
        '{"_id":"d","at":{"$$date":1764460800000}}',
        '{"_id":"gone","n":1}',
        '{"$$deleted":true,"_id":"gone"}',
        '{"$$indexCreated":{"fieldName":"n","unique":false,"sparse":true}}',
        '',
      ].join('\n'),
    );
    const store = new EmbeddedStore({ dir });
    await store.open(['counters']);
    expect(linesOf(file)).toEqual([
      '{"_id":"c","n":11999}',
      '{"_id":"d","at":{"$$date":1764460800000}}',
      '{"$$indexCreated":{"fieldName":"n","unique":false,"sparse":true}}',
    ]);
    const counters = store.collection<{ _id: string; n?: number; at?: Date }>('counters');
    expect(await counters.findOne({ n: 11_999 })).toEqual({ _id: 'c', n: 11_999 });
    expect((await counters.findOne({ _id: 'd' }))!.at).toEqual(new Date(1764460800000));
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
