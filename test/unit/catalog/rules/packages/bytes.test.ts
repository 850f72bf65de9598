/** Reading an upload's bytes for the content checks: random reads and one sequential pass, in whatever chunks arrive. */
import { describe, expect, it } from 'vitest';
import { StreamReader, bufferSource } from '../../../../../shared/catalog/rules/packages/bytes';

const bytes = Buffer.from('0123456789abcdefghij');
async function collect(chunks: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk.toString());
  return out;
}

describe('an upload held in memory', () => {
  it('reads a range, cut at the end of the file', async () => {
    const source = bufferSource(bytes);
    expect(source.size).toBe(20);
    expect((await source.read(5, 3)).toString()).toBe('567');
    expect((await source.read(18, 10)).toString()).toBe('ij');
  });

  it('streams from an offset in chunks of the given size, the last one short', async () => {
    expect(await collect(bufferSource(bytes, 8).stream(3))).toEqual(['3456789a', 'bcdefghi', 'j']);
    expect(await collect(bufferSource(bytes, 5).stream(10))).toEqual(['abcde', 'fghij']);
    expect(await collect(bufferSource(bytes, 5).stream(20))).toEqual([]);
  });

  it('streams in 64 KiB chunks by default', async () => {
    const big = Buffer.alloc(64 * 1024 * 2 + 1);
    expect((await collect(bufferSource(big).stream(0))).map((c) => c.length)).toEqual([65536, 65536, 1]);
  });
});

describe('sequential reads over chunks', () => {
  const reader = (chunk: number) => new StreamReader(bufferSource(bytes, chunk).stream(0), 0);

  it.each([1, 3, 7, 20])('reads exact lengths across chunks of %i bytes, and knows its position', async (chunk) => {
    const r = reader(chunk);
    expect((await r.read(4))?.toString()).toBe('0123');
    expect(r.position).toBe(4);
    expect((await r.read(0))?.toString()).toBe('');
    expect(await collect(r.take(5)).then((parts) => parts.join(''))).toBe('45678');
    expect(r.position).toBe(9);
    expect(await r.skip(3)).toBe(true);
    expect((await r.read(8))?.toString()).toBe('cdefghij');
    expect(r.position).toBe(20);
    expect(await r.read(1)).toBeUndefined();
  });

  it('says so when the stream ends before a read, a take or a skip is complete', async () => {
    const r = reader(6);
    expect(await r.read(21)).toBeUndefined();
    const t = reader(6);
    expect((await collect(t.take(25))).join('')).toBe('0123456789abcdefghij');
    expect(t.position).toBe(20);
    const s = reader(6);
    expect(await s.skip(21)).toBe(false);
    expect(await reader(6).skip(20)).toBe(true);
  });

  it('starts counting at the offset it is given', async () => {
    const r = new StreamReader(bufferSource(bytes).stream(10), 10);
    expect((await r.read(2))?.toString()).toBe('ab');
    expect(r.position).toBe(12);
  });
});
