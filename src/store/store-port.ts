/**
 * The store port. Both adapters (embedded NeDB and MongoDB through mongoose) implement the same
 * narrow document-collection contract; repositories are written once on top of it and return plain
 * objects. Filters and updates use the MongoDB query language subset that NeDB also speaks:
 * equality, dotted paths, $in, $nin, $ne, $lt, $lte, $gt, $gte, $exists, $or; updates $set, $unset,
 * $inc, $push, and $setOnInsert (upsertOne only). Times are stored as epoch milliseconds (numbers), never Date objects, so both
 * adapters compare them identically.
 */
export type Doc = { _id: string };
export type Filter = Record<string, unknown>;
export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  /** upsertOne only: fields written when the upsert inserts, left alone when the document exists. */
  $setOnInsert?: Record<string, unknown>;
}
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}
/** An index on one field, built alike by both stores. */
export interface FieldIndex {
  field: string;
  unique?: boolean;
  sparse?: boolean;
}

/**
 * A compound index: MongoDB builds the key as given (equality fields first, then the sort or range
 * field), so a query on a prefix of it, sorted or bounded on the next field, reads only what it returns.
 */
export interface CompoundIndex {
  /** The key in order; 1 ascending, -1 descending. */
  fields: Record<string, 1 | -1>;
  unique?: boolean;
  sparse?: boolean;
  /**
   * The one field the embedded store indexes for this key, if any. NeDB answers a query from one
   * single-field index (an equality first, then $in, then a range) and cannot use a compound key for
   * a range. Its index also deletes a document in time proportional to the documents sharing its key,
   * so an index on a low-cardinality field (`status`) makes a purge quadratic: name the field NeDB's
   * queries can use instead, usually the time a purge walks. A unique key is built whole in both
   * stores, whatever this says, so that it is enforced.
   */
  embeddedField?: string;
}

export type IndexSpec = FieldIndex | CompoundIndex;

export interface Collection<T extends Doc> {
  /** Inserts one document; throws DuplicateKeyError when `_id` or a unique index clashes. */
  insert(doc: T): Promise<T>;
  /**
   * Inserts many; documents whose `_id` already exists are skipped, not an error (idempotent intake).
   * Returns the ids that were new.
   */
  insertNew(docs: T[]): Promise<string[]>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /**
   * Atomically updates the first document matching `filter` and returns it as updated, or null when
   * none matched. With a condition in `filter` this is a compare-and-set.
   */
  updateOne(filter: Filter, update: Update): Promise<T | null>;
  /** Like updateOne, but inserts `filter`'s equality fields plus the update when nothing matched. */
  upsertOne(filter: Filter, update: Update): Promise<T>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  /**
   * Deletes at most `limit` documents matching `filter`, those lowest in `oldestBy` first, and
   * returns how many went. Retention calls it in a loop and yields between calls, so a purge of any
   * size neither holds the event loop (embedded store) nor runs as one long delete (MongoDB).
   * Cheap where an index leads to `oldestBy`: a single-field index on it (embedded), or a compound
   * key of the filter's equality fields followed by it (MongoDB).
   */
  deleteOldest(filter: Filter, oldestBy: string, limit: number): Promise<number>;
  ensureIndex(spec: IndexSpec): Promise<void>;
  /** Removes an index an earlier version declared; nothing happens when there is none. */
  dropIndex(spec: IndexSpec): Promise<void>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongo';
  collection<T extends Doc>(name: string): Collection<T>;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  /**
   * Resolves once every write made so far is written out, as durably as this store writes (the
   * webhook waits for it before its 200). The embedded store writes at the end of each event-loop
   * turn; MongoDB acknowledged each write already.
   */
  synced(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(`duplicate key in ${collection}: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}
