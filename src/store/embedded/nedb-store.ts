import fs from 'node:fs';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import type { Collection, Doc, Filter, FindOptions, IndexSpec, Store, Update } from '../store-port';
import { DuplicateKeyError } from '../store-port';

// NeDB runs every operation of a datastore through one executor queue, so a conditional update is
// atomic within this process: that is what makes compare-and-set (first acknowledge wins, leases,
// case counters) hold here. It is one-instance only; several instances need the mongo adapter.

function isUniqueViolation(err: unknown): err is { errorType: string; key: unknown } {
  return typeof err === 'object' && err !== null && (err as { errorType?: string }).errorType === 'uniqueViolated';
}

class NedbCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly db: Datastore<T>,
  ) {}

  async insert(doc: T): Promise<T> {
    try {
      return (await this.db.insertAsync(doc)) as T;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name, String(err.key));
      throw err;
    }
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
    const result = await this.db.updateAsync(filter as never, clean(update) as never, {
      multi: false,
      returnUpdatedDocs: true,
    });
    return ((result.affectedDocuments as T | null) ?? null);
  }

  async upsertOne(filter: Filter, update: Update): Promise<T> {
    try {
      const result = await this.db.updateAsync(filter as never, clean(update) as never, {
        multi: false,
        upsert: true,
        returnUpdatedDocs: true,
      });
      return result.affectedDocuments as T;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name, String(err.key));
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    if (isEmpty(update)) return this.count(filter);
    const result = await this.db.updateAsync(filter as never, clean(update) as never, { multi: true });
    return result.numAffected;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.db.removeAsync(filter as never, { multi: true });
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    if (spec.field === '_id') return;
    await this.db.ensureIndexAsync({ fieldName: spec.field, unique: spec.unique, sparse: spec.sparse });
  }
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
  private readonly collections = new Map<string, { db: Datastore<Doc>; api: NedbCollection<Doc> }>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly compaction?: NodeJS.Timeout;

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
    const db = new Datastore<Doc>(
      this.options.dir ? { filename: path.join(this.options.dir, `${name}.db`) } : { inMemoryOnly: true },
    );
    const api = new NedbCollection<Doc>(name, db);
    this.collections.set(name, { db, api });
    // NeDB queues operations issued before loading completes and runs them after, so callers need
    // not await this; open() exists to surface a corrupt file at boot rather than mid-request.
    this.loading.set(name, db.loadDatabaseAsync());
    return api as unknown as Collection<T>;
  }

  private async load(name: string): Promise<void> {
    this.collection(name);
    await this.loading.get(name);
  }

  async ping(): Promise<void> {
    await this.load('leases');
    await this.collection('leases').count({});
  }

  async close(): Promise<void> {
    if (this.compaction) clearInterval(this.compaction);
    if (this.options.dir) await this.compact();
  }
}
