/**
 * Faster entity lookups for the embedded Azurite (decision 0017). Azurite finds an entity with LokiJS
 * `findOne({ PartitionKey, RowKey })`, and LokiJS uses a binary index only for the first property of a query: the
 * PartitionKey index narrows to the whole partition, which is then scanned for the RowKey. Every insert, merge,
 * delete and point read therefore costs time in proportion to its partition's size: with an offer's leads in one
 * partition (they are kept for ever), a CPU profile of Azurite under `npm run bench -- leads` spent 45% of its time in
 * that scan. Here such a query is asked with the more selective property first (the smaller index range, found by
 * two binary searches), so the scan covers a handful of documents. The answer is the same: an AND does not depend on
 * its order.
 */

interface LokiCollectionLike {
  data: unknown[];
  binaryIndices: Record<string, unknown>;
  calculateRange(op: string, prop: string, value: unknown): [number, number];
  findOne(query: unknown): unknown;
}

interface LokiModule {
  Collection: { prototype: LokiCollectionLike };
}

/** Documents an `$eq` on `prop` matches, from its binary index; undefined without an up-to-date index. */
function rangeSize(collection: LokiCollectionLike, prop: string, value: unknown): number | undefined {
  const index = collection.binaryIndices[prop] as { dirty?: boolean } | undefined;
  if (!index || index.dirty) return undefined;
  const [start, end] = collection.calculateRange('$eq', prop, value);
  return Math.max(0, end - start + 1);
}

/**
 * The query to run: `{ RowKey, PartitionKey }` when the RowKey's index range is the smaller one, else unchanged.
 * Only a plain two-key equality query on string keys is touched.
 */
export function selectiveQuery(collection: LokiCollectionLike, query: unknown): unknown {
  if (query === null || typeof query !== 'object') return query;
  const q = query as Record<string, unknown>;
  const keys = Object.keys(q);
  if (keys.length !== 2 || typeof q['PartitionKey'] !== 'string' || typeof q['RowKey'] !== 'string') return query;
  if (keys[0] === 'RowKey') return query;
  const byRow = rangeSize(collection, 'RowKey', q['RowKey']);
  const byPartition = rangeSize(collection, 'PartitionKey', q['PartitionKey']);
  if (byRow === undefined || byPartition === undefined || byRow >= byPartition) return query;
  return { RowKey: q['RowKey'], PartitionKey: q['PartitionKey'] };
}

/** Patches LokiJS's `findOne` (the module Azurite resolves) before Azurite loads. */
export function installSelectiveLookups(loki: LokiModule): void {
  const proto = loki.Collection.prototype;
  const original = proto.findOne;
  proto.findOne = function findOne(this: LokiCollectionLike, query: unknown): unknown {
    return original.call(this, this.data.length > 0 ? selectiveQuery(this, query) : query);
  };
}
