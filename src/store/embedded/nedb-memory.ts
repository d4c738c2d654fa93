// What the embedded store's documents cost in memory, and the change to NeDB that cuts the most:
// every `_id` index held in a Map (installKeyedIdIndex).
//
// A heap snapshot of the hub holding a city of 100,000 followers (bench/broadcast.ts; 100,000 users,
// 110,000 subscriptions) gave 127 MB of heap, of which 55 MB were the nodes of NeDB's AVL trees:
// 176 bytes per key (the node, its out-of-object properties, the one-element list of documents),
// and 310,000 keys, two thirds of them in the `_id` indexes. (Short strings such as "accepted" or a
// zone id are not repeated: V8's JSON.parse shares them. Long ids are, once per collection.)
//
// The `_id` index (unique, one document per key, looked up by value) keeps its documents in a Map
// here: about 40 bytes per key instead of 176. Range queries on `_id` (paging the admin audit) scan
// and sort, which NeDB's tree did not need; no collection pages a large range by `_id`.
//
// A full scan (a query no index serves) now meets documents in the order they were inserted, where
// NeDB's tree gave `_id` order. MongoDB's natural order is no more `_id` order than this, and the
// store contract runs on both: a caller that needs an order says so with `sort`.

/** The part of NeDB's Index (lib/indexes.js) that the Map-backed `_id` index plugs into. */
interface NedbIndex {
  fieldName: string;
  tree: unknown;
  insert(docs: unknown): void;
  reset(newData?: unknown): void;
  getAll(): unknown[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const NedbIndexClass = require('@seald-io/nedb/lib/indexes.js') as { prototype: NedbIndex };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require('@seald-io/nedb/lib/model.js') as {
  compareThings(a: unknown, b: unknown): number;
};

type Bounds = { $gt?: unknown; $gte?: unknown; $lt?: unknown; $lte?: unknown };

/**
 * A unique index held in a Map, with the methods NeDB's Index calls on its AVL tree (insert, delete,
 * search, betweenBounds) and what they do there, down to the error a clash throws.
 */
export class KeyedTree {
  readonly byKey = new Map<unknown, unknown>();

  insert(key: unknown, doc: unknown): void {
    if (this.byKey.has(key)) {
      const err = new Error(`Can't insert key ${String(key)}, it violates the unique constraint`) as Error & {
        key: unknown;
        errorType: string;
      };
      err.key = key;
      err.errorType = 'uniqueViolated';
      throw err;
    }
    this.byKey.set(key, doc);
  }

  /** As NeDB's tree: a key holding a single document loses it whatever document is named. */
  delete(key: unknown): void {
    this.byKey.delete(key);
  }

  search(key: unknown): unknown[] {
    const doc = this.byKey.get(key);
    return doc === undefined ? [] : [doc];
  }

  /** Puts `to` in the place of `from` under the key, if that is what the key holds. */
  swap(key: unknown, from: unknown, to: unknown): boolean {
    if (this.byKey.get(key) !== from) return false;
    this.byKey.set(key, to);
    return true;
  }

  betweenBounds(query: Bounds): unknown[] {
    const within = (key: unknown): boolean =>
      (!('$gt' in query) || model.compareThings(key, query.$gt) > 0) &&
      (!('$gte' in query) || model.compareThings(key, query.$gte) >= 0) &&
      (!('$lt' in query) || model.compareThings(key, query.$lt) < 0) &&
      (!('$lte' in query) || model.compareThings(key, query.$lte) <= 0);
    const keys: unknown[] = [];
    for (const key of this.byKey.keys()) if (within(key)) keys.push(key);
    keys.sort(model.compareThings);
    return keys.map((k) => this.byKey.get(k));
  }

  /** Every document, for NeDB's getAll (the one caller of its tree's executeOnEveryNode, replaced below). */
  all(): unknown[] {
    return [...this.byKey.values()];
  }
}

let installed = false;

/** Gives every NeDB `_id` index a KeyedTree, once per process. */
export function installKeyedIdIndex(): void {
  if (installed) return;
  installed = true;
  const proto = NedbIndexClass.prototype;
  const nedbReset = proto.reset;
  const nedbGetAll = proto.getAll;
  // NeDB builds every index's tree in reset(), which loading a datastore calls first.
  proto.reset = function (this: NedbIndex, newData?: unknown): void {
    if (this.fieldName !== '_id') return nedbReset.call(this, newData);
    this.tree = new KeyedTree();
    if (newData) this.insert(newData);
  };
  proto.getAll = function (this: NedbIndex): unknown[] {
    return this.tree instanceof KeyedTree ? this.tree.all() : nedbGetAll.call(this);
  };
}
