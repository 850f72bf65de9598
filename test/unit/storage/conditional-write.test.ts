/**
 * The shared optimistic write: an insert when no ETag was read, an If-Match replace otherwise; losing either to
 * another writer answers false, anything else is thrown.
 */
import { describe, expect, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { insertOrReplaceIfMatch } from '../../../shared/storage/conditional-write';

const failing = (statusCode?: number) => Object.assign(new Error('storage says no'), statusCode === undefined ? {} : { statusCode });

function table(outcome: { create?: Error; update?: Error } = {}) {
  const calls: string[] = [];
  const client = {
    createEntity: async (e: { rowKey: string }) => {
      calls.push(`create ${e.rowKey}`);
      if (outcome.create) throw outcome.create;
      return {};
    },
    updateEntity: async (e: { rowKey: string }, mode: string, options: { etag: string }) => {
      calls.push(`update ${e.rowKey} ${mode} ${options.etag}`);
      if (outcome.update) throw outcome.update;
      return {};
    },
  } as unknown as TableClient;
  return { client, calls };
}

const entity = { partitionKey: 'p', rowKey: 'r' };

describe('insertOrReplaceIfMatch', () => {
  it('inserts when no ETag was read and replaces If-Match when one was', async () => {
    const fresh = table();
    expect(await insertOrReplaceIfMatch(fresh.client, entity, undefined)).toBe(true);
    expect(fresh.calls).toEqual(['create r']);
    const known = table();
    expect(await insertOrReplaceIfMatch(known.client, entity, 'W/"1"')).toBe(true);
    expect(known.calls).toEqual(['update r Replace W/"1"']);
  });

  it('answers false when another writer got there first', async () => {
    expect(await insertOrReplaceIfMatch(table({ create: failing(409) }).client, entity, undefined)).toBe(false);
    expect(await insertOrReplaceIfMatch(table({ update: failing(412) }).client, entity, 'W/"1"')).toBe(false);
  });

  it('throws any other failure', async () => {
    await expect(insertOrReplaceIfMatch(table({ create: failing(500) }).client, entity, undefined)).rejects.toThrow('storage says no');
    await expect(insertOrReplaceIfMatch(table({ update: failing(404) }).client, entity, 'W/"1"')).rejects.toThrow('storage says no');
    await expect(insertOrReplaceIfMatch(table({ create: failing() }).client, entity, undefined)).rejects.toThrow('storage says no');
  });
});
