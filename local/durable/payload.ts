/**
 * Large strings in Table entities. A string property holds at most 64 KiB (32,768 UTF-16 units), so a JSON payload
 * is split over `Name`, `Name_1`, `Name_2`, ... with `Name_n` giving the count when there is more than one part.
 * Splits never cut a surrogate pair (a lone surrogate would not survive the trip through the service).
 */

const CHUNK = 30_000;

export function packText(name: string, text: string | undefined, into: Record<string, unknown>): void {
  if (text === undefined) return;
  const parts: string[] = [];
  let start = 0;
  while (start < text.length || parts.length === 0) {
    let end = Math.min(text.length, start + CHUNK);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  into[name] = parts[0];
  for (let i = 1; i < parts.length; i++) into[`${name}_${i}`] = parts[i];
  if (parts.length > 1) into[`${name}_n`] = parts.length;
}

export function unpackText(name: string, from: Record<string, unknown>): string | undefined {
  const first = from[name];
  if (typeof first !== 'string') return undefined;
  const count = typeof from[`${name}_n`] === 'number' ? (from[`${name}_n`] as number) : 1;
  if (count <= 1) return first;
  let text = first;
  for (let i = 1; i < count; i++) {
    const part = from[`${name}_${i}`];
    if (typeof part !== 'string') throw new Error(`Stored payload ${name} is missing part ${i} of ${count}.`);
    text += part;
  }
  return text;
}
