/**
 * The license check's read-through cache (decision 0803): a write through this process is seen by the next check
 * at once, whatever kind of row it writes; a read that overlapped a write never caches what it read (deterministic
 * interleavings with a store whose reads and commits are held at will); the size is bounded; another process's
 * write is seen once the TTL has passed on the injected clock.
 */
import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import type { LicenseAssignment, LicensePool } from '../../../../shared/licensing/model';
import type { LicensePlans, LicenseWrite } from '../../../../shared/licensing/ports';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { LicenseCheck } from '../../../../shared/licensing/service/check';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { cachedLicenseStore, cachedPlans, RowCache } from '../../../../shared/licensing/store/cached-store';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from '../service/fakes';

const SERVICE = 'contoso.teamsapp.std';
const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));
const publisher = { kind: 'publisher' as const, publisherId: 'contoso' };
const date = () => new Date('2026-01-05T10:00:00Z');

/** A gate a test opens by hand: `wait()` resolves once `open()` is called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}

/** Counts reads; a read takes its value when called and, while `readGate` is set, answers only once it opens. */
class HeldStore extends MemoryLicenseStore {
  reads = 0;
  readGate: ReturnType<typeof gate> | undefined;
  commitGate: ReturnType<typeof gate> | undefined;
  /** Called when a held read or commit has started (so the test knows it is in flight). */
  onHold: () => void = () => {};

  override async getPool(tenantId: string, skuId: string) {
    this.reads += 1;
    const value = await super.getPool(tenantId, skuId);
    const held = this.readGate;
    if (held) {
      this.onHold();
      await held.wait();
    }
    return value;
  }

  override async getAssignment(tenantId: string, skuId: string, userId: string) {
    this.reads += 1;
    const value = await super.getAssignment(tenantId, skuId, userId);
    const held = this.readGate;
    if (held) {
      this.onHold();
      await held.wait();
    }
    return value;
  }

  /** With `commitGate` set, the commit writes its rows (and answers) only when the gate opens. */
  override async commit(tenantId: string, writes: LicenseWrite[]) {
    const held = this.commitGate;
    if (held) {
      this.onHold();
      await held.wait();
    }
    return super.commit(tenantId, writes);
  }
}

const pool = (over: Partial<LicensePool> = {}): LicensePool => ({
  publisherId: 'contoso',
  offerId: 'teamsapp',
  planId: 'std',
  serviceId: SERVICE,
  skuId: SKU,
  tenantId: TENANT,
  subscriptionIds: ['sub-1'],
  dealSeats: 0,
  assigned: 0,
  reserved: 0,
  epoch: 1,
  firstActivatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const assignment = (n: number, over: Partial<LicenseAssignment> = {}): LicenseAssignment => ({
  tenantId: TENANT,
  skuId: SKU,
  userId: user(n),
  state: 'Active',
  epoch: 1,
  updatedAt: '2026-01-05T10:00:00.000Z',
  ...over,
});

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const table = new HeldStore();
  const time = clock();
  const cached = cachedLicenseStore(table, {
    ttlMs: options.ttlMs ?? 5_000,
    now: time.now,
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
  });
  return { table, time, ...cached };
}

/** Starts `run` and resolves once the store has held it (a read or a commit now in flight). */
async function heldWhile<T>(table: HeldStore, run: () => Promise<T>): Promise<{ pending: Promise<T> }> {
  const started = new Promise<void>((resolve) => (table.onHold = resolve));
  const pending = run();
  await started;
  table.onHold = () => {};
  return { pending }; // wrapped: an async function would otherwise wait for it
}

describe('the license check cache (decision 0803)', () => {
  it('answers a repeated read from the cache, found or not, and the writers always from the table', async () => {
    const { table, store, reads } = setup();
    await table.commit(TENANT, [{ kind: 'pool', value: pool() }]);
    expect((await reads.getPool(TENANT, SKU))?.value.assigned).toBe(0);
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
    table.reads = 0;
    expect((await reads.getPool(TENANT, SKU))?.value.assigned).toBe(0);
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
    expect(table.reads).toBe(0);
    await store.getPool(TENANT, SKU);
    await store.getAssignment(TENANT, SKU, user(1));
    expect(table.reads).toBe(2);
  });

  it.each<[string, (etags: { pool: string; assignment: string }) => LicenseWrite[]]>([
    ['a pool row replaced', (e) => [{ kind: 'pool', value: pool({ assigned: 1 }), etag: e.pool }]],
    ['an assignment row replaced', (e) => [{ kind: 'assignment', value: assignment(1, { state: 'PendingRemoval' }), etag: e.assignment }]],
    [
      'an assignment row deleted (with the pool)',
      (e) => [
        { kind: 'pool', value: pool({ assigned: 0 }), etag: e.pool },
        { kind: 'delete-assignment', value: assignment(1), etag: e.assignment },
      ],
    ],
  ])('sees %s through this process at once', async (_, writes) => {
    const { table, store, reads } = setup();
    await table.commit(TENANT, [
      { kind: 'pool', value: pool({ assigned: 1 }) },
      { kind: 'assignment', value: assignment(1) },
    ]);
    const before = { pool: await reads.getPool(TENANT, SKU), assignment: await reads.getAssignment(TENANT, SKU, user(1)) };
    const etags = { pool: before.pool?.etag ?? '', assignment: before.assignment?.etag ?? '' };
    const batch = writes(etags);
    expect(await store.commit(TENANT, batch)).toBe('ok');
    expect(await reads.getPool(TENANT, SKU)).toEqual(await table.getPool(TENANT, SKU));
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toEqual(await table.getAssignment(TENANT, SKU, user(1)));
  });

  it('sees a created pool and a created assignment after a cached miss, and a failed commit drops its rows too', async () => {
    const { table, store, reads } = setup();
    expect(await reads.getPool(TENANT, SKU)).toBeUndefined();
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
    expect(
      await store.commit(TENANT, [
        { kind: 'pool', value: pool({ assigned: 1 }) },
        { kind: 'assignment', value: assignment(1) },
      ]),
    ).toBe('ok');
    expect((await reads.getPool(TENANT, SKU))?.value.assigned).toBe(1);
    expect((await reads.getAssignment(TENANT, SKU, user(1)))?.value.state).toBe('Active');
    // A conflicting commit (the row changed meanwhile) still drops: its outcome says nothing about the cached row.
    table.reads = 0;
    expect(await store.commit(TENANT, [{ kind: 'pool', value: pool(), etag: 'stale' }])).toBe('conflict');
    await reads.getPool(TENANT, SKU);
    expect(table.reads).toBe(1);
    // Rows of another tenant, and other rows of this one, stay cached.
    table.reads = 0;
    await store.commit('other-tenant', [{ kind: 'pool', value: pool({ tenantId: 'other-tenant' }) }]);
    await store.commit(TENANT, [{ kind: 'assignment', value: assignment(2) }]);
    await reads.getPool(TENANT, SKU);
    await reads.getAssignment(TENANT, SKU, user(1));
    expect(table.reads).toBe(0);
  });

  it('drops on a commit that throws, before and after it', async () => {
    const { table, store, reads } = setup();
    await table.commit(TENANT, [{ kind: 'pool', value: pool() }]);
    await reads.getPool(TENANT, SKU);
    table.commit = async () => {
      throw new Error('storage down');
    };
    await expect(store.commit(TENANT, [{ kind: 'pool', value: pool({ assigned: 9 }) }])).rejects.toThrow('storage down');
    table.reads = 0;
    await reads.getPool(TENANT, SKU);
    expect(table.reads).toBe(1);
  });

  it('a read that started before a write and answers after it returns what it read, but never caches it', async () => {
    const { table, store, reads } = setup();
    await table.commit(TENANT, [{ kind: 'pool', value: pool({ assigned: 0 }) }]);
    const current = await table.getPool(TENANT, SKU);
    table.readGate = gate();
    const held = table.readGate;
    const { pending: overlapping } = await heldWhile(table, () => reads.getPool(TENANT, SKU)); // read the old row, not yet answered
    table.readGate = undefined;
    expect(await store.commit(TENANT, [{ kind: 'pool', value: pool({ assigned: 1 }), etag: current?.etag ?? '' }])).toBe('ok');
    // A check that starts after the write does not join the overlapping read: it reads the new row.
    expect((await reads.getPool(TENANT, SKU))?.value.assigned).toBe(1);
    held.open();
    expect((await overlapping)?.value.assigned).toBe(0);
    table.reads = 0;
    expect((await reads.getPool(TENANT, SKU))?.value.assigned).toBe(1);
    expect(table.reads).toBe(0); // the new row is what is cached
  });

  it('a read that started and answered while a commit was in flight is dropped when the commit answers', async () => {
    const { table, store, reads } = setup();
    await table.commit(TENANT, [{ kind: 'assignment', value: assignment(1) }]);
    const row = await table.getAssignment(TENANT, SKU, user(1));
    expect((await reads.getAssignment(TENANT, SKU, user(1)))?.value.state).toBe('Active');
    // The commit has started (the cached row is dropped) and not yet written; meanwhile a check reads the old row
    // from the table and caches it, since no write of the row happened during its read.
    table.commitGate = gate();
    const held = table.commitGate;
    const { pending: committing } = await heldWhile(table, () =>
      store.commit(TENANT, [{ kind: 'assignment', value: assignment(1, { state: 'PendingRemoval' }), etag: row?.etag ?? '' }]),
    );
    table.commitGate = undefined;
    expect((await reads.getAssignment(TENANT, SKU, user(1)))?.value.state).toBe('Active'); // right: not yet answered
    held.open();
    expect(await committing).toBe('ok');
    table.reads = 0;
    expect((await reads.getAssignment(TENANT, SKU, user(1)))?.value.state).toBe('PendingRemoval');
    expect(table.reads).toBe(1);
  });

  it('concurrent misses of one row share one read', async () => {
    const { table, reads } = setup();
    await table.commit(TENANT, [{ kind: 'pool', value: pool() }]);
    table.reads = 0;
    const all = await Promise.all(Array.from({ length: 16 }, () => reads.getPool(TENANT, SKU)));
    expect(table.reads).toBe(1);
    expect(new Set(all.map((p) => p?.etag)).size).toBe(1);
  });

  it('keeps at most maxEntries rows, the oldest out first', async () => {
    const { table, reads } = setup({ maxEntries: 2 });
    for (const n of [1, 2, 3]) await reads.getAssignment(TENANT, SKU, user(n));
    table.reads = 0;
    await reads.getAssignment(TENANT, SKU, user(3));
    await reads.getAssignment(TENANT, SKU, user(2));
    expect(table.reads).toBe(0);
    await reads.getAssignment(TENANT, SKU, user(1));
    expect(table.reads).toBe(1);
  });

  it("sees another process's write once the TTL has passed, not before", async () => {
    const { table, time, reads } = setup({ ttlMs: 300 });
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
    await table.commit(TENANT, [{ kind: 'assignment', value: assignment(1) }]); // written by another process
    time.advance(299);
    expect(await reads.getAssignment(TENANT, SKU, user(1))).toBeUndefined(); // stale within the bound
    time.advance(1);
    expect((await reads.getAssignment(TENANT, SKU, user(1)))?.value.state).toBe('Active');
  });

  it('is off with a TTL of 0: both views are the table store', () => {
    const table = new MemoryLicenseStore();
    const cached = cachedLicenseStore(table, { ttlMs: 0 });
    expect(cached.store).toBe(table);
    expect(cached.reads).toBe(table);
    const inner = plans();
    expect(cachedPlans(inner, { ttlMs: 0 })).toBe(inner);
  });

  it('RowCache bounds its size and counts only cached rows', async () => {
    const cache = new RowCache<number>({ ttlMs: 1_000, maxEntries: 3, now: () => 0 });
    for (let i = 0; i < 10; i += 1) await cache.get(`k${i}`, async () => i);
    expect(cache.size).toBe(3);
    await cache.get(
      'skip',
      async () => 1,
      () => false,
    );
    expect(cache.size).toBe(3);
  });
});

describe('the cached plan lookup', () => {
  it('caches found plans for the TTL, never a missing one', async () => {
    let calls = 0;
    let live = false;
    const inner: LicensePlans = {
      plan: async () => {
        calls += 1;
        return live ? { licenseManaged: false, perUser: true, allowInstallWithoutLicense: false } : undefined;
      },
    };
    const time = clock();
    const cached = cachedPlans(inner, { ttlMs: 5_000, now: time.now });
    expect(await cached.plan('contoso', 'teamsapp', 'std')).toBeUndefined();
    live = true; // the offer goes live: seen at once, since a miss is not cached
    expect(await cached.plan('contoso', 'teamsapp', 'std')).toMatchObject({ perUser: true });
    expect(calls).toBe(2);
    live = false; // it stops: seen once the TTL has passed
    expect(await cached.plan('contoso', 'teamsapp', 'std')).toMatchObject({ perUser: true });
    expect(calls).toBe(2);
    time.advance(5_000);
    expect(await cached.plan('contoso', 'teamsapp', 'std')).toBeUndefined();
  });
});

describe('the check through the cache, with the use cases writing through this process', () => {
  it('sees a link, an assignment and a removal at the next check', async () => {
    const { store, reads } = setup();
    const sources = new FakeSources();
    sources.add({ id: 'sub-1', quantity: 3 });
    const check = new LicenseCheck({ store: reads, sources, plans: cachedPlans(plans(), { ttlMs: 5_000 }) });
    const update = new UpdateLicenses({ store, sources, faults: noFaults, now: date, blockedTenants: [] });
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'NotAssigned' });
    await new LinkSubscription({ store, sources, plans: plans(), now: date }).link(admin, TENANT, 'sub-1');
    await update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: true, state: 'Active' });
    await update.apply(admin, TENANT, user(1), { LicensesToRemove: [SKU] });
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'NotAssigned' });
    // A suspension is the SaaS store's (its own cache, dropped by its writes): never held by this one.
    await update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    sources.add({ id: 'sub-1', quantity: 3, status: 'Suspended' });
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'SubscriptionSuspended' });
  });

  it('reads nothing of the pool for a caller who may not see it, and answers 404 before 403', async () => {
    const { table, reads } = setup();
    const check = new LicenseCheck({ store: reads, sources: new FakeSources(), plans: plans() });
    const stranger = { kind: 'publisher' as const, publisherId: 'fabrikam' };
    await expect(check.check(stranger, TENANT, user(1), SERVICE)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(check.check(stranger, TENANT, user(1), 'contoso.teamsapp.nope')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(check.check(stranger, TENANT, user(1), 'not-a-service-id')).rejects.toMatchObject({ kind: 'not-found' });
    expect(table.reads).toBe(0);
  });
});
