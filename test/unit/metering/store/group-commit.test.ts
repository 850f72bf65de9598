/**
 * Group commit (store/group-commit.ts) against a fake table that behaves like Azure Tables (insert-only 409s,
 * atomic transactions that refuse a row twice): rows reach storage in few round trips and each still gets the
 * store's own verdict.
 */
import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import type { StoredUsage } from '../../../../shared/metering/model';
import { GroupCommitter } from '../../../../shared/metering/store/group-commit';

type Entity = { partitionKey: string; rowKey: string } & Record<string, unknown>;

class FakeTable {
  readonly rows = new Map<string, Entity>();
  calls: string[] = [];
  #gate: Promise<void> = Promise.resolve();
  hold(): () => void {
    let open!: () => void;
    this.#gate = new Promise((r) => (open = r));
    return open;
  }
  async createEntity(e: Entity) {
    this.calls.push('create');
    await this.#gate;
    const key = `${e.partitionKey}/${e.rowKey}`;
    if (this.rows.has(key)) throw Object.assign(new Error('exists'), { statusCode: 409 });
    this.rows.set(key, e);
    return { etag: `W/"${e.rowKey}"` };
  }
  async getEntity(pk: string, rk: string) {
    const e = this.rows.get(`${pk}/${rk}`);
    if (!e) throw Object.assign(new Error('not found'), { statusCode: 404 });
    return e;
  }
  async submitTransaction(actions: (readonly ['create', Entity])[]) {
    this.calls.push(`tx${actions.length}`);
    await this.#gate;
    const keys = actions.map(([, e]) => `${e.partitionKey}/${e.rowKey}`);
    if (new Set(keys).size !== keys.length) throw Object.assign(new Error('InvalidDuplicateRow'), { statusCode: 400 });
    if (keys.some((k) => this.rows.has(k))) throw Object.assign(new Error('exists'), { statusCode: 409 });
    actions.forEach(([, e], i) => this.rows.set(keys[i] as string, e));
    return { status: 202, subResponses: actions.map(() => ({ status: 204 })) };
  }
}

const row = (bucket: string, id = bucket) => ({ bucket, usageEventId: id }) as unknown as StoredUsage;
const codec = {
  keys: (r: StoredUsage) => ({ partitionKey: 'p', rowKey: (r as unknown as { bucket: string }).bucket }),
  toEntity: (r: StoredUsage) => ({ partitionKey: 'p', rowKey: (r as unknown as { bucket: string }).bucket, ...r }),
  fromEntity: (e: unknown) => e as StoredUsage,
};
const idOf = (r: { kind: string; existing?: StoredUsage }) => (r.kind === 'duplicate' ? r.existing?.usageEventId : r.kind);

describe('GroupCommitter', () => {
  it('inserts a lone row at once, with a single insert', async () => {
    const table = new FakeTable();
    const committer = new GroupCommitter(codec);
    expect(await committer.submit(table as unknown as TableClient, row('a'))).toEqual({ kind: 'inserted' });
    expect(table.calls).toEqual(['create']);
  });

  it('sends rows submitted together, and rows that arrive while an insert is in flight, as one transaction each', async () => {
    const table = new FakeTable();
    const committer = new GroupCommitter(codec);
    const t = table as unknown as TableClient;
    const together = Array.from({ length: 25 }, (_, i) => committer.submit(t, row(`b${i}`)));
    expect((await Promise.all(together)).every((r) => r.kind === 'inserted')).toBe(true);
    const open = table.hold();
    const first = committer.submit(t, row('c0'));
    await Promise.resolve();
    await Promise.resolve();
    const later = Array.from({ length: 10 }, (_, i) => committer.submit(t, row(`c${i + 1}`)));
    open();
    await Promise.all([first, ...later]);
    expect(table.calls).toEqual(['tx25', 'create', 'tx10']);
    expect(table.rows.size).toBe(36);
  });

  it('gives every row its own verdict when a bucket is taken or given twice', async () => {
    const table = new FakeTable();
    const committer = new GroupCommitter(codec);
    const t = table as unknown as TableClient;
    await committer.submit(t, row('taken', 'holder'));
    const results = await Promise.all([
      committer.submit(t, row('x')),
      committer.submit(t, row('taken', 'late')),
      committer.submit(t, row('twice', 'first')),
      committer.submit(t, row('twice', 'second')),
    ]);
    expect(results.map(idOf)).toEqual(['inserted', 'holder', 'inserted', 'first']);
    expect([...table.rows.values()].map((e) => e['usageEventId']).sort()).toEqual(['first', 'holder', 'x']);
  });
});
