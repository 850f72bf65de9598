/**
 * The embedded storage's write-ahead log (local/storage-wal.ts): frames that a torn write cannot pass off as whole,
 * and a replay that rebuilds a LokiJS database (documents, ids, unique and binary indices) from a snapshot plus the
 * log, giving the same state whether or not the snapshot already holds part of the log.
 */
import { describe, expect, it } from 'vitest';
import { applyRecords, frame, readFrames, type WalRecord } from '../../../local/storage-wal';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Loki = require('lokijs') as new (name: string, options?: object) => LokiLike;
interface LokiLike {
  addCollection(name: string, options?: object): CollectionLike;
  getCollection(name: string): CollectionLike | null;
  serialize(): string;
  loadJSON(json: string): void;
}
interface CollectionLike {
  insert(doc: object): Record<string, unknown> & { $loki: number };
  update(doc: object): void;
  remove(doc: object): void;
  find(query?: object): (Record<string, unknown> & { $loki: number })[];
  findOne(query: object): (Record<string, unknown> & { $loki: number }) | null;
  maxId: number;
}

const rows = (db: LokiLike) =>
  (db.getCollection('entities')?.find() ?? []).map(({ $loki, PartitionKey, RowKey, v }) => ({ $loki, PartitionKey, RowKey, v }));

describe('frames', () => {
  it('reads back every whole frame', () => {
    const bytes = Buffer.concat([frame([JSON.stringify(['RC', 'a'])]), frame([JSON.stringify(['RC', 'b']), JSON.stringify(['RC', 'c'])])]);
    expect(readFrames(bytes)).toEqual({ records: [['RC', 'a'], ['RC', 'b'], ['RC', 'c']], torn: false });
  });

  it('stops at a torn tail: a frame cut anywhere is ignored, the ones before it are kept', () => {
    const whole = frame([JSON.stringify(['RC', 'a'])]);
    const last = frame([JSON.stringify(['RC', 'b'])]);
    for (let cut = 1; cut < last.length; cut++) {
      const read = readFrames(Buffer.concat([whole, last.subarray(0, cut)]));
      expect(read, `cut at ${cut}`).toEqual({ records: [['RC', 'a']], torn: true });
    }
  });

  it('refuses a frame whose bytes do not match its checksum', () => {
    const bytes = frame([JSON.stringify(['RC', 'abc'])]);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 4] = 'x'.charCodeAt(0);
    expect(readFrames(corrupt)).toEqual({ records: [], torn: true });
  });
});

describe('replay', () => {
  /** A database and the records a log would hold for what happened after `snapshot` was taken. */
  function scenario() {
    const db = new Loki('test.json');
    const entities = db.addCollection('entities', { indices: ['PartitionKey', 'RowKey'], unique: ['key'] });
    const a = entities.insert({ PartitionKey: 'p', RowKey: 'a', key: 'p|a', v: 1 });
    const b = entities.insert({ PartitionKey: 'p', RowKey: 'b', key: 'p|b', v: 1 });
    const snapshot = db.serialize();
    const c = entities.insert({ PartitionKey: 'p', RowKey: 'c', key: 'p|c', v: 1 });
    entities.update({ ...a, v: 2 });
    const removedId = b.$loki; // LokiJS strips the id from a document it removes
    entities.remove(b);
    const records: WalRecord[] = [
      ['I', 'entities', JSON.parse(JSON.stringify(c)) as never],
      ['U', 'entities', JSON.parse(JSON.stringify({ ...a, v: 2 })) as never],
      ['R', 'entities', removedId],
      ['AC', 'other', { unique: ['name'] }],
      ['I', 'other', { name: 'x', $loki: 1, meta: { revision: 0, created: 0, version: 0 } }],
    ];
    return { db, snapshot, records };
  }

  it('rebuilds what the live database holds from the snapshot and the log', () => {
    const { db, snapshot, records } = scenario();
    const restored = new Loki('test.json');
    restored.loadJSON(snapshot);
    applyRecords(restored as never, records);
    expect(rows(restored)).toEqual(rows(db));
    expect(restored.getCollection('other')?.find().map((d) => d['name'])).toEqual(['x']);
    // Indices work after the replay: lookups by an indexed field and by the unique key find the replayed documents.
    expect(restored.getCollection('entities')?.findOne({ RowKey: 'c' })?.['v']).toBe(1);
    expect(restored.getCollection('entities')?.findOne({ key: 'p|a' })?.['v']).toBe(2);
    // New inserts continue after the highest id, so a replayed id is never reused.
    const next = restored.getCollection('entities')?.insert({ PartitionKey: 'p', RowKey: 'd', key: 'p|d', v: 1 });
    expect(next?.$loki).toBe(4);
  });

  it('gives the same state when the snapshot already holds part of the log (a crash between save and cleanup)', () => {
    const { db, snapshot, records } = scenario();
    const once = new Loki('test.json');
    once.loadJSON(snapshot);
    applyRecords(once as never, records);
    const twice = new Loki('test.json');
    twice.loadJSON(once.serialize());
    applyRecords(twice as never, records);
    expect(rows(twice)).toEqual(rows(db));
    expect(twice.getCollection('other')?.find()).toHaveLength(1);
  });

  it('a removed and re-created collection comes back empty, then holds what was written after', () => {
    const db = new Loki('test.json');
    db.addCollection('t').insert({ v: 'old' });
    applyRecords(db as never, [
      ['RC', 't'],
      ['AC', 't', {}],
      ['I', 't', { v: 'new', $loki: 1, meta: { revision: 0, created: 0, version: 0 } }],
    ]);
    expect(db.getCollection('t')?.find().map((d) => d['v'])).toEqual(['new']);
  });
});
