/** JSON over several Table string properties (each at most 32,768 characters). */
import { describe, expect, it } from 'vitest';
import { fromJsonColumns, JSON_CHUNK, jsonColumns } from '../../../../shared/testdrive/store/json-columns';

describe('jsonColumns', () => {
  it('keeps a small document in data alone', () => {
    expect(jsonColumns({ a: 1 })).toEqual({ data: '{"a":1}' });
    expect(fromJsonColumns({ data: '{"a":1}' })).toEqual({ a: 1 });
  });

  it('cuts a large document into properties of at most JSON_CHUNK characters and reads it back', () => {
    const value = { ids: Array.from({ length: 3000 }, (_, i) => `drive-${i}-${'x'.repeat(20)}`) };
    const columns = jsonColumns(value);
    expect(Object.keys(columns)).toEqual(['data', 'data1', 'data2', 'data3']);
    for (const text of Object.values(columns)) expect(text.length).toBeLessThanOrEqual(JSON_CHUNK);
    expect(JSON_CHUNK).toBeLessThanOrEqual(32_768);
    expect(fromJsonColumns({ ...columns, etag: 'x' })).toEqual(value);
  });

  it('starts a new property exactly at the chunk size', () => {
    const text = 'a'.repeat(JSON_CHUNK - 2);
    expect(Object.keys(jsonColumns(text))).toEqual(['data']);
    expect(Object.keys(jsonColumns(`${text}a`))).toEqual(['data', 'data1']);
  });
});
