/** A host's shared view of the ready index (decision 0706): one read for many requests, each a different id. */
import { describe, expect, it } from 'vitest';
import { ReadyList } from '../../../../shared/testdrive/service/ready-list';

function loader(pages: string[][]) {
  const calls: number[] = [];
  return {
    calls,
    load: async (extra: number) => {
      calls.push(extra);
      return pages[Math.min(calls.length - 1, pages.length - 1)] as string[];
    },
  };
}

describe('ReadyList', () => {
  it('shares one read among concurrent requests and hands each a different id', async () => {
    const list = new ReadyList();
    const { calls, load } = loader([['a', 'b', 'c']]);
    const ids = await Promise.all([0, 1, 2, 3].map(() => list.take('r', load, 0, new Set())));
    expect(ids).toEqual(['a', 'b', 'c', undefined]);
    expect(calls).toEqual([0]);
  });

  it('rotates a fresh page by the spread so hosts start apart', async () => {
    const list = new ReadyList();
    expect(await list.take('r', loader([['a', 'b', 'c']]).load, 4, new Set())).toBe('b');
  });

  it('reloads a range at most once per request, and never hands out an id still held', async () => {
    const list = new ReadyList();
    const { calls, load } = loader([['a'], ['a', 'b'], ['a', 'b']]);
    const first = new Set<string>();
    expect(await list.take('r', load, 0, first)).toBe('a');
    expect(await list.take('r', load, 0, first)).toBeUndefined();
    expect(calls).toEqual([0]);
    const second = new Set<string>();
    // 'a' is still held by the first request: the reload reads one row more and skips it.
    expect(await list.take('r', load, 0, second)).toBe('b');
    expect(calls).toEqual([0, 1]);
    expect(await list.take('r', load, 0, second)).toBeUndefined();
    expect(calls).toEqual([0, 1]);
  });

  it('drops a settled id, and puts it back first when the request keeps it', async () => {
    const list = new ReadyList();
    const { load } = loader([['a', 'b'], []]);
    const request = new Set<string>();
    const a = (await list.take('r', load, 0, request)) as string;
    list.settle('r', a, true);
    expect(await list.take('r', load, 0, new Set())).toBe('a');
    list.settle('r', 'a');
    expect(await list.take('r', load, 0, new Set())).toBe('b');
    list.settle('r', 'b');
    expect(await list.take('r', load, 0, new Set())).toBeUndefined();
  });

  it('keeps ranges apart and survives a failed read', async () => {
    const list = new ReadyList();
    await expect(list.take('x', async () => Promise.reject(new Error('down')), 0, new Set())).rejects.toThrow('down');
    expect(await list.take('x', loader([['x1']]).load, 0, new Set())).toBe('x1');
    expect(await list.take('y', loader([['y1']]).load, 0, new Set())).toBe('y1');
  });
});
