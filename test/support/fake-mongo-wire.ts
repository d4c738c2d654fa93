// A MongoDB wire-protocol test double on a loopback port. The unchanged mongoose adapter (and the
// driver under it: handshake, OP_MSG with document sequences, cursors, write errors, GridFS) talks to
// it as to a server, so CI proves the commands the adapter sends and how it reads the answers. It
// does not prove MongoDB's semantics: it models only the guarantees the hub builds on (one command on
// one document is atomic, unique indexes, E11000 write errors; see fake-mongo-engine.ts) and answers
// `hello` and `buildInfo` as the server profile it is given (a replica set, a standalone server,
// MongoDB 4.4, FerretDB 1.x), so start-up checks can be tested. Every command is recorded.
import net from 'node:net';
import mongoose from 'mongoose';
import {
  FakeCollection,
  ServerError,
  applyUpdate,
  copy,
  keyOf,
  matches,
  project,
  seedFromFilter,
  sortDocuments,
  type Document,
  type IndexDefinition,
} from './fake-mongo-engine';

const { BSON, Long } = mongoose.mongo;

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;
const CHECKSUM_PRESENT = 1;
/** MongoDB's default first batch, so the driver's getMore path runs as it does against a server. */
const DEFAULT_FIRST_BATCH = 101;

/** What the server says it is, in `hello` and `buildInfo`. */
export type ServerProfile = 'replica-set' | 'replica-set-with-arbiter' | 'standalone' | 'mongodb-4.4' | 'ferretdb-1';

export interface RecordedCommand {
  name: string;
  db: string;
  collection?: string;
  writeConcern?: Document;
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findandmodify', 'createindexes', 'dropindexes']);

interface OpenCursor {
  ns: string;
  rest: Document[];
}

export class FakeMongoWire {
  readonly commands: RecordedCommand[] = [];
  private readonly databases = new Map<string, Map<string, FakeCollection>>();
  private readonly cursors = new Map<string, OpenCursor>();
  private readonly sockets = new Set<net.Socket>();
  private nextCursor = 1;
  private server?: net.Server;
  private port = 0;

  constructor(readonly profile: ServerProfile = 'replica-set') {}

  /** Listens on a free loopback port and returns a URI for `dbName`. */
  async start(): Promise<this> {
    const server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  uri(dbName = 'ssz'): string {
    return `mongodb://127.0.0.1:${this.port}/${dbName}?directConnection=true`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The documents of a collection as stored (copies), for tests that look behind the adapter. */
  stored(db: string, collection: string): Document[] {
    return (this.databases.get(db)?.get(collection)?.all() ?? []).map((d) => copy(d));
  }

  /** The index definitions of a collection, `_id_` first. */
  indexes(db: string, collection: string): IndexDefinition[] {
    return (
      this.databases
        .get(db)
        ?.get(collection)
        ?.indexes.map((i) => ({ ...i })) ?? []
    );
  }

  private collection(db: string, name: string, create: boolean): FakeCollection | undefined {
    let database = this.databases.get(db);
    if (!database) {
      if (!create) return undefined;
      this.databases.set(db, (database = new Map()));
    }
    let found = database.get(name);
    if (!found && create) database.set(name, (found = new FakeCollection(db, name)));
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // Framing: messages are length-prefixed; each is answered in order of arrival on its socket.

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        const message = buffered.subarray(0, buffered.readInt32LE(0));
        buffered = buffered.subarray(message.length);
        chain = chain.then(async () => {
          const reply = await this.answer(message);
          if (reply && !socket.destroyed) socket.write(reply);
        });
      }
    });
  }

  private async answer(message: Buffer): Promise<Buffer | null> {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // Only the driver's first handshake comes this way: flags, namespace, skip, return, query.
      const nsEnd = message.indexOf(0, 20);
      const ns = message.toString('utf8', 20, nsEnd);
      const at = nsEnd + 1 + 8;
      const query = BSON.deserialize(message.subarray(at, at + message.readInt32LE(at)));
      const command = (query.$query as Document | undefined) ?? query;
      const body = BSON.serialize(await this.run({ ...command, $db: ns.split('.')[0] }));
      const header = Buffer.alloc(36);
      header.writeInt32LE(36 + body.length, 0);
      header.writeInt32LE(requestId, 8);
      header.writeInt32LE(OP_REPLY, 12);
      header.writeInt32LE(1, 32); // numberReturned
      return Buffer.concat([header, body]);
    }
    if (opCode !== OP_MSG)
      throw new Error(`the wire double speaks OP_MSG and the OP_QUERY handshake, not opcode ${opCode}`);
    const flags = message.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
    let command: Document = {};
    for (let at = 20; at < end;) {
      const kind = message[at]!;
      const size = message.readInt32LE(at + 1);
      if (kind === 0) {
        command = { ...command, ...BSON.deserialize(message.subarray(at + 1, at + 1 + size)) };
      } else {
        // A document sequence: an identifier, then documents (the driver sends inserts this way).
        const idEnd = message.indexOf(0, at + 5);
        const id = message.toString('utf8', at + 5, idEnd);
        const docs: Document[] = [];
        for (let p = idEnd + 1; p < at + 1 + size; p += message.readInt32LE(p)) {
          docs.push(BSON.deserialize(message.subarray(p, p + message.readInt32LE(p))));
        }
        command[id] = docs;
      }
      at += 1 + size;
    }
    const result = await this.run(command);
    if (flags & MORE_TO_COME) return null;
    const body = BSON.serialize(result);
    const header = Buffer.alloc(21);
    header.writeInt32LE(21 + body.length, 0);
    header.writeInt32LE(requestId, 8);
    header.writeInt32LE(OP_MSG, 12);
    return Buffer.concat([header, body]);
  }

  private async run(command: Document): Promise<Document> {
    const name = Object.keys(command)[0]!;
    const db = String(command.$db ?? 'admin');
    const lower = name.toLowerCase();
    this.commands.push({
      name,
      db,
      ...(typeof command[name] === 'string' ? { collection: command[name] as string } : {}),
      ...(WRITE_COMMANDS.has(lower) && command.writeConcern ? { writeConcern: command.writeConcern as Document } : {}),
    });
    try {
      if (command.startTransaction || command.autocommit === false)
        throw new ServerError(263, 'OperationNotSupportedInTransaction', 'the wire double has no transactions');
      return await this.dispatch(lower, command, db);
    } catch (err) {
      if (err instanceof ServerError) return err.reply();
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  private async dispatch(name: string, cmd: Document, db: string): Promise<Document> {
    switch (name) {
      case 'hello':
      case 'ismaster':
        return this.hello();
      case 'buildinfo':
        return this.buildInfo();
      case 'ping':
      case 'endsessions':
        return { ok: 1 };
      case 'dropdatabase':
        this.databases.delete(db);
        return { ok: 1 };
      case 'createindexes':
        return this.createIndexes(db, cmd);
      case 'listindexes':
        return this.listIndexes(db, cmd);
      case 'dropindexes':
        return this.dropIndexes(db, cmd);
      case 'insert':
        return this.insert(db, cmd);
      case 'find':
        return this.find(db, cmd);
      case 'getmore':
        return this.getMore(cmd);
      case 'killcursors':
        for (const id of cmd.cursors as unknown[]) this.cursors.delete(String(id));
        return { cursorsKilled: cmd.cursors, ok: 1 };
      case 'aggregate':
        return this.aggregate(db, cmd);
      case 'findandmodify':
        return this.findAndModify(db, cmd);
      case 'update':
        return this.update(db, cmd);
      case 'delete':
        return this.delete(db, cmd);
      default:
        throw new ServerError(59, 'CommandNotFound', `no such command: '${Object.keys(cmd)[0]}'`);
    }
  }

  private me(): string {
    return `127.0.0.1:${this.port}`;
  }

  private hello(): Document {
    const base: Document = {
      helloOk: true,
      ismaster: true,
      isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: 1,
      minWireVersion: 0,
      maxWireVersion: this.profile === 'mongodb-4.4' ? 9 : 21,
      readOnly: false,
      ok: 1,
    };
    if (
      this.profile === 'replica-set' ||
      this.profile === 'replica-set-with-arbiter' ||
      this.profile === 'mongodb-4.4'
    ) {
      Object.assign(base, { setName: 'rs0', setVersion: 1, hosts: [this.me()], primary: this.me(), me: this.me() });
    }
    // Primary, secondary, arbiter: the secondary and the arbiter are elsewhere (nobody connects to them).
    if (this.profile === 'replica-set-with-arbiter') {
      Object.assign(base, { hosts: [this.me(), '127.0.0.1:1'], arbiters: ['127.0.0.1:2'] });
    }
    return base;
  }

  private buildInfo(): Document {
    if (this.profile === 'ferretdb-1') {
      // FerretDB answers with the MongoDB version it imitates and names itself in an extra field.
      return { version: '7.0.42', versionArray: [7, 0, 42, 0], ferretdbVersion: 'v1.24.2', ok: 1 };
    }
    if (this.profile === 'mongodb-4.4') return { version: '4.4.29', versionArray: [4, 4, 29, 0], ok: 1 };
    return { version: '7.0.14', versionArray: [7, 0, 14, 0], ok: 1 };
  }

  private createIndexes(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.createIndexes), true)!;
    const before = coll.indexes.length;
    for (const spec of cmd.indexes as Array<Document & { key: Record<string, number> }>) {
      coll.createIndex({
        name: String(
          spec.name ??
            Object.entries(spec.key)
              .map(([k, v]) => `${k}_${v}`)
              .join('_'),
        ),
        key: spec.key,
        unique: Boolean(spec.unique),
        sparse: Boolean(spec.sparse),
      });
    }
    return { numIndexesBefore: before, numIndexesAfter: coll.indexes.length, ok: 1 };
  }

  private listIndexes(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.listIndexes), false);
    if (!coll) throw new ServerError(26, 'NamespaceNotFound', `ns does not exist: ${db}.${String(cmd.listIndexes)}`);
    const docs = coll.indexes.map((i) => ({ v: 2, ...i }));
    return this.cursorReply(`${db}.${coll.name}`, docs, cmd);
  }

  private dropIndexes(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.dropIndexes), false);
    if (!coll) throw new ServerError(26, 'NamespaceNotFound', `ns not found ${db}.${String(cmd.dropIndexes)}`);
    const at = coll.indexes.findIndex((i) => i.name === cmd.index && i.name !== '_id_');
    if (at < 0) throw new ServerError(27, 'IndexNotFound', `index not found with name [${String(cmd.index)}]`);
    const before = coll.indexes.length;
    coll.indexes.splice(at, 1);
    return { nIndexesWas: before, ok: 1 };
  }

  /** Lets other commands run: MongoDB makes no multi-document write atomic, and neither does this. */
  private between(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  private async insert(db: string, cmd: Document): Promise<Document> {
    const coll = this.collection(db, String(cmd.insert), true)!;
    const docs = cmd.documents as Document[];
    const writeErrors: Document[] = [];
    let n = 0;
    for (let i = 0; i < docs.length; i++) {
      if (i > 0) await this.between();
      try {
        coll.insert(docs[i]!);
        n++;
      } catch (err) {
        if (!(err instanceof ServerError)) throw err;
        writeErrors.push({ index: i, code: err.code, errmsg: err.message, ...err.extra });
        if (cmd.ordered !== false) break;
      }
    }
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  }

  private find(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.find), false);
    let docs = sortDocuments(coll?.find((cmd.filter as Document) ?? {}) ?? [], cmd.sort as Document | undefined);
    const skip = Number(cmd.skip ?? 0);
    const limit = Math.abs(Number(cmd.limit ?? 0));
    docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
    const projected = docs.map((d) => project(copy(d), cmd.projection as Document | undefined));
    return this.cursorReply(`${db}.${String(cmd.find)}`, projected, cmd);
  }

  private cursorReply(ns: string, docs: Document[], cmd: Document): Document {
    const cursorOptions = (cmd.cursor as Document | undefined) ?? {};
    const batchSize = Number(cmd.batchSize ?? cursorOptions.batchSize ?? DEFAULT_FIRST_BATCH);
    const size = cmd.singleBatch ? docs.length : batchSize > 0 ? batchSize : docs.length;
    const first = docs.slice(0, size);
    const rest = docs.slice(size);
    let id = Long.ZERO;
    if (rest.length > 0) {
      id = Long.fromNumber(this.nextCursor++);
      this.cursors.set(id.toString(), { ns, rest });
    }
    return { cursor: { firstBatch: first, id, ns }, ok: 1 };
  }

  private getMore(cmd: Document): Document {
    const key = String(cmd.getMore);
    const cursor = this.cursors.get(key);
    if (!cursor) throw new ServerError(43, 'CursorNotFound', `cursor id ${key} not found`);
    const batchSize = Number(cmd.batchSize ?? 0);
    const next = batchSize > 0 ? cursor.rest.splice(0, batchSize) : cursor.rest.splice(0);
    const done = cursor.rest.length === 0;
    if (done) this.cursors.delete(key);
    return { cursor: { nextBatch: next, id: done ? Long.ZERO : Long.fromString(key), ns: cursor.ns }, ok: 1 };
  }

  /** The pipelines the driver builds for countDocuments: $match, $skip, $limit, $sort, $group with $sum. */
  private aggregate(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.aggregate), false);
    let docs = coll?.all() ?? [];
    for (const stage of cmd.pipeline as Document[]) {
      const [op, arg] = Object.entries(stage)[0]!;
      if (op === '$match') docs = docs.filter((d) => matches(d, arg as Document));
      else if (op === '$skip') docs = docs.slice(Number(arg));
      else if (op === '$limit') docs = docs.slice(0, Number(arg));
      else if (op === '$sort') docs = sortDocuments(docs, arg as Document);
      else if (op === '$group') {
        const { _id, ...sums } = arg as Document;
        if (_id !== null && typeof _id === 'object')
          throw new ServerError(2, 'BadValue', 'the wire double groups by a constant only');
        if (docs.length === 0) continue;
        const out: Document = { _id };
        for (const [field, acc] of Object.entries(sums)) {
          const by = (acc as Document).$sum;
          if (typeof by !== 'number') throw new ServerError(2, 'BadValue', 'the wire double sums constants only');
          out[field] = by * docs.length;
        }
        docs = [out];
      } else throw new ServerError(40324, 'Location40324', `Unrecognized pipeline stage name: '${op}'`);
    }
    return this.cursorReply(
      `${db}.${String(cmd.aggregate)}`,
      docs.map((d) => copy(d)),
      cmd,
    );
  }

  /** One document, start to finish in one turn of the event loop: atomic, as on MongoDB. */
  private findAndModify(db: string, cmd: Document): Document {
    const coll = this.collection(db, String(cmd.findAndModify), true)!;
    const query = (cmd.query as Document) ?? {};
    const found = sortDocuments(coll.find(query), cmd.sort as Document | undefined)[0];
    const fields = cmd.fields as Document | undefined;
    if (cmd.remove) {
      if (found) coll.remove(found);
      return { lastErrorObject: { n: found ? 1 : 0 }, value: found ? project(copy(found), fields) : null, ok: 1 };
    }
    const update = cmd.update as Document;
    if (Array.isArray(update)) throw new ServerError(2, 'BadValue', 'the wire double has no pipeline updates');
    if (found) {
      const after = applyUpdate(found, update, false);
      coll.replace(found, after);
      const value = cmd.new ? after : found;
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(copy(value), fields), ok: 1 };
    }
    if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const inserted = coll.insert(applyUpdate(seedFromFilter(query), update, true));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      value: cmd.new ? project(copy(inserted), fields) : null,
      ok: 1,
    };
  }

  private async update(db: string, cmd: Document): Promise<Document> {
    const coll = this.collection(db, String(cmd.update), true)!;
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors: Document[] = [];
    const statements = cmd.updates as Array<{ q: Document; u: Document; multi?: boolean; upsert?: boolean }>;
    for (let i = 0; i < statements.length; i++) {
      const { q, u, multi, upsert } = statements[i]!;
      try {
        const targets = multi ? coll.find(q) : coll.find(q).slice(0, 1);
        for (const [k, target] of targets.entries()) {
          if (k > 0) await this.between();
          const current = coll.docs.get(keyOf(target._id));
          // Another command may have changed or removed it since: it is updated only if it still matches.
          if (!current || !matches(current, q)) continue;
          const after = applyUpdate(current, u, false);
          coll.replace(current, after);
          n++;
          if (!Buffer.from(BSON.serialize(after)).equals(BSON.serialize(current))) nModified++;
        }
        if (targets.length === 0 && upsert) {
          const inserted = coll.insert(applyUpdate(seedFromFilter(q), u, true));
          upserted.push({ index: i, _id: inserted._id });
          n++;
        }
      } catch (err) {
        if (!(err instanceof ServerError)) throw err;
        writeErrors.push({ index: i, code: err.code, errmsg: err.message, ...err.extra });
        if (cmd.ordered !== false) break;
      }
    }
    return {
      n,
      nModified,
      ...(upserted.length ? { upserted } : {}),
      ...(writeErrors.length ? { writeErrors } : {}),
      ok: 1,
    };
  }

  private async delete(db: string, cmd: Document): Promise<Document> {
    const coll = this.collection(db, String(cmd.delete), false);
    let n = 0;
    for (const { q, limit } of cmd.deletes as Array<{ q: Document; limit: number }>) {
      const targets = coll?.find(q) ?? [];
      for (const [k, target] of (limit === 1 ? targets.slice(0, 1) : targets).entries()) {
        if (k > 0) await this.between();
        const current = coll!.docs.get(keyOf(target._id));
        if (current && matches(current, q) && coll!.remove(current)) n++;
      }
    }
    return { n, ok: 1 };
  }
}
