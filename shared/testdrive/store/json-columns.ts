/**
 * A JSON document in one Table entity (decision 0707): a string property holds at most 32,768 UTF-16 characters,
 * so the JSON is cut into properties `data`, `data1`, `data2`, … of at most JSON_CHUNK characters each, read back in
 * order. A row written before the split (only `data`) reads the same. The entity's own bound (1 MiB) is the
 * caller's: test drive rows keep their lists bounded (the cleanup report) or small (instances, drives).
 */

export const JSON_CHUNK = 32_000;

export function jsonColumns(value: unknown): Record<string, string> {
  const text = JSON.stringify(value);
  const out: Record<string, string> = { data: text.slice(0, JSON_CHUNK) };
  for (let i = 1; i * JSON_CHUNK < text.length; i += 1) out[`data${i}`] = text.slice(i * JSON_CHUNK, (i + 1) * JSON_CHUNK);
  return out;
}

export function fromJsonColumns<T>(row: Record<string, unknown>): T {
  let text = String(row['data']);
  for (let i = 1; typeof row[`data${i}`] === 'string'; i += 1) text += row[`data${i}`] as string;
  return JSON.parse(text) as T;
}
