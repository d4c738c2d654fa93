// The document side of the MongoDB wire double (fake-mongo-wire.ts): collections held in memory,
// queries, updates, sorting and unique indexes, in MongoDB's rules for the subset the hub's store
// port speaks. What it guarantees is what MongoDB guarantees, and no more: one command on one
// document is atomic (the event loop runs it to the end), a write that touches several documents
// yields between them so other commands interleave, and every unique index (with `_id` first) is
// checked before a document is stored. An operator it does not know is an error, not a silent
// mismatch, so a repository that starts using one fails here first.
import mongoose from 'mongoose';

const { BSON, ObjectId, Binary } = mongoose.mongo;

export type Document = Record<string, unknown>;

/** A MongoDB server error: code, codeName and message as the server would answer them. */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  reply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

const badValue = (message: string) => new ServerError(2, 'BadValue', message);

// ---------------------------------------------------------------------------------------------
// Values: BSON's comparison order (null < numbers < strings < objects < arrays < binData <
// ObjectId < booleans < dates), with numbers compared by value whatever their BSON type.

function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 1;
  if (typeof v === 'number' || typeof v === 'bigint') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (v instanceof Binary || Buffer.isBuffer(v)) return 6;
  if (v instanceof ObjectId) return 7;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  if (isPlainObject(v)) return 4;
  return 10;
}

function bytesOf(v: unknown): Buffer {
  return v instanceof Binary ? Buffer.from(v.buffer) : (v as Buffer);
}

const SURROGATE = /[\uD800-\uDFFF]/;

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2:
      return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
    case 3:
      if (a === b) return 0;
      // MongoDB compares strings by their UTF-8 bytes (the simple collation), which is code point
      // order; JavaScript's < compares UTF-16 units, the same except around surrogate pairs.
      if (SURROGATE.test(a as string) || SURROGATE.test(b as string))
        return Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));
      return (a as string) < (b as string) ? -1 : 1;
    case 4: {
      const ea = Object.entries(a as Document);
      const eb = Object.entries(b as Document);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const [ka, va] = ea[i]!;
        const [kb, vb] = eb[i]!;
        const byValueType = typeRank(va) - typeRank(vb);
        if (byValueType !== 0) return byValueType;
        if (ka !== kb) return ka < kb ? -1 : 1;
        const byValue = compareValues(va, vb);
        if (byValue !== 0) return byValue;
      }
      return ea.length - eb.length;
    }
    case 5: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    case 6: {
      const ba = bytesOf(a);
      const bb = bytesOf(b);
      return ba.length !== bb.length ? ba.length - bb.length : Buffer.compare(ba, bb);
    }
    case 7:
      return (a as InstanceType<typeof ObjectId>)
        .toHexString()
        .localeCompare((b as InstanceType<typeof ObjectId>).toHexString());
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime();
    default:
      throw badValue(`the double cannot compare a ${Object.prototype.toString.call(a)}`);
  }
}

const equalValues = (a: unknown, b: unknown) => compareValues(a, b) === 0;

/** A canonical string for a value, for maps keyed by `_id` and by index keys. */
export function keyOf(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number') return `n:${v}`;
  if (typeof v === 'string') return `s:${v}`;
  return `j:${BSON.EJSON.stringify({ v } as never, { relaxed: false })}`;
}

/** Deep copy through BSON, as the server's storage is: what a caller gets back never aliases what is stored. */
export function copy<T extends Document>(doc: T): T {
  return BSON.deserialize(BSON.serialize(doc)) as T;
}

// ---------------------------------------------------------------------------------------------
// Paths: "a.b.c" through embedded documents and, as MongoDB does, across the elements of arrays.

/** The values a path reaches in a document; `undefined` where it reaches nothing. */
function valuesAt(value: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return [value];
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(head)) return valuesAt(value[Number(head)], rest);
    const out = value.flatMap((item) => (isPlainObject(item) ? valuesAt(item, parts) : []));
    return out.length > 0 ? out : [undefined];
  }
  if (isPlainObject(value)) return valuesAt(value[head], rest);
  return [undefined];
}

/** One value per path, for sorting and index keys: the first value the path reaches. */
export function valueAt(doc: Document, path: string): unknown {
  return valuesAt(doc, path.split('.'))[0];
}

// ---------------------------------------------------------------------------------------------
// Queries

function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** A leaf value and, when it is an array, each element: equality matches either (MongoDB's rule). */
function leaves(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));
}

function equalsAny(values: unknown[], wanted: unknown): boolean {
  if (wanted === null) return values.some((v) => v === undefined || v === null);
  return leaves(values).some((v) => v !== undefined && equalValues(v, wanted));
}

function rangeMatch(values: unknown[], op: string, bound: unknown): boolean {
  return leaves(values).some((v) => {
    if (v === undefined || typeRank(v) !== typeRank(bound)) return false;
    const c = compareValues(v, bound);
    return op === '$lt' ? c < 0 : op === '$lte' ? c <= 0 : op === '$gt' ? c > 0 : c >= 0;
  });
}

const inSetCache = new WeakMap<unknown[], { simple: Set<string>; others: unknown[] }>();
function inSets(arg: unknown[]): { simple: Set<string>; others: unknown[] } {
  let found = inSetCache.get(arg);
  if (!found) {
    const isSimple = (a: unknown) => typeof a === 'string' || typeof a === 'number';
    found = { simple: new Set(arg.filter(isSimple).map(keyOf)), others: arg.filter((a) => !isSimple(a)) };
    inSetCache.set(arg, found);
  }
  return found;
}

function conditionMatch(values: unknown[], condition: unknown): boolean {
  if (!isOperatorObject(condition)) return equalsAny(values, condition);
  for (const [op, arg] of Object.entries(condition)) {
    switch (op) {
      case '$eq':
        if (!equalsAny(values, arg)) return false;
        break;
      case '$ne':
        if (equalsAny(values, arg)) return false;
        break;
      case '$in': {
        if (!Array.isArray(arg)) throw badValue('$in needs an array');
        // Strings and numbers by key (a webhook batch marks hundreds of ids done in one $in).
        const { simple, others } = inSets(arg);
        const hit =
          leaves(values).some((v) => (typeof v === 'string' || typeof v === 'number') && simple.has(keyOf(v))) ||
          others.some((a) => equalsAny(values, a));
        if (!hit) return false;
        break;
      }
      case '$nin':
        if (!Array.isArray(arg)) throw badValue('$nin needs an array');
        if (arg.some((a) => equalsAny(values, a))) return false;
        break;
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        if (!rangeMatch(values, op, arg)) return false;
        break;
      case '$exists':
        if (values.some((v) => v !== undefined) !== Boolean(arg)) return false;
        break;
      default:
        throw badValue(`unknown operator: ${op} (the wire double supports what the store port documents)`);
    }
  }
  return true;
}

export function matches(doc: Document, filter: Document): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$or' || key === '$and' || key === '$nor') {
      if (!Array.isArray(condition) || condition.length === 0) throw badValue(`${key} needs a non-empty array`);
      const each = (condition as Document[]).map((c) => matches(doc, c));
      const ok = key === '$or' ? each.some(Boolean) : key === '$and' ? each.every(Boolean) : !each.some(Boolean);
      if (!ok) return false;
    } else if (key.startsWith('$')) {
      throw badValue(`unknown top level operator: ${key}`);
    } else if (!conditionMatch(valuesAt(doc, key.split('.')), condition)) {
      return false;
    }
  }
  return true;
}

export function sortDocuments(docs: Document[], sort: Document | undefined): Document[] {
  if (!sort || Object.keys(sort).length === 0) return docs;
  const keys = Object.entries(sort).map(([path, dir]) => [path, Number(dir) < 0 ? -1 : 1] as const);
  return [...docs].sort((a, b) => {
    for (const [path, dir] of keys) {
      const c = compareValues(valueAt(a, path), valueAt(b, path));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

export function project(doc: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const fields = Object.entries(projection);
  const including = fields.some(([k, v]) => k !== '_id' && Boolean(v));
  if (fields.some(([k]) => k.includes('.'))) throw badValue('the wire double projects top-level fields only');
  const out: Document = {};
  if (including) {
    if (projection._id !== 0 && projection._id !== false) out._id = doc._id;
    for (const [k, v] of fields) if (k !== '_id' && v && k in doc) out[k] = doc[k];
    return out;
  }
  for (const [k, v] of Object.entries(doc)) if (!(k in projection) || projection[k]) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Updates

const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$push', '$setOnInsert']);

function parentOf(doc: Document, path: string, create: boolean): { parent: Document | unknown[]; last: string } | null {
  const parts = path.split('.');
  let node: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    const container = node as Document;
    let next = container[part];
    if (next === undefined || next === null) {
      if (!create) return null;
      next = {};
      container[part] = next;
    }
    if (typeof next !== 'object') {
      throw new ServerError(28, 'PathNotViable', `Cannot create field '${part}' in element {${part}: ${String(next)}}`);
    }
    node = next;
  }
  return { parent: node as Document, last: parts[parts.length - 1]! };
}

/**
 * Applies an update document to a copy of `doc`. `inserting` applies $setOnInsert too. Rejects what
 * MongoDB rejects: two operators on one path (40), a changed `_id` (66), $inc on a non-number (14),
 * $push onto a non-array (2).
 */
export function applyUpdate(doc: Document, update: Document, inserting: boolean): Document {
  const ops = Object.keys(update);
  if (ops.length === 0 || !ops.every((k) => k.startsWith('$'))) {
    // A replacement document: everything but `_id` is replaced.
    if (ops.some((k) => k.startsWith('$'))) throw badValue('an update mixes operators and fields');
    return { _id: doc._id, ...copy(update) };
  }
  const seen: string[] = [];
  for (const op of ops) {
    if (!UPDATE_OPERATORS.has(op))
      throw badValue(`Unknown modifier: ${op} (the wire double supports the store port's)`);
    for (const path of Object.keys(update[op] as Document)) {
      const clash = seen.find((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
      if (clash)
        throw new ServerError(
          40,
          'ConflictingUpdateOperators',
          `Updating the path '${path}' would create a conflict at '${clash}'`,
        );
      seen.push(path);
    }
  }
  const out = copy(doc);
  for (const op of ops) {
    if (op === '$setOnInsert' && !inserting) continue;
    for (const [path, raw] of Object.entries(update[op] as Document)) {
      const value = raw === undefined ? null : raw;
      if (op === '$unset') {
        const at = parentOf(out, path, false);
        if (at && !Array.isArray(at.parent)) delete (at.parent as Document)[at.last];
        continue;
      }
      const at = parentOf(out, path, true)!;
      const parent = at.parent as Document;
      if (op === '$set' || op === '$setOnInsert') {
        parent[at.last] = isPlainObject(value) || Array.isArray(value) ? copy({ v: value }).v : value;
      } else if (op === '$inc') {
        const current = parent[at.last];
        if (typeof value !== 'number')
          throw new ServerError(
            14,
            'TypeMismatch',
            `Cannot increment with non-numeric argument: {${path}: ${String(value)}}`,
          );
        if (current !== undefined && typeof current !== 'number')
          throw new ServerError(14, 'TypeMismatch', `Cannot apply $inc to a value of non-numeric type at '${path}'`);
        parent[at.last] = (current ?? 0) + value;
      } else if (op === '$push') {
        const current = parent[at.last];
        if (current !== undefined && !Array.isArray(current))
          throw badValue(`The field '${path}' must be an array but is of type ${typeof current}`);
        const items = isPlainObject(value) && '$each' in value ? (value.$each as unknown[]) : [value];
        parent[at.last] = [...((current as unknown[]) ?? []), ...items.map((i) => copy({ v: i }).v)];
      }
    }
  }
  if (!equalValues(out._id, doc._id) && doc._id !== undefined) {
    throw new ServerError(
      66,
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return out;
}

/** The document an upsert starts from: the filter's equality fields (top level and inside $and). */
export function seedFromFilter(filter: Document): Document {
  const out: Document = {};
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') for (const part of condition as Document[]) Object.assign(out, seedFromFilter(part));
    else if (key.startsWith('$')) continue;
    else if (isOperatorObject(condition)) {
      if ('$eq' in condition) out[key] = condition.$eq;
    } else if (!key.includes('.')) out[key] = condition;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Collections and their indexes

export interface IndexDefinition {
  name: string;
  key: Record<string, number>;
  unique?: boolean;
  sparse?: boolean;
}

export class FakeCollection {
  /** In insertion order, keyed by `keyOf(_id)`. */
  readonly docs = new Map<string, Document>();
  readonly indexes: IndexDefinition[] = [{ name: '_id_', key: { _id: 1 } }];

  constructor(
    readonly db: string,
    readonly name: string,
  ) {}

  all(): Document[] {
    return [...this.docs.values()];
  }

  find(filter: Document): Document[] {
    return this.all().filter((d) => matches(d, filter));
  }

  /** The unique index `doc` would break, with the clashing key, or null. */
  private clash(doc: Document, ignoreId?: string): ServerError | null {
    for (const index of this.indexes) {
      if (!index.unique) continue;
      const fields = Object.keys(index.key);
      const values = fields.map((f) => valueAt(doc, f));
      if (index.sparse && values.every((v) => v === undefined)) continue;
      const key = values.map(keyOf).join('|');
      for (const [id, other] of this.docs) {
        if (id === ignoreId) continue;
        const otherValues = fields.map((f) => valueAt(other, f));
        if (index.sparse && otherValues.every((v) => v === undefined)) continue;
        if (otherValues.map(keyOf).join('|') === key) return this.duplicate(index, fields, values);
      }
    }
    return null;
  }

  private duplicate(index: IndexDefinition, fields: string[], values: unknown[]): ServerError {
    const keyValue = Object.fromEntries(fields.map((f, i) => [f, values[i] === undefined ? null : values[i]]));
    const shown = fields.map((f, i) => `${f}: ${JSON.stringify(values[i] ?? null)}`).join(', ');
    return new ServerError(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.db}.${this.name} index: ${index.name} dup key: { ${shown} }`,
      { keyPattern: index.key, keyValue },
    );
  }

  insert(doc: Document): Document {
    const stored = copy(doc);
    if (stored._id === undefined) stored._id = new ObjectId();
    const id = keyOf(stored._id);
    if (this.docs.has(id)) throw this.duplicate(this.indexes[0]!, ['_id'], [stored._id]);
    const clash = this.clash(stored);
    if (clash) throw clash;
    this.docs.set(id, stored);
    return stored;
  }

  /** Replaces a stored document with its updated version, unless that breaks a unique index. */
  replace(before: Document, after: Document): void {
    const id = keyOf(before._id);
    const clash = this.clash(after, id);
    if (clash) throw clash;
    this.docs.set(id, after);
  }

  remove(doc: Document): boolean {
    return this.docs.delete(keyOf(doc._id));
  }

  createIndex(spec: IndexDefinition): void {
    const sameName = this.indexes.find((i) => i.name === spec.name);
    const sameKey = this.indexes.find((i) => equalValues(i.key, spec.key));
    const sameOptions = (i: IndexDefinition) =>
      Boolean(i.unique) === Boolean(spec.unique) && Boolean(i.sparse) === Boolean(spec.sparse);
    if (sameName && !equalValues(sameName.key, spec.key))
      throw new ServerError(
        86,
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index: ${spec.name}`,
      );
    if (sameKey && (!sameOptions(sameKey) || sameKey.name !== spec.name))
      throw new ServerError(
        85,
        'IndexOptionsConflict',
        `An equivalent index already exists with a different name or options: ${sameKey.name}`,
      );
    if (sameKey) return;
    const index = {
      name: spec.name,
      key: spec.key,
      ...(spec.unique ? { unique: true } : {}),
      ...(spec.sparse ? { sparse: true } : {}),
    };
    this.indexes.push(index);
    // Building a unique index over data that already breaks it fails, as on MongoDB.
    const fields = Object.keys(spec.key);
    if (spec.unique) {
      const seen = new Set<string>();
      for (const doc of this.docs.values()) {
        const values = fields.map((f) => valueAt(doc, f));
        if (spec.sparse && values.every((v) => v === undefined)) continue;
        const key = values.map(keyOf).join('|');
        if (seen.has(key)) {
          this.indexes.pop();
          throw this.duplicate(index, fields, values);
        }
        seen.add(key);
      }
    }
  }
}
