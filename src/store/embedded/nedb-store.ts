import fs from 'node:fs';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import type { Collection, Doc, Filter, FindOptions, IndexSpec, Store, Update } from '../store-port';
import { DuplicateKeyError } from '../store-port';
import { installKeyedIdIndex, KeyedTree } from './nedb-memory';

// NeDB runs every operation of a datastore through one executor queue, so a conditional update is
// atomic within this process: that is what makes compare-and-set (first acknowledge wins, leases,
// case counters) hold here. It is one-instance only; several instances need the mongo adapter.

// NeDB's own line serializer (Dates as {$$date}, key checks), matcher and value order. It ships no
// type declarations; using the library's functions keeps what we append byte-for-byte what NeDB
// itself writes and reads back, and what we select the same as what its queries select.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serialize, match, compareThings, getDotValues } = require('@seald-io/nedb/lib/model.js') as {
  serialize(doc: unknown): string;
  match(doc: unknown, query: unknown): boolean;
  compareThings(a: unknown, b: unknown): number;
  getDotValues(doc: unknown, fields: string[]): unknown;
};

/** A document's move within one index: NeDB's own shape for a batch of updates. */
interface IndexUpdate {
  oldDoc: unknown;
  newDoc: unknown;
}

/** The part of NeDB's Index (lib/indexes.js) that updateIndexInPlace replaces and uses. */
interface NedbIndexPrototype {
  _fields: string[];
  sparse: boolean;
  tree: { search(key: unknown): unknown[] } | KeyedTree;
  update(oldDoc: unknown, newDoc?: unknown): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const NedbIndex = require('@seald-io/nedb/lib/indexes.js') as { prototype: NedbIndexPrototype };

/**
 * NeDB updates a document in every index by taking it out and putting it back, even when the indexed
 * field did not change: for the `_id` index that is every update. Each is an AVL delete (which copies
 * the key's list) and insert, with rebalancing; with the outbox and inbox written four times per
 * answered message, that was the largest part of the store's time under load (bench/webhook.ts
 * --cpu-prof). Where the key is the same plain value before and after, the document's entry is
 * swapped in place instead: same tree, same order, no constraint to check. Anything else (a key that
 * changed, an array or compound key) goes through NeDB's own update, and an error there puts the swaps
 * back before it reaches NeDB, which then rolls back the other indexes as it always has.
 */
function installInPlaceIndexUpdate(): void {
  const proto = NedbIndex.prototype;
  const nedbUpdate = proto.update;
  const plain = (key: unknown): boolean =>
    key === null || typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean';
  proto.update = function (this: NedbIndexPrototype, oldDoc: unknown, newDoc?: unknown): void {
    const pairs: IndexUpdate[] = Array.isArray(oldDoc) ? (oldDoc as IndexUpdate[]) : [{ oldDoc, newDoc }];
    const swapped: Array<{ key: unknown; pair: IndexUpdate }> = [];
    const moved: IndexUpdate[] = [];
    for (const pair of pairs) {
      const before = getDotValues(pair.oldDoc, this._fields);
      const after = getDotValues(pair.newDoc, this._fields);
      if (before === undefined && after === undefined && this.sparse) continue; // in neither
      if (plain(before) && before === after && swapInIndex(this.tree, before, pair.oldDoc, pair.newDoc)) {
        swapped.push({ key: before, pair });
        continue;
      }
      moved.push(pair);
    }
    if (moved.length === 0) return;
    try {
      nedbUpdate.call(this, moved);
    } catch (err) {
      for (const { key, pair } of swapped) swapInIndex(this.tree, key, pair.newDoc, pair.oldDoc);
      throw err;
    }
  };
}

/** Puts `to` in the place of `from` under `key` in an index's tree (NeDB's AVL tree or a KeyedTree). */
function swapInIndex(tree: NedbIndexPrototype['tree'], key: unknown, from: unknown, to: unknown): boolean {
  if (tree instanceof KeyedTree) return tree.swap(key, from, to);
  const list = tree.search(key);
  const at = list.indexOf(from);
  if (at < 0) return false;
  list[at] = to;
  return true;
}
installInPlaceIndexUpdate();
installKeyedIdIndex();

/** A node of the AVL tree behind a NeDB index (@seald-io/binary-search-tree): a key and its documents. */
interface IndexNode {
  key?: unknown;
  data: unknown[];
  left: IndexNode | null;
  right: IndexNode | null;
}

/** The parts of a NeDB datastore beyond its typings that an ordered, bounded delete needs. */
interface NedbInternals {
  indexes: Record<
    string,
    { tree: { tree: IndexNode } | KeyedTree; fieldName: string | string[]; sparse: boolean; unique: boolean }
  >;
  executor: { pushAsync<R>(task: () => Promise<R>): Promise<R> };
  _removeAsync(query: unknown, options: { multi: boolean }): Promise<number>;
}

/** What NeDB 4.1's persistence (lib/persistence.js) calls internally; not in its typings. */
interface NedbPersistence {
  persistNewStateAsync(docs: unknown[]): Promise<void>;
  persistCachedDatabaseAsync(): Promise<void>;
  /** Called once per line of the data file as it loads. */
  beforeDeserialization(line: string): Promise<string>;
  modes: { fileMode: number; dirMode: number };
}

// NeDB's crash-safe rewrite: a temp file, fsync, rename, fsync of the folder.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { crashSafeWriteFileLinesAsync } = require('@seald-io/nedb/lib/storage.js') as {
  crashSafeWriteFileLinesAsync(filename: string, lines: string[], modes: NedbPersistence['modes']): Promise<void>;
};

/** A rewrite is skipped while the lines it would drop are fewer than this, or than this share of the documents. */
const REWRITE_MIN_DROPPED = 10_000;
const REWRITE_DROPPED_SHARE = 0.5;
/** Documents serialized between two turns of the event loop during a rewrite. */
const REWRITE_SLICE = 2_000;

/**
 * NeDB appends every insert and update with fs.promises.appendFile: open, write and close on the
 * thread pool per operation, and the datastore's executor waits for each before starting the next.
 * Under webhook load that was the hub's largest single cost (measured with bench/webhook.ts). This
 * keeps the data file open and group-commits: an operation's lines go to a buffer, and the buffer
 * goes to the kernel with one write(2) at the end of the event-loop turn, or at once when the store
 * is synced (the webhook syncs before its 200: an event it accepted is in the kernel). Neither
 * appendFile nor this fsyncs; NeDB's compaction does. Compaction replaces the file (temp file, fsync,
 * rename), so pending lines are written first and the descriptor is closed; the next append opens
 * the new file.
 */
class AppendOnlyFile {
  private fd: number | undefined;
  private pending = '';
  private unwritten: Buffer | undefined;

  constructor(
    private readonly filename: string,
    private readonly onPending: () => void,
  ) {}

  append(text: string): void {
    this.onPending();
    this.pending += text;
  }

  /**
   * Writes what is pending; synchronous, a few microseconds into the page cache. When the write
   * fails (disk full), what was not written stays pending for the next flush and the error goes to
   * whoever waits (a webhook then answers 500 and LINE sends it again).
   */
  flush(): void {
    if (this.pending.length === 0 && !this.unwritten) return;
    const fresh = Buffer.from(this.pending, 'utf8');
    const bytes = this.unwritten ? Buffer.concat([this.unwritten, fresh]) : fresh;
    this.pending = '';
    this.unwritten = undefined;
    let written = 0;
    try {
      // NeDB's default file mode, so files look the same as before.
      this.fd ??= fs.openSync(this.filename, 'a', 0o644);
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written);
    } catch (err) {
      this.unwritten = bytes.subarray(written);
      throw err;
    }
  }

  close(): void {
    this.flush();
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }
}

/**
 * NeDB's compaction (at load, every 10 minutes, at close) rewrites the whole file: its serializer on
 * every key of every document, all in one turn of the event loop, then every line held until written.
 * For a city's 100,000 people that was the hub's memory peak (bench/broadcast.ts) and a stall of the
 * event loop every ten minutes, most often to drop nothing. Here the file is rewritten only when it
 * holds many lines a rewrite would drop (superseded versions, deletions) or when the indexes changed,
 * with the fast serializer, yielding the event loop between slices. Other collections go on meanwhile;
 * this one's operations wait in its executor, as they did.
 */
function appendThroughOpenFile(db: Datastore<Doc>, filename: string, onPending: () => void): AppendOnlyFile {
  const file = new AppendOnlyFile(filename, onPending);
  const persistence = db.persistence as unknown as NedbPersistence;
  // Lines in the file: as loaded, plus appended since. Index lines appended mean a rewrite is due.
  let lines = 0;
  let indexChanges = 0;
  const beforeDeserialization = persistence.beforeDeserialization.bind(persistence);
  persistence.beforeDeserialization = (line) => {
    if (line !== '') lines++;
    return beforeDeserialization(line);
  };
  persistence.persistCachedDatabaseAsync = async () => {
    file.close();
    const docs = db.getAllData();
    const indexes = (db as unknown as NedbInternals).indexes;
    const indexLines = Object.keys(indexes).filter((name) => name !== '_id').length;
    const dropped = lines - docs.length - indexLines;
    if (indexChanges === 0 && dropped < Math.max(REWRITE_MIN_DROPPED, docs.length * REWRITE_DROPPED_SHARE)) return;
    const out: string[] = [];
    for (let i = 0; i < docs.length; i++) {
      out.push(serializeLine(docs[i]));
      if ((i + 1) % REWRITE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    for (const [name, index] of Object.entries(indexes)) {
      if (name === '_id') continue;
      const { fieldName, unique, sparse } = index;
      out.push(JSON.stringify({ $$indexCreated: { fieldName, unique, sparse } }));
    }
    await crashSafeWriteFileLinesAsync(filename, out, persistence.modes);
    lines = out.length;
    indexChanges = 0;
    db.emit('compaction.done');
  };
  persistence.persistNewStateAsync = async (docs) => {
    let text = '';
    for (const doc of docs) {
      text += `${serializeLine(doc)}\n`;
      if ('$$indexCreated' in (doc as object) || '$$indexRemoved' in (doc as object)) indexChanges++;
    }
    lines += docs.length;
    if (text.length > 0) file.append(text);
  };
  return file;
}

/**
 * NeDB's serializer runs a JavaScript replacer on every key of every document it appends: it turns
 * Dates into {$$date} and re-checks key names. The keys were checked when the document was inserted
 * or modified (checkObject), and a document without a Date serializes to the same bytes with plain
 * JSON.stringify, at a quarter of the cost (bench/webhook.ts: 40 µs of 4 appends per webhook).
 * Documents holding a Date anywhere still go through NeDB's serializer.
 */
function serializeLine(doc: unknown): string {
  return holdsDate(doc, 0) ? serialize(doc) : JSON.stringify(doc);
}

function holdsDate(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Date) return true;
  // Deeper than any document the hub stores: leave it to NeDB rather than recurse further.
  if (depth > 32) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsDate(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (holdsDate((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function isUniqueViolation(err: unknown): err is { errorType: string; key: unknown } {
  return typeof err === 'object' && err !== null && (err as { errorType?: string }).errorType === 'uniqueViolated';
}

class NedbCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly db: Datastore<T>,
  ) {}

  /** A write whose clash on a unique key (`_id` or an index) is this store's DuplicateKeyError. */
  private async unique<R>(write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name, String(err.key));
      throw err;
    }
  }

  insert(doc: T): Promise<T> {
    return this.unique(async () => (await this.db.insertAsync(doc)) as T);
  }

  async insertNew(docs: T[]): Promise<string[]> {
    if (docs.length === 0) return [];
    try {
      // One executor task and one append to the data file for the whole batch (the common case).
      await this.db.insertAsync(docs);
      return docs.map((d) => d._id);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const fresh: string[] = [];
    for (const doc of docs) {
      try {
        await this.db.insertAsync(doc);
        fresh.push(doc._id);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return fresh;
  }

  async findOne(filter: Filter): Promise<T | null> {
    return ((await this.db.findOneAsync(filter as never)) as T | null) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.db.findAsync(filter as never);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor) as T[];
  }

  async count(filter: Filter): Promise<number> {
    return this.db.countAsync(filter as never);
  }

  async updateOne(filter: Filter, update: Update): Promise<T | null> {
    // NeDB reads an update without operators as a whole-document replacement: never send one.
    if (isEmpty(update)) return this.findOne(filter);
    const result = await this.unique(() =>
      this.db.updateAsync(filter as never, clean(update) as never, { multi: false, returnUpdatedDocs: true }),
    );
    return (result.affectedDocuments as T | null) ?? null;
  }

  async upsertOne(filter: Filter, update: Update): Promise<T> {
    if (update.$setOnInsert) return this.upsertWithInsertFields(filter, update);
    const result = await this.unique(() =>
      this.db.updateAsync(filter as never, clean(update) as never, {
        multi: false,
        upsert: true,
        returnUpdatedDocs: true,
      }),
    );
    return result.affectedDocuments as T;
  }

  /**
   * NeDB has no $setOnInsert: insert the filter's equality fields with those fields first; when the
   * document is already there (a duplicate key), only the other operators apply to it. Each step is
   * one atomic operation, so a write made between them is never overwritten by the insert's fields.
   */
  private async upsertWithInsertFields(filter: Filter, update: Update): Promise<T> {
    const { $setOnInsert, ...rest } = update;
    try {
      await this.insert({ ...equalityFields(filter), ...$setOnInsert } as unknown as T);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const updated = await this.updateOne(filter, rest);
    if (!updated) throw new Error(`upsert into ${this.name} found no document after inserting it`);
    return updated;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    if (isEmpty(update)) return this.count(filter);
    const result = await this.unique(() =>
      this.db.updateAsync(filter as never, clean(update) as never, { multi: true }),
    );
    return result.numAffected;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.db.removeAsync(filter as never, { multi: true });
  }

  /**
   * With an index on `oldestBy`, walks it in order from the filter's lower bound and stops after
   * `limit` matches or at its upper bound: the work is proportional to the batch, not to the
   * collection (NeDB's own planner would gather every candidate first, and its remove spreads them
   * into one call, which throws RangeError above about 125,000). The walk and the remove run as one
   * task of the datastore's executor, so no write comes between choosing a document and deleting it.
   */
  async deleteOldest(filter: Filter, oldestBy: string, limit: number): Promise<number> {
    const internals = this.db as unknown as NedbInternals;
    const tree = internals.indexes[oldestBy]?.tree;
    if (!tree || tree instanceof KeyedTree) {
      // No ordered index to walk: NeDB's planner, then delete the chosen ones if they still match.
      const oldest = await this.find(filter, { sort: { [oldestBy]: 1 }, limit });
      if (oldest.length === 0) return 0;
      return this.db.removeAsync({ ...filter, _id: { $in: oldest.map((d) => d._id) } } as never, { multi: true });
    }
    return internals.executor.pushAsync(async () => {
      const ids = oldestMatching(tree.tree, filter, oldestBy, limit);
      if (ids.length === 0) return 0;
      return internals._removeAsync({ _id: { $in: ids } }, { multi: true });
    });
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    const options = embeddedIndex(spec);
    if (!options) return;
    // NeDB rebuilds at load the indexes recorded in the data file, with the options they had then,
    // and ensureIndex leaves an existing one alone: one built with other options is built again.
    const existing = (this.db as unknown as NedbInternals).indexes[indexName(options.fieldName)];
    if (existing && (existing.sparse !== options.sparse || existing.unique !== options.unique)) {
      await this.db.removeIndexAsync(options.fieldName);
    }
    await this.db.ensureIndexAsync(options);
  }

  async dropIndex(spec: IndexSpec): Promise<void> {
    const options = embeddedIndex(spec);
    if (!options) return;
    // NeDB records index changes in the data file and rebuilds them at load: an index an earlier
    // version created is there until removed, and removing records a line, so only when present.
    if ((this.db as unknown as NedbInternals).indexes[indexName(options.fieldName)]) {
      await this.db.removeIndexAsync(options.fieldName);
    }
  }
}

/** How NeDB names the index on these fields (lib/datastore.js). */
function indexName(fieldName: string | string[]): string {
  return ([] as string[]).concat(fieldName).sort().join(',');
}

/**
 * The NeDB index an IndexSpec stands for here (see CompoundIndex), or null.
 *
 * Every index that enforces nothing is sparse here, whatever the spec says. NeDB files all the
 * documents that lack the field under one key, and takes a document out of a key by copying the
 * key's list without it; it does that on every update of the document, to every index, even when
 * the field did not change. An outbox row has no `sentAt` until it is sent and an inbox event no
 * `doneAt` until it is handled, so each write of a queued row cost time in proportion to the queue:
 * under a webhook burst the hub slowed as it fell behind (bench/webhook.ts, 976 events/s against
 * 1,496 before those indexes). Leaving such documents out changes no answer: NeDB asks an index for
 * equal values, `$in` lists and ranges, which a missing field never matches.
 */
function embeddedIndex(spec: IndexSpec): { fieldName: string | string[]; unique: boolean; sparse: boolean } | null {
  const unique = spec.unique === true;
  const options = { unique, sparse: unique ? spec.sparse === true : true };
  if ('field' in spec) return spec.field === '_id' ? null : { fieldName: spec.field, ...options };
  if (unique) return { fieldName: Object.keys(spec.fields), ...options };
  return spec.embeddedField ? { fieldName: spec.embeddedField, ...options } : null;
}

/** The filter's bounds on one field: equality is both bounds; a missing side is open. */
function boundsOn(filter: Filter, field: string): { lower?: [unknown, boolean]; upper?: [unknown, boolean] } {
  const condition = filter[field];
  if (condition === undefined) return {};
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return { lower: [condition, true], upper: [condition, true] };
  }
  const c = condition as Record<string, unknown>;
  return {
    ...('$gt' in c ? { lower: [c.$gt, false] } : '$gte' in c ? { lower: [c.$gte, true] } : {}),
    ...('$lt' in c ? { upper: [c.$lt, false] } : '$lte' in c ? { upper: [c.$lte, true] } : {}),
  } as { lower?: [unknown, boolean]; upper?: [unknown, boolean] };
}

/** Ids of up to `limit` documents matching `filter`, in the index's (ascending) order, within its bounds. */
function oldestMatching(root: IndexNode, filter: Filter, field: string, limit: number): string[] {
  const { lower, upper } = boundsOn(filter, field);
  const aboveLower = (key: unknown) => !lower || compareThings(key, lower[0]) > (lower[1] ? -1 : 0);
  const belowUpper = (key: unknown) => !upper || compareThings(key, upper[0]) < (upper[1] ? 1 : 0);
  const ids: string[] = [];
  const stack: IndexNode[] = [];
  // In-order traversal, skipping left subtrees wholly below the lower bound.
  let node: IndexNode | null = Object.prototype.hasOwnProperty.call(root, 'key') ? root : null;
  while (node || stack.length > 0) {
    while (node) {
      stack.push(node);
      node = aboveLower(node.key) ? node.left : null;
    }
    const current = stack.pop()!;
    if (!belowUpper(current.key)) break;
    if (aboveLower(current.key)) {
      for (const doc of current.data) {
        if (!match(doc, filter)) continue;
        ids.push((doc as Doc)._id);
        if (ids.length >= limit) return ids;
      }
    }
    node = current.right;
  }
  return ids;
}

/** The plain `field: value` conditions of a filter: what an upsert's new document starts from. */
function equalityFields(filter: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) continue;
    out[key] = value;
  }
  return out;
}

function isEmpty(update: Update): boolean {
  return Object.keys(clean(update)).length === 0;
}

/** NeDB rejects empty operator objects; drop them so callers can build updates freely. */
function clean(update: Update): Update {
  const out: Record<string, unknown> = {};
  for (const [op, fields] of Object.entries(update)) {
    if (fields && Object.keys(fields).length > 0) out[op] = fields;
  }
  return out as Update;
}

export interface EmbeddedStoreOptions {
  /** Directory for the data files; undefined keeps everything in memory (tests). */
  dir?: string;
  /** How often NeDB rewrites its append-only files compactly; default 10 minutes. */
  compactionIntervalMs?: number;
}

export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<
    string,
    { db: Datastore<Doc>; api: NedbCollection<Doc>; file?: AppendOnlyFile }
  >();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly compaction?: NodeJS.Timeout;
  /** The end-of-turn write, while one is scheduled. */
  private nextSync: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedStoreOptions = {}) {
    if (options.dir) {
      fs.mkdirSync(options.dir, { recursive: true });
      // Our own unref'd timer rather than NeDB's autocompaction, which would hold the process open.
      this.compaction = setInterval(() => void this.compact(), options.compactionIntervalMs ?? 10 * 60_000);
      this.compaction.unref();
    }
  }

  private async compact(): Promise<void> {
    for (const { db } of this.collections.values()) await db.compactDatafileAsync().catch(() => undefined);
  }

  /** Opens (loads) the named collections up front, so the first request does not pay for it. */
  async open(names: string[]): Promise<void> {
    await Promise.all(names.map((n) => this.load(n)));
  }

  collection<T extends Doc>(name: string): Collection<T> {
    const existing = this.collections.get(name);
    if (existing) return existing.api as unknown as Collection<T>;
    const filename = this.options.dir ? path.join(this.options.dir, `${name}.db`) : undefined;
    const db = new Datastore<Doc>(filename ? { filename } : { inMemoryOnly: true });
    // Before loading: loading ends with a compaction, which must go through the wrapped method too.
    const file = filename ? appendThroughOpenFile(db, filename, () => this.scheduleSync()) : undefined;
    const api = new NedbCollection<Doc>(name, db);
    this.collections.set(name, { db, api, ...(file ? { file } : {}) });
    // NeDB queues operations issued before loading completes and runs them after, so callers need
    // not await this; open() exists to surface a corrupt file at boot rather than mid-request.
    this.loading.set(name, db.loadDatabaseAsync());
    return api as unknown as Collection<T>;
  }

  private async load(name: string): Promise<void> {
    this.collection(name);
    await this.loading.get(name);
  }

  /**
   * Writes every collection's pending lines, the inbox last: a handled event's done mark never
   * reaches the disk before what its handling wrote (cases, alerts, the messages to send).
   */
  sync(): void {
    let inbox: AppendOnlyFile | undefined;
    for (const [name, { file }] of this.collections) {
      if (name === 'inbox') inbox = file;
      else file?.flush();
    }
    inbox?.flush();
  }

  /**
   * Group commit: every webhook accepted in one turn of the event loop waits for the same single
   * write per file at the end of it, instead of one write per webhook.
   */
  synced(): Promise<void> {
    return this.nextSync ?? Promise.resolve();
  }

  private scheduleSync(): void {
    if (this.nextSync) return;
    this.nextSync = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.nextSync = undefined;
        try {
          this.sync();
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
    // A failed write is reported to whoever waits on synced(); without waiters it must not crash.
    this.nextSync.catch(() => undefined);
  }

  async ping(): Promise<void> {
    await this.load('leases');
    await this.collection('leases').count({});
  }

  async close(): Promise<void> {
    if (this.compaction) clearInterval(this.compaction);
    if (this.options.dir) await this.compact();
    // Compaction closed the files already unless it failed; never leave a descriptor behind.
    for (const { file } of this.collections.values()) file?.close();
  }
}
