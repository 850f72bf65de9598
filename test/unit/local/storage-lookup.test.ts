/**
 * Entity lookups in the embedded Azurite (local/storage-lookup.ts; decision 0017), against the real LokiJS module
 * Azurite uses: a `findOne({ PartitionKey, RowKey })` in a large partition is asked RowKey first (LokiJS uses an index
 * only for a query's first property), and every answer is the one the unpatched LokiJS gives.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { installSelectiveLookups, selectiveQuery } from '../../../local/storage-lookup';

const azuriteRoot = path.dirname(require.resolve('azurite/package.json'));
type Loki = {
  new (name: string): { addCollection(name: string, options: unknown): Collection };
  Collection: { prototype: Collection };
};
type Collection = {
  insert(doc: object): void;
  remove(doc: object): void;
  findOne(query: unknown): unknown;
  find(query: unknown): unknown[];
  data: unknown[];
  binaryIndices: Record<string, unknown>;
  calculateRange(op: string, prop: string, value: unknown): [number, number];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Loki = require(require.resolve('lokijs', { paths: [azuriteRoot] })) as Loki;

function entities(partitions: Record<string, number>) {
  const db = new Loki('t');
  const coll = db.addCollection('entities', { indices: ['PartitionKey', 'RowKey'] });
  for (const [pk, n] of Object.entries(partitions)) {
    for (let i = 0; i < n; i += 1) coll.insert({ PartitionKey: pk, RowKey: `r${String(i).padStart(5, '0')}`, n: i });
  }
  return coll;
}

describe('selectiveQuery', () => {
  it('asks RowKey first when its index range is smaller than the partition', () => {
    const coll = entities({ big: 500, other: 3 });
    expect(Object.keys(selectiveQuery(coll, { PartitionKey: 'big', RowKey: 'r00042' }) as object)).toEqual(['RowKey', 'PartitionKey']);
  });

  it('keeps PartitionKey first when the partition is the smaller range (one row key in many partitions)', () => {
    const coll = entities(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 1])));
    expect(Object.keys(selectiveQuery(coll, { PartitionKey: 'p3', RowKey: 'r00000' }) as object)).toEqual(['PartitionKey', 'RowKey']);
  });

  it('leaves other queries alone', () => {
    const coll = entities({ big: 50 });
    const three = { PartitionKey: 'big', RowKey: 'r00001', n: 1 };
    const ranged = { PartitionKey: 'big', RowKey: { $gt: 'r00001' } };
    expect(selectiveQuery(coll, three)).toBe(three);
    expect(selectiveQuery(coll, ranged)).toBe(ranged);
    expect(selectiveQuery(coll, null)).toBeNull();
    const unindexed = new Loki('u').addCollection('plain', {});
    unindexed.insert({ PartitionKey: 'a', RowKey: 'b' });
    const q = { PartitionKey: 'a', RowKey: 'b' };
    expect(selectiveQuery(unindexed, q)).toBe(q);
  });
});

describe('installSelectiveLookups', () => {
  it('answers exactly as LokiJS does, found or not, after inserts and removes', () => {
    const coll = entities({ big: 2000, small: 5 });
    const before = ['big/r01999', 'big/r00000', 'small/r00004', 'small/r00005', 'nope/r00001'].map((k) => {
      const [PartitionKey, RowKey] = k.split('/');
      return coll.findOne({ PartitionKey, RowKey });
    });
    installSelectiveLookups(Loki as never);
    const after = ['big/r01999', 'big/r00000', 'small/r00004', 'small/r00005', 'nope/r00001'].map((k) => {
      const [PartitionKey, RowKey] = k.split('/');
      return coll.findOne({ PartitionKey, RowKey });
    });
    expect(after).toEqual(before);
    expect(after.map((d) => (d as { n?: number } | null)?.n ?? null)).toEqual([1999, 0, 4, null, null]);
    coll.remove(coll.findOne({ PartitionKey: 'big', RowKey: 'r00007' }) as object);
    coll.insert({ PartitionKey: 'small', RowKey: 'r00007', n: -7 });
    expect(coll.findOne({ PartitionKey: 'big', RowKey: 'r00007' })).toBeNull();
    expect((coll.findOne({ PartitionKey: 'small', RowKey: 'r00007' }) as { n: number }).n).toBe(-7);
  });
});
