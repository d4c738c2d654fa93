import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { Collection, Doc, Filter, FindOptions, IndexSpec, Store, Update } from '../store-port';
import { DuplicateKeyError } from '../store-port';

// MongoDB applies findOneAndUpdate atomically to one document, so the compare-and-set the
// repositories build on (leases, session revisions, first acknowledge wins) holds across any number
// of hub instances, unlike the one-process guarantee of the embedded adapter.

type Raw = { _id: string } & Record<string, unknown>;
type MongoFilter = mongoose.RootFilterQuery<Raw>;
type MongoUpdate = mongoose.UpdateQuery<Raw>;

const DUPLICATE_KEY = 11000;
// IndexOptionsConflict, IndexKeySpecsConflict: an index on those keys exists with other options.
const INDEX_CONFLICT_CODES = new Set([85, 86]);

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function isDuplicateKey(err: unknown): boolean {
  return codeOf(err) === DUPLICATE_KEY;
}

// The clashing value(s), as NeDB reports them in `err.key`, so both adapters say the same thing.
function duplicateKeyOf(err: unknown, fallback: string): string {
  const { keyValue, message } = err as { keyValue?: Record<string, unknown>; message?: string };
  if (keyValue && Object.keys(keyValue).length > 0) return Object.values(keyValue).map(String).join(',');
  // Servers that omit keyValue still spell the key out in the message ("... dup key: { _id: "a" }").
  const described = message?.match(/dup key: (\{.*\})/)?.[1];
  return described ?? fallback;
}

// Indexes of the batch entries an unordered insertMany refused because they were already there.
// Rethrows anything else: another write error, or a write concern error, which means the server
// cannot promise the inserts it did make are durable.
function alreadyStored(err: unknown): Set<number> {
  const { writeErrors, result } = err as {
    writeErrors?: Array<{ index: number; code?: number }>;
    result?: { getWriteConcernError?: () => unknown };
  };
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw err;
  if (writeErrors.some((w) => w.code !== DUPLICATE_KEY)) throw err;
  if (result?.getWriteConcernError?.()) throw err;
  return new Set(writeErrors.map((w) => w.index));
}

// Drops empty operator objects (so callers can build updates freely, as with NeDB) and returns null
// when nothing is left. `$set: { x: undefined }` becomes `$unset`: NeDB leaves such a field absent,
// whereas mongoose would silently drop the key and keep the old value. For the same reason every
// `$unset` value is made `true` (NeDB ignores the value; mongoose drops an undefined one).
function prepare(update: Update): MongoUpdate | null {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [op, fields] of Object.entries(update) as Array<[string, Record<string, unknown> | undefined]>) {
    if (!fields) continue;
    for (const [path, value] of Object.entries(fields)) {
      if (op === '$set' && value === undefined) (out.$unset ??= {})[path] = true;
      else if (op === '$unset') (out.$unset ??= {})[path] = true;
      else (out[op] ??= {})[path] = value;
    }
  }
  return Object.keys(out).length > 0 ? (out as MongoUpdate) : null;
}

class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly model: Model<Raw>,
  ) {}

  // The driver collection (through mongoose's wrapper), typed for string ids rather than ObjectIds.
  private get raw(): mongoose.mongo.Collection<Raw> {
    return this.model.collection as unknown as mongoose.mongo.Collection<Raw>;
  }

  async insert(doc: T): Promise<T> {
    // A copy goes to the driver and back to the caller, as NeDB hands back its own copy; the driver
    // writes straight, so mongoose neither casts nor minimizes (an empty `data: {}` survives).
    const stored = structuredClone(doc);
    try {
      // ignoreUndefined: an undefined field is absent, as in NeDB, rather than stored as null.
      await this.raw.insertOne(stored as unknown as Raw, { ignoreUndefined: true });
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateKeyError(this.name, duplicateKeyOf(err, doc._id));
      throw err;
    }
    return stored;
  }

  async insertNew(docs: T[]): Promise<string[]> {
    if (docs.length === 0) return [];
    try {
      // Unordered, so one known id does not stop the rest of the batch.
      await this.raw.insertMany(docs as unknown as Raw[], {
        ordered: false,
        ignoreUndefined: true,
      });
      return docs.map((d) => d._id);
    } catch (err) {
      const known = alreadyStored(err);
      return docs.filter((_, i) => !known.has(i)).map((d) => d._id);
    }
  }

  findOne(filter: Filter): Promise<T | null> {
    return this.model
      .findOne(filter as MongoFilter)
      .lean<T>()
      .exec();
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const query = this.model.find(filter as MongoFilter).lean<T[]>();
    if (options.sort) query.sort(options.sort);
    if (options.skip) query.skip(options.skip);
    if (options.limit) query.limit(options.limit);
    return query.exec();
  }

  count(filter: Filter): Promise<number> {
    return this.model.countDocuments(filter as MongoFilter).exec();
  }

  async updateOne(filter: Filter, update: Update): Promise<T | null> {
    const prepared = prepare(update);
    // Nothing to change: answer as a no-op update would (the document, or null), rather than
    // letting an empty update reach the server.
    if (!prepared) return this.findOne(filter);
    return this.updateOneMapped(filter, prepared);
  }

  async upsertOne(filter: Filter, update: Update): Promise<T> {
    const prepared = prepare(update) ?? {};
    // Without an `_id` in the filter MongoDB would invent an ObjectId; NeDB invents a string, and
    // Doc promises one. (`$and` may carry an `_id` equality MongoDB would use, so it is left alone.)
    const upsertUpdate: MongoUpdate =
      '_id' in filter || '$and' in filter
        ? prepared
        : { ...prepared, $setOnInsert: { ...(prepared.$setOnInsert as object | undefined), _id: randomUUID() } };
    try {
      const doc = await this.model
        .findOneAndUpdate(filter as MongoFilter, upsertUpdate, { returnDocument: 'after', upsert: true })
        .lean<T>()
        .exec();
      if (!doc) throw new Error(`upsert into ${this.name} returned no document`);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Concurrent upserts that both found nothing race to insert and the loser gets 11000 (the
      // server retries some of these itself, not all). The document exists now, so MongoDB's advice
      // is to retry; as a plain update, so a clash on another unique index cannot loop.
      const retried = await this.updateOneMapped(filter, prepared);
      if (retried) return retried;
      throw new DuplicateKeyError(this.name, duplicateKeyOf(err, String(filter._id)));
    }
  }

  private async updateOneMapped(filter: Filter, update: MongoUpdate): Promise<T | null> {
    try {
      return await this.model
        .findOneAndUpdate(filter as MongoFilter, update, { returnDocument: 'after' })
        .lean<T>()
        .exec();
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateKeyError(this.name, duplicateKeyOf(err, String(filter._id)));
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const prepared = prepare(update);
    if (!prepared) return this.count(filter);
    // matchedCount, not modifiedCount: NeDB counts every matched document, even when the update
    // leaves it as it was, and MongoDB's modifiedCount would not.
    try {
      const result = await this.model.updateMany(filter as MongoFilter, prepared).exec();
      return result.matchedCount;
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateKeyError(this.name, duplicateKeyOf(err, ''));
      throw err;
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    const result = await this.model.deleteMany(filter as MongoFilter).exec();
    return result.deletedCount;
  }

  async deleteOldest(filter: Filter, oldestBy: string, limit: number): Promise<number> {
    const oldest = await this.model
      .find(filter as MongoFilter, { _id: 1 })
      .sort({ [oldestBy]: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>()
      .exec();
    if (oldest.length === 0) return 0;
    // The filter again: a document that changed since it was read (a failed row retried) stays.
    const result = await this.model
      .deleteMany({ $and: [filter, { _id: { $in: oldest.map((d) => d._id) } }] } as MongoFilter)
      .exec();
    return result.deletedCount;
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    const key = indexKey(spec);
    if (key === null) return;
    const options: { unique?: boolean; sparse?: boolean } = {};
    if (spec.unique) options.unique = true;
    if (spec.sparse) options.sparse = true;
    try {
      await this.raw.createIndex(key, options);
    } catch (err) {
      // NeDB keeps the first index declared on a field and ignores later declarations; MongoDB
      // refuses one that differs in options. Same outcome: the existing index stays.
      if (INDEX_CONFLICT_CODES.has(codeOf(err) as number)) return;
      throw err;
    }
  }

  async dropIndex(spec: IndexSpec): Promise<void> {
    const key = indexKey(spec);
    if (key === null) return;
    try {
      // By key rather than by name: an index is found whatever it was called.
      const found = (await this.raw.listIndexes().toArray()).find(
        (index) => JSON.stringify(index.key) === JSON.stringify(key),
      );
      if (found?.name) await this.raw.dropIndex(found.name);
    } catch (err) {
      // The collection, or the index, is not there (another instance dropped it first).
      if (NOTHING_TO_DROP_CODES.has(codeOf(err) as number)) return;
      throw err;
    }
  }
}

// NamespaceNotFound, IndexNotFound.
const NOTHING_TO_DROP_CODES = new Set([26, 27]);

/** The key document of an index; null for `_id` alone, which MongoDB always has. */
function indexKey(spec: IndexSpec): Record<string, 1 | -1> | null {
  if ('field' in spec) return spec.field === '_id' ? null : { [spec.field]: 1 };
  return spec.fields;
}

export interface MongoConnectOptions {
  /** Database to use instead of the one named in the URI. */
  dbName?: string;
  /** How long an operation (and the first connect) waits for a usable server; driver default 30 s. */
  serverSelectionTimeoutMs?: number;
  /** Told, once at connect, of a deployment the hub runs on but should not (a standalone server). */
  onWarning?: (message: string) => void;
}

/** What the server said it is, at connect. */
export interface MongoServerInfo {
  version: string;
  topology: 'replica set' | 'sharded cluster' | 'standalone';
  /** The replica set's name, when it is one. */
  replicaSet?: string;
}

/** The server answered, but it is not one the hub can keep its promises on. */
export class UnsupportedMongoServerError extends Error {
  constructor(
    readonly found: string,
    reason: string,
  ) {
    super(`unsupported MongoDB server: ${found}. ${reason}`);
    this.name = 'UnsupportedMongoServerError';
  }
}

const SUPPORTED = 'The hub needs MongoDB 5.0 or newer, as a replica set or Atlas M10 or larger (see README).';

/**
 * Refuses what cannot work and names it; returns warnings for what works with less safety.
 * FerretDB imitates a MongoDB version in buildInfo and names itself in `ferretdbVersion`; 1.x runs
 * findAndModify as a read and a separate write (every compare-and-set of the hub races) and rejects
 * nested arrays (zone boundaries). MongoDB before 5.0 is past its end of life.
 */
async function inspectServer(conn: Connection): Promise<{ info: MongoServerInfo; warnings: string[] }> {
  const admin = conn.getClient().db('admin');
  const hello = await admin.command({ hello: 1 });
  const build = await admin.command({ buildInfo: 1 });
  const version = String(build.version ?? 'unknown');
  if (build.ferretdbVersion !== undefined) {
    throw new UnsupportedMongoServerError(
      `FerretDB ${String(build.ferretdbVersion)} (answering as MongoDB ${version})`,
      `FerretDB is not supported: in 1.x findAndModify is not atomic, so case numbers, first-acknowledge-wins and single-use bind codes break, and nested arrays (zone boundaries) are refused. ${SUPPORTED}`,
    );
  }
  const major = Number(Array.isArray(build.versionArray) ? build.versionArray[0] : version.split('.')[0]);
  if (!(major >= 5)) throw new UnsupportedMongoServerError(`MongoDB ${version}`, SUPPORTED);
  const replicaSet = typeof hello.setName === 'string' ? hello.setName : undefined;
  const topology = replicaSet ? 'replica set' : hello.msg === 'isdbgrid' ? 'sharded cluster' : 'standalone';
  const warnings: string[] = [];
  if (topology === 'standalone') {
    warnings.push(
      `MongoDB ${version} is a standalone server, not a replica set: no failover and no retryable writes, so while it restarts every hub instance fails the writes it attempts (webhooks answer 500 and LINE redelivers). Run a replica set (one member is enough to start) or Atlas M10 or larger.`,
    );
  }
  if (Array.isArray(hello.arbiters) && hello.arbiters.length > 0) {
    warnings.push(
      `Replica set ${replicaSet} has an arbiter: the hub writes with majority write concern, so while one data-bearing member is down every write waits for it. Use three data-bearing members (or Atlas) instead of an arbiter.`,
    );
  }
  return { info: { version, topology, ...(replicaSet ? { replicaSet } : {}) }, warnings };
}

export class MongoConnectError extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    super(`cannot connect to MongoDB at ${target}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'MongoConnectError';
  }
}

// Scheme, hosts and database only: credentials and query options (which may hold secrets) stay out of logs.
function describeUri(uri: string): string {
  const match = uri.match(/^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/);
  return match ? `${match[1]}${match[2]}${match[3] ?? ''}` : 'the configured URI';
}

export class MongoStore implements Store {
  readonly kind = 'mongo' as const;

  /** Every write was acknowledged by the server when it resolved. */
  synced(): Promise<void> {
    return Promise.resolve();
  }
  private readonly collections = new Map<string, MongoCollection<Doc>>();

  private constructor(
    private readonly conn: Connection,
    readonly server: MongoServerInfo,
  ) {}

  static async connect(uri: string, opts: MongoConnectOptions = {}): Promise<MongoStore> {
    // A connection of our own rather than mongoose's default one, so several stores (and tests)
    // can coexist. Indexes come from ensureIndex, collections from the first write. No buffering:
    // while the server is away an operation waits for server selection and then fails, one
    // timeout to reason about instead of mongoose's queue plus the driver's.
    // sanitizeFilter off on the connection, where it outranks any global mongoose setting: the
    // repositories' filters use $or, $in, $ne on purpose.
    // Write concern majority with journal, whatever the server's default: a write the hub was told
    // is done (an inbox entry LINE got 200 for, a counter step) survives a failover; with w:1, as
    // primary-secondary-arbiter sets default to, a failover can roll it back.
    const conn = mongoose.createConnection(uri, {
      ...(opts.dbName !== undefined ? { dbName: opts.dbName } : {}),
      ...(opts.serverSelectionTimeoutMs !== undefined
        ? { serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs }
        : {}),
      writeConcern: { w: 'majority', journal: true },
      retryWrites: true,
      autoIndex: false,
      autoCreate: false,
      bufferCommands: false,
      sanitizeFilter: false,
    });
    let server: MongoServerInfo;
    try {
      await conn.asPromise();
      const inspected = await inspectServer(conn);
      server = inspected.info;
      for (const warning of inspected.warnings) opts.onWarning?.(warning);
    } catch (err) {
      await conn.close().catch(() => undefined);
      if (err instanceof UnsupportedMongoServerError) throw err;
      throw new MongoConnectError(describeUri(uri), err);
    }
    return new MongoStore(conn, server);
  }

  collection<T extends Doc>(name: string): Collection<T> {
    let existing = this.collections.get(name);
    if (!existing) {
      // Schema-less apart from a string `_id`: documents are the repositories' plain objects, so
      // mongoose must neither drop unknown fields (strict) nor unknown filter paths (strictQuery).
      const schema = new Schema<Raw>(
        { _id: String },
        { strict: false, strictQuery: false, versionKey: false, collection: name, autoIndex: false, autoCreate: false },
      );
      existing = new MongoCollection<Doc>(name, this.conn.model<Raw>(name, schema, name));
      this.collections.set(name, existing);
    }
    return existing as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    await this.conn.getClient().db('admin').command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  /** A GridFS bucket in the hub's database (report photos), with the connection's write concern. */
  gridFsBucket(bucketName: string): mongoose.mongo.GridFSBucket {
    const db = this.conn.db;
    if (!db) throw new Error('MongoDB connection has no database');
    return new mongoose.mongo.GridFSBucket(db, { bucketName });
  }

  /** Tests only: each run uses a database of its own and removes it afterwards. */
  async dropDatabase(): Promise<void> {
    await this.conn.dropDatabase();
  }
}
