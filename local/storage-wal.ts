/**
 * A write-ahead log for the embedded Azurite, so that what Azurite answered survives a kill of its process.
 *
 * Azurite keeps tables and blob/queue metadata in LokiJS databases held in memory and written out whole every 5 s
 * (autosave). A `kill -9` loses up to those 5 s, although every write in them was answered 2xx. This module, loaded
 * into the Azurite process before Azurite itself, makes every change durable before its answer leaves:
 *
 * - each change to a LokiJS collection (insert, update, remove; collections added or removed) is appended, as the
 *   whole document, to an in-memory batch;
 * - before any HTTP response of the process is written, the batch goes to the current log segment in one framed
 *   `write` (length + CRC-32), so a torn tail is recognised and ignored on replay; a crash of the process after that
 *   `write` returns loses nothing (the kernel holds the bytes; `fsync` is optional, for power loss);
 * - each autosave rotates to a new segment at the instant LokiJS serialises the database, and deletes the segments
 *   the snapshot covers once it is on disk (LokiJS writes a temporary file and renames it);
 * - on load, the segments left behind are replayed over the snapshot, in order. Records are whole documents keyed by
 *   LokiJS's `$loki` id, so replaying a segment the snapshot already holds gives the same state.
 *
 * Docs: docs/decisions/0009-embedded-storage-durability.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { crc32 } from 'node:zlib';

interface LokiDoc {
  $loki: number;
  [key: string]: unknown;
}

interface LokiCollection {
  name: string;
  data: LokiDoc[];
  idIndex: number[] | null;
  maxId: number;
  dirty: boolean;
  disableChangesApi: boolean;
  disableDeltaChangesApi: boolean;
  binaryIndices: Record<string, unknown>;
  uniqueNames: string[];
  ensureIndex(field: string, force?: boolean): void;
  ensureUniqueIndex(field: string): void;
  ensureId(): void;
}

interface LokiDb {
  filename: string;
  persistenceMethod: string | null;
  collections: LokiCollection[];
  getCollection(name: string): LokiCollection | null;
  addCollection(name: string, options?: unknown): LokiCollection;
  removeCollection(name: string): void;
  saveDatabase(callback?: Callback): void;
}

type Callback = (err?: unknown) => void;

interface LokiModule {
  prototype: {
    addCollection: (this: LokiDb, name: string, options?: unknown) => LokiCollection;
    removeCollection: (this: LokiDb, name: string) => void;
    loadDatabaseInternal: (this: LokiDb, options: unknown, callback?: Callback) => void;
    saveDatabaseInternal: (this: LokiDb, callback?: Callback) => void;
  };
  Collection: { prototype: { createChange: (this: LokiCollection, name: string, op: string, obj: LokiDoc) => void } };
}

/** One record: a collection added or removed, or a document inserted/updated (whole) or removed (by id). */
export type WalRecord =
  | ['AC', string, unknown]
  | ['RC', string]
  | ['I' | 'U', string, LokiDoc]
  | ['R', string, number];

const MAGIC = 'WAL1';

/** Frames one batch of records: `WAL1 <bytes> <crc32>\n<json array>\n`. */
export function frame(records: readonly string[]): Buffer {
  const payload = Buffer.from(`[${records.join(',')}]`);
  return Buffer.concat([Buffer.from(`${MAGIC} ${payload.length} ${crc32(payload)}\n`), payload, Buffer.from('\n')]);
}

/** Reads the whole frames of a segment; stops at the first torn or corrupt one (what a crash mid-write leaves). */
export function readFrames(bytes: Buffer): { records: WalRecord[]; torn: boolean } {
  const records: WalRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const newline = bytes.indexOf(0x0a, offset);
    if (newline < 0) return { records, torn: true };
    const [magic, lengthText, crcText] = bytes.subarray(offset, newline).toString().split(' ');
    const length = Number(lengthText);
    const start = newline + 1;
    const end = start + length;
    if (magic !== MAGIC || !Number.isSafeInteger(length) || end + 1 > bytes.length) return { records, torn: true };
    const payload = bytes.subarray(start, end);
    if (crc32(payload) !== Number(crcText) || bytes[end] !== 0x0a) return { records, torn: true };
    records.push(...(JSON.parse(payload.toString()) as WalRecord[]));
    offset = end + 1;
  }
  return { records, torn: false };
}

/** Applies records to a database, in order; idempotent over a snapshot that already holds a prefix of them. */
export function applyRecords(db: LokiDb, records: readonly WalRecord[]): void {
  const touched = new Set<LokiCollection>();
  for (const record of records) {
    if (record[0] === 'AC') {
      db.addCollection(record[1], record[2]);
      continue;
    }
    if (record[0] === 'RC') {
      const removed = db.getCollection(record[1]);
      if (removed) touched.delete(removed);
      db.removeCollection(record[1]);
      continue;
    }
    const collection = db.getCollection(record[1]);
    if (!collection) continue;
    collection.ensureId();
    touched.add(collection);
    const ids = collection.idIndex ?? [];
    if (record[0] === 'R') removeById(collection, ids, record[2]);
    else putDocument(collection, ids, record[2]);
  }
  for (const collection of touched) {
    const ids = collection.idIndex ?? [];
    collection.maxId = Math.max(collection.maxId, ids[ids.length - 1] ?? 0);
    for (const field of collection.uniqueNames) collection.ensureUniqueIndex(field);
    for (const field of Object.keys(collection.binaryIndices)) collection.ensureIndex(field, true);
    collection.dirty = true;
  }
}

/** Position of `id` in the sorted id index, or where it would go. */
function positionOf(ids: number[], id: number): { at: number; found: boolean } {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((ids[mid] as number) < id) low = mid + 1;
    else high = mid;
  }
  return { at: low, found: ids[low] === id };
}

function putDocument(collection: LokiCollection, ids: number[], doc: LokiDoc): void {
  const { at, found } = positionOf(ids, doc.$loki);
  if (found) {
    collection.data[at] = doc;
  } else {
    collection.data.splice(at, 0, doc);
    ids.splice(at, 0, doc.$loki);
  }
}

function removeById(collection: LokiCollection, ids: number[], id: number): void {
  const { at, found } = positionOf(ids, id);
  if (!found) return;
  collection.data.splice(at, 1);
  ids.splice(at, 1);
}

export interface WalOptions {
  /** fdatasync after each batch: survives power loss too, at a disk flush per answered write. */
  fsync?: boolean;
}

/** The log of one LokiJS database file: numbered segments `<file>.wal.<n>` beside it. */
class DatabaseLog {
  private pending: string[] = [];
  private fd: number | undefined;
  private sequence: number;
  replayed = false;
  /** Replay writes through LokiJS without logging itself again. */
  muted = false;

  constructor(
    private readonly file: string,
    private readonly options: WalOptions,
  ) {
    this.sequence = Math.max(0, ...this.segments().map((s) => s.sequence)) + 1;
  }

  segments(): { sequence: number; path: string }[] {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.wal.`;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      .map((name) => ({ sequence: Number(name.slice(prefix.length)), path: path.join(dir, name) }))
      .sort((a, b) => a.sequence - b.sequence);
  }

  add(record: WalRecord): void {
    if (this.muted) return;
    this.pending.push(JSON.stringify(record));
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const bytes = frame(this.pending);
    this.pending = [];
    this.fd ??= fs.openSync(`${this.file}.wal.${this.sequence}`, 'a', 0o600);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written);
    if (this.options.fsync) fs.fdatasyncSync(this.fd);
  }

  /** Starts a new segment; returns the last one a snapshot taken now covers. */
  rotate(): number {
    this.flush();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    const covered = this.sequence;
    this.sequence += 1;
    return covered;
  }

  dropThrough(sequence: number): void {
    for (const segment of this.segments()) if (segment.sequence <= sequence) fs.rmSync(segment.path, { force: true });
  }

  /** Applies the segments an earlier process left, in order; a torn last frame was never answered and is skipped. */
  replay(db: LokiDb): void {
    this.replayed = true;
    this.muted = true;
    try {
      for (const segment of this.segments()) {
        if (segment.sequence < this.sequence) applyRecords(db, readFrames(fs.readFileSync(segment.path)).records);
      }
    } finally {
      this.muted = false;
    }
  }
}

export interface InstalledWal {
  /** Writes every pending batch (done before each HTTP response, and on the next turn of the event loop). */
  flushAll(): void;
  /** Writes a snapshot of every database (which empties its log); for a clean stop. */
  saveAll(): Promise<void>;
}

/** Installs the log into the LokiJS module Azurite will load. Call before requiring Azurite. */
export function installWal(loki: LokiModule, options: WalOptions = {}): InstalledWal {
  const logs = new Map<LokiDb, DatabaseLog>();
  const owners = new WeakMap<LokiCollection, DatabaseLog>();
  let scheduled = false;

  const flushAll = (): void => {
    scheduled = false;
    for (const log of logs.values()) log.flush();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushAll);
  };

  const logOf = (db: LokiDb): DatabaseLog | undefined => {
    if (db.persistenceMethod !== 'fs') return undefined;
    let log = logs.get(db);
    if (!log) {
      log = new DatabaseLog(path.resolve(db.filename), options);
      logs.set(db, log);
    }
    return log;
  };
  const adopt = (db: LokiDb, collection: LokiCollection): void => {
    const log = logOf(db);
    if (!log) return;
    owners.set(collection, log);
    // Whole documents for every change; the changes themselves are written to the log, never kept in memory.
    collection.disableChangesApi = false;
    collection.disableDeltaChangesApi = true;
  };
  const ensureReplayed = (db: LokiDb): void => {
    const log = logOf(db);
    if (!log || log.replayed) return;
    log.replay(db);
    for (const collection of db.collections) adopt(db, collection);
  };

  const proto = loki.prototype;
  const addCollection = proto.addCollection;
  proto.addCollection = function (name, collectionOptions) {
    const existed = this.getCollection(name) !== null;
    const collection = addCollection.call(this, name, collectionOptions);
    adopt(this, collection);
    if (!existed) {
      logOf(this)?.add(['AC', name, collectionOptions ?? {}]);
      schedule();
    }
    return collection;
  };
  const removeCollection = proto.removeCollection;
  proto.removeCollection = function (name) {
    const existed = this.getCollection(name) !== null;
    removeCollection.call(this, name);
    if (existed) {
      logOf(this)?.add(['RC', name]);
      schedule();
    }
  };
  const loadInternal = proto.loadDatabaseInternal;
  proto.loadDatabaseInternal = function (loadOptions, callback) {
    loadInternal.call(this, loadOptions, (err?: unknown) => {
      if (!err) {
        try {
          ensureReplayed(this);
        } catch (replayError) {
          callback?.(replayError);
          return;
        }
      }
      callback?.(err);
    });
  };
  const saveInternal = proto.saveDatabaseInternal;
  proto.saveDatabaseInternal = function (callback) {
    const log = logOf(this);
    if (!log) return saveInternal.call(this, callback);
    ensureReplayed(this);
    // LokiJS serialises synchronously inside this call: the snapshot holds exactly what the closed segments hold.
    const covered = log.rotate();
    saveInternal.call(this, (err?: unknown) => {
      if (!err) log.dropThrough(covered);
      callback?.(err);
    });
  };
  loki.Collection.prototype.createChange = function (name, op, obj) {
    const log = owners.get(this);
    if (!log) return;
    log.add(op === 'R' ? ['R', name, obj.$loki] : [op === 'U' ? 'U' : 'I', name, obj]);
    schedule();
  };

  // Nothing leaves the process as an answer before the changes it reports are in the log.
  const response = http.ServerResponse.prototype as unknown as Record<'writeHead' | 'write' | 'end', (...args: unknown[]) => unknown>;
  for (const method of ['writeHead', 'write', 'end'] as const) {
    const original = response[method];
    response[method] = function (this: unknown, ...args: unknown[]) {
      flushAll();
      return original.apply(this, args);
    };
  }

  const saveAll = async (): Promise<void> => {
    flushAll();
    await Promise.all([...logs.keys()].map((db) => new Promise<void>((resolve) => db.saveDatabase(() => resolve()))));
  };

  return { flushAll, saveAll };
}
