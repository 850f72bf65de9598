import { describe, expect, it } from 'vitest';
import { COLUMN_CHARS, fromJsonColumns, MAX_COLUMNS, toJsonColumns, ValueTooLargeError } from '../../../shared/storage/json-columns';

describe('a JSON value across Table properties', () => {
  it('keeps a small value in the one data property that older rows have', () => {
    expect(toJsonColumns({ a: 1 })).toEqual({ data: '{"a":1}' });
    expect(fromJsonColumns({ data: '{"a":1}', other: 'x' })).toEqual({ a: 1 });
  });

  it('splits 1,000 GUIDs (39,000 characters, over the 32,768 a property holds) into two properties and reads them back', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const columns = toJsonColumns({ members });
    expect(Object.keys(columns)).toEqual(['data', 'data_1']);
    expect(columns['data']).toHaveLength(COLUMN_CHARS);
    for (const part of Object.values(columns)) expect(part.length).toBeLessThanOrEqual(32_768);
    expect(fromJsonColumns<{ members: string[] }>(columns).members).toEqual(members);
  });

  it('a value of exactly one column stays in one property; one character more takes a second', () => {
    const exact = 'x'.repeat(COLUMN_CHARS - 2);
    expect(Object.keys(toJsonColumns(exact))).toEqual(['data']);
    const over = toJsonColumns(`${exact}y`);
    expect(Object.keys(over)).toEqual(['data', 'data_1']);
    expect(over['data_1']).toBe('"');
    expect(fromJsonColumns(over)).toBe(`${exact}y`);
  });

  it('refuses a value larger than a row can hold instead of letting the store answer 400 mid-transaction', () => {
    const max = 'x'.repeat(COLUMN_CHARS * MAX_COLUMNS - 2);
    expect(Object.keys(toJsonColumns(max))).toHaveLength(MAX_COLUMNS);
    expect(() => toJsonColumns(`${max}y`)).toThrow(ValueTooLargeError);
    expect(() => toJsonColumns(`${max}y`)).toThrow(`exceeds one Table row (${COLUMN_CHARS * MAX_COLUMNS} characters)`);
  });
});
