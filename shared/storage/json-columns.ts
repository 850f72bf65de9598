/**
 * A JSON value kept in a Table row across as many string properties as it needs. A Table string property holds at
 * most 32,768 UTF-16 characters (64 KiB) and an entity 1 MiB, so a row whose one `data` property grows with a list
 * (a group's members, a report's ids) failed with PropertyValueTooLarge past about 800 GUIDs. The value is written
 * as `data`, `data_1`, `data_2`, ... of at most 32,000 characters each; a row written before (one `data`) reads the
 * same.
 */

/** Characters per property: under the 32,768 limit with room to spare. */
export const COLUMN_CHARS = 32_000;
/** Properties per row: 1 MiB of UTF-16 is 524,288 characters, so at most 16 full columns with the row's other fields. */
export const MAX_COLUMNS = 15;

export class ValueTooLargeError extends Error {
  constructor(readonly chars: number) {
    super(`A stored value of ${chars} characters exceeds one Table row (${COLUMN_CHARS * MAX_COLUMNS} characters).`);
  }
}

const nameOf = (index: number) => (index === 0 ? 'data' : `data_${index}`);

export function toJsonColumns(value: unknown): Record<string, string> {
  const text = JSON.stringify(value);
  if (text.length > COLUMN_CHARS * MAX_COLUMNS) throw new ValueTooLargeError(text.length);
  const out: Record<string, string> = {};
  for (let i = 0; i * COLUMN_CHARS < text.length || i === 0; i += 1) out[nameOf(i)] = text.slice(i * COLUMN_CHARS, (i + 1) * COLUMN_CHARS);
  return out;
}

export function fromJsonColumns<T>(row: Record<string, unknown>): T {
  let text = '';
  for (let i = 0; typeof row[nameOf(i)] === 'string'; i += 1) text += row[nameOf(i)] as string;
  return JSON.parse(text) as T;
}
