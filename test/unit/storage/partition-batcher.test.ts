/**
 * The partition batcher against a scripted Table client: writers that meet share one transaction, each still gets the
 * verdict of its own transaction (a lost insert fails only its writer), a row never appears twice in a transaction,
 * a group stays within 100 entities, and a lone entity goes as a plain request.
 */
import { describe, expect, it } from 'vitest';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { MAX_TRANSACTION_ENTITIES, PartitionBatcher, takeGroup } from '../../../shared/storage/partition-batcher';

class Conflict extends Error {
  readonly statusCode = 409;
}

/** A table whose rows are a set of keys; a transaction is atomic and refuses an existing row's insert. */
function fakeTable(existing: string[] = []) {
  const rows = new Set(existing);
  const calls: { kind: string; rowKeys: string[] }[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const apply = (actions: TransactionAction[]) => {
    const keys = actions.map((a) => String((a[1] as { rowKey: string }).rowKey));
    if (new Set(keys).size !== keys.length) throw new Error('an entity twice in one transaction');
    for (const a of actions) if (a[0] === 'create' && rows.has(String(a[1].rowKey))) throw new Conflict(`${String(a[1].rowKey)} exists`);
    for (const key of keys) rows.add(key);
    return keys.map((rowKey) => ({ status: 204, rowKey, etag: `W/"${rowKey}"` }));
  };
  const table = {
    submitTransaction: async (actions: TransactionAction[]) => {
      calls.push({ kind: 'batch', rowKeys: actions.map((a) => String(a[1].rowKey)) });
      await gate;
      return { status: 202, subResponses: apply(actions), getResponseForEntity: () => undefined };
    },
    createEntity: async (entity: { rowKey: string }) => {
      calls.push({ kind: 'create', rowKeys: [entity.rowKey] });
      await gate;
      apply([['create', entity as never]]);
      return { etag: `W/"${entity.rowKey}"` };
    },
    updateEntity: async (entity: { rowKey: string }, _mode: string, options?: { etag?: string }) => {
      calls.push({ kind: `update ${options?.etag ?? ''}`, rowKeys: [entity.rowKey] });
      return { etag: `W/"${entity.rowKey}-2"` };
    },
  } as unknown as TableClient;
  return {
    table,
    calls,
    rows,
    /** Holds every request until `open()`: writers submitted meanwhile queue behind the one in flight. */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      gate = undefined;
      release?.();
    },
  };
}

const lead = (id: string): TransactionAction[] => [
  ['create', { partitionKey: 'p', rowKey: `lead|${id}` }],
  ['create', { partitionKey: 'p', rowKey: `dlv|${id}` }],
  ['create', { partitionKey: 'p', rowKey: `nat|${id}` }],
];

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** `first` goes to storage and is held there while `rest` is submitted; then storage answers. All verdicts, in order. */
async function meet(fake: ReturnType<typeof fakeTable>, batcher: PartitionBatcher, first: TransactionAction[], rest: TransactionAction[][]) {
  fake.hold();
  const held = batcher.submit('p', first);
  await tick();
  const later = rest.map((actions) => batcher.submit('p', actions));
  await tick();
  fake.open();
  return Promise.all([held, ...later]);
}

describe('PartitionBatcher', () => {
  it('sends a lone transaction at once and answers with its own sub-responses', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    const verdict = await batcher.submit('p', lead('a'));
    expect(verdict).toEqual({
      kind: 'stored',
      responses: ['lead|a', 'dlv|a', 'nat|a'].map((rowKey) => ({ status: 204, rowKey, etag: `W/"${rowKey}"` })),
    });
    expect(fake.calls).toEqual([{ kind: 'batch', rowKeys: ['lead|a', 'dlv|a', 'nat|a'] }]);
  });

  it('writers that arrive while a transaction is in flight go together, each answered with its own rows', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    const verdicts = await meet(fake, batcher, lead('a'), ['b', 'c', 'd'].map(lead));
    expect(fake.calls.map((c) => c.rowKeys.length)).toEqual([3, 9]);
    expect(verdicts.map((v) => (v.kind === 'stored' ? v.responses.map((r) => r.rowKey) : v.kind))).toEqual(
      ['a', 'b', 'c', 'd'].map((id) => [`lead|${id}`, `dlv|${id}`, `nat|${id}`]),
    );
    expect(batcher.counts).toEqual({ transactions: 2, members: 4, regrouped: 0 });
  });

  it('a group that fails is sent member by member: only the writer whose insert lost gets the error', async () => {
    const fake = fakeTable(['nat|c']);
    const batcher = new PartitionBatcher(async () => fake.table);
    const verdicts = await meet(fake, batcher, lead('a'), ['b', 'c', 'd'].map(lead));
    expect(verdicts.map((v) => v.kind)).toEqual(['stored', 'stored', 'failed', 'stored']);
    expect((verdicts[2] as { error: Conflict }).error.statusCode).toBe(409);
    expect([...fake.rows].sort()).toEqual(['dlv|a', 'dlv|b', 'dlv|d', 'lead|a', 'lead|b', 'lead|d', 'nat|a', 'nat|b', 'nat|c', 'nat|d'].sort());
    expect(batcher.counts.regrouped).toBe(1);
  });

  it('never puts one row in a transaction twice: the second writer of a row waits for the next group', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    const same: TransactionAction[] = [
      ['create', { partitionKey: 'p', rowKey: 'lead|x' }],
      ['upsert', { partitionKey: 'p', rowKey: 'nat|b' }, 'Replace'],
    ];
    const verdicts = await meet(fake, batcher, lead('a'), [lead('b'), same, lead('c')]);
    expect(verdicts.every((v) => v.kind === 'stored')).toBe(true);
    expect(fake.calls.map((c) => c.rowKeys)).toEqual([
      ['lead|a', 'dlv|a', 'nat|a'],
      ['lead|b', 'dlv|b', 'nat|b', 'lead|c', 'dlv|c', 'nat|c'],
      ['lead|x', 'nat|b'],
    ]);
  });

  it('keeps every transaction within 100 entities', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    await meet(fake, batcher, lead('first'), Array.from({ length: 40 }, (_, i) => lead(String(i))));
    expect(fake.calls.map((c) => c.rowKeys.length)).toEqual([3, 99, 21]);
  });

  it('partitions do not wait for each other', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    await Promise.all([batcher.submit('p', lead('a')), batcher.submit('q', lead('b'))]);
    expect(fake.calls.map((c) => c.rowKeys[0])).toEqual(['lead|a', 'lead|b']);
  });

  it('a lone entity goes as a plain request, keeping its If-Match', async () => {
    const fake = fakeTable();
    const batcher = new PartitionBatcher(async () => fake.table);
    const verdict = await batcher.submit('p', [['update', { partitionKey: 'p', rowKey: 'dlv|a' }, 'Merge', { etag: 'W/"1"' }]]);
    expect(fake.calls).toEqual([{ kind: 'update W/"1"', rowKeys: ['dlv|a'] }]);
    expect(verdict).toEqual({ kind: 'stored', responses: [{ status: 204, rowKey: 'dlv|a', etag: 'W/"dlv|a-2"' }] });
  });

  it('a lone insert that loses is answered with its error', async () => {
    const fake = fakeTable(['nat|a']);
    const batcher = new PartitionBatcher(async () => fake.table);
    const verdict = await batcher.submit('p', [['create', { partitionKey: 'p', rowKey: 'nat|a' }]]);
    expect(verdict.kind).toBe('failed');
    expect((verdict as { error: Conflict }).error.statusCode).toBe(409);
  });
});

describe('takeGroup', () => {
  const member = (...rowKeys: string[]) => ({ actions: rowKeys.map((rowKey): TransactionAction => ['create', { partitionKey: 'p', rowKey }]) });

  it('takes members in order while they fit and share no row', () => {
    const a = member('1', '2');
    const b = member('2', '3');
    const c = member('4');
    expect(takeGroup([a, b, c])).toEqual({ group: [a, c], rest: [b] });
  });

  it('stops at the entity limit but always takes the first member', () => {
    const big = member(...Array.from({ length: 3 }, (_, i) => `b${i}`));
    const next = member('x');
    expect(takeGroup([big, next], 3)).toEqual({ group: [big], rest: [next] });
    expect(takeGroup([big, next], 4)).toEqual({ group: [big, next], rest: [] });
    expect(MAX_TRANSACTION_ENTITIES).toBe(100);
  });
});
