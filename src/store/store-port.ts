/**
 * The store port. Both adapters (embedded NeDB and MongoDB through mongoose) implement the same
 * narrow document-collection contract; repositories are written once on top of it and return plain
 * objects. Filters and updates use the MongoDB query language subset that NeDB also speaks:
 * equality, dotted paths, $in, $nin, $ne, $lt, $lte, $gt, $gte, $exists, $or; updates $set, $unset,
 * $inc, $push. Times are stored as epoch milliseconds (numbers), never Date objects, so both
 * adapters compare them identically.
 */
export type Doc = { _id: string };
export type Filter = Record<string, unknown>;
export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
}
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}
export interface IndexSpec {
  field: string;
  unique?: boolean;
  sparse?: boolean;
}

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
  ensureIndex(spec: IndexSpec): Promise<void>;
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
