/**
 * The lead store against Azurite: one transaction writes the lead, its delivery and the dedupe rows or nothing;
 * twenty concurrent captures with one Idempotency-Key make one lead (a read-then-write store would make several:
 * each would read "no key" before any wrote); expired dedupe rows are replaced; deliveries change only with their
 * ETag; listing is newest first with a continuation and a state filter.
 */
import { describe, expect, it } from 'vitest';
import { offerKey, type Delivery, type Lead } from '../../../shared/leads/model';
import type { CaptureKeys } from '../../../shared/leads/ports';
import { bodyHash, sha256 } from '../../../shared/leads/rules/dedupe';
import { ulid } from '../../../shared/leads/rules/lead-source';
import { ROW, TableLeadStore } from '../../../shared/leads/store/leads-table';
import { sampleLead } from '../../fixtures/lead-targets/lead';
import { testStorage } from '../../fixtures/storage';

let clockMs = Date.parse('2025-01-01T12:00:00.000Z');
let seq = 0;

function setup() {
  const storage = testStorage();
  const store = new TableLeadStore(() => storage.table('Leads'), () => clockMs);
  return { storage, store };
}

function lead(offerId = 'contoso-app', atMs = clockMs): Lead {
  seq += 1;
  const at = new Date(atMs).toISOString();
  // Markup and non-Latin text stored verbatim (spec 4 cases 23–24).
  return sampleLead(
    {
      leadId: ulid(atMs, (n) => Uint8Array.from({ length: n }, (_, i) => (seq * 7 + i) % 256)),
      createdAt: at,
      offerId,
      offerTitle: 'Contoso <App>',
      description: 'line1\nline2',
      consent: { given: true, at },
    },
    { FirstName: '<script>alert(1)</script>', LastName: '山田', Email: 'a@b.co', Phone: '', Company: '', Title: '' },
  );
}

function delivery(l: Lead, state: Delivery['state'] = 'pending'): Delivery {
  return {
    leadId: l.leadId,
    publisherId: l.publisherId,
    offerId: l.offerId,
    state,
    generation: 1,
    windowStartedAt: l.createdAt,
    attempts: [],
    attemptCount: 0,
  };
}

function keys(natural: string, idem?: { key: string; body: unknown }, idemMs = 86_400_000, natMs = 600_000): CaptureKeys {
  return {
    ...(idem ? { idempotency: { keyHash: sha256(idem.key), bodyHash: bodyHash(idem.body), expiresAt: new Date(clockMs + idemMs).toISOString() } } : {}),
    natural: { hash: sha256(natural), expiresAt: new Date(clockMs + natMs).toISOString() },
  };
}

describe('TableLeadStore', () => {
  it('writes the delivery row (with the lead), its due entry and the dedupe rows together, byte-exact', async () => {
    const { storage, store } = setup();
    const l = lead();
    expect(await store.capture(l, delivery(l), keys('n-1', { key: 'k', body: { a: 1 } }))).toEqual({ kind: 'created', etag: expect.any(String) });
    expect(await store.getLead('contoso', 'contoso-app', l.leadId)).toEqual(l);
    expect((await store.getDelivery('contoso', 'contoso-app', l.leadId))?.delivery).toEqual(delivery(l));
    const table = await storage.table('Leads');
    const rows: string[] = [];
    for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${offerKey('contoso', 'contoso-app')}'` } })) {
      rows.push(String(row.rowKey));
    }
    expect(rows.sort()).toEqual(
      [ROW.delivery(l.leadId), ROW.idempotency(sha256('k')), ROW.natural(sha256('n-1')), ROW.due(l.createdAt, l.leadId)].sort(),
    );
  });

  it('answers a replay, a key reuse and a duplicate with the first lead, writing nothing more', async () => {
    const { store } = setup();
    const first = lead();
    await store.capture(first, delivery(first), keys('n', { key: 'k', body: { a: 1 } }));
    const again = lead();
    expect(await store.capture(again, delivery(again), keys('other', { key: 'k', body: { a: 1 } }))).toEqual({ kind: 'replay', leadId: first.leadId });
    expect(await store.capture(again, delivery(again), keys('other', { key: 'k', body: { a: 2 } }))).toEqual({ kind: 'key-reuse' });
    expect(await store.capture(again, delivery(again), keys('n'))).toEqual({ kind: 'duplicate', leadId: first.leadId });
    expect(await store.getLead('contoso', 'contoso-app', again.leadId)).toBeUndefined();
    expect(await store.getDelivery('contoso', 'contoso-app', again.leadId)).toBeUndefined();
  });

  it('makes one lead of twenty concurrent captures with one key', async () => {
    const { store } = setup();
    const attempts = Array.from({ length: 20 }, () => lead('concurrent'));
    const results = await Promise.all(attempts.map((l) => store.capture(l, delivery(l), keys('n-c', { key: 'same', body: { x: 1 } }))));
    const created = results.filter((r) => r.kind === 'created');
    expect(created).toHaveLength(1);
    const winner = attempts[results.findIndex((r) => r.kind === 'created')] as Lead;
    expect(results.filter((r) => r.kind === 'replay')).toEqual(Array.from({ length: 19 }, () => ({ kind: 'replay', leadId: winner.leadId })));
    expect((await store.list('contoso', 'concurrent', { limit: 100 })).items.map((i) => i.lead.leadId)).toEqual([winner.leadId]);
  });

  it('stores every one of twenty concurrent captures of one customer under twenty keys (a burst of purchases)', async () => {
    const { store } = setup();
    const attempts = Array.from({ length: 20 }, () => lead('burst'));
    const results = await Promise.all(
      attempts.map((l, i) => store.capture(l, delivery(l), keys('n-burst', { key: `purchase-${i}`, body: { i } }))),
    );
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ kind: 'created', etag: expect.any(String) })));
    expect((await store.list('contoso', 'burst', { limit: 100 })).items).toHaveLength(20);
  });

  it('treats expired dedupe rows as absent and replaces them', async () => {
    const { store } = setup();
    const first = lead('expiry');
    await store.capture(first, delivery(first), keys('n-e', { key: 'k-e', body: { a: 1 } }, 1_000, 1_000));
    clockMs += 1_000;
    const second = lead('expiry');
    expect(await store.capture(second, delivery(second), keys('n-e', { key: 'k-e', body: { a: 2 } }))).toEqual({ kind: 'created', etag: expect.any(String) });
    const third = lead('expiry');
    expect(await store.capture(third, delivery(third), keys('n-e'))).toEqual({ kind: 'duplicate', leadId: second.leadId });
  });

  it('with a new Idempotency-Key, takes over a live natural-key row instead of calling it a duplicate', async () => {
    const { store } = setup();
    const first = lead('keyed');
    await store.capture(first, delivery(first), keys('n-k'));
    const second = lead('keyed');
    expect(await store.capture(second, delivery(second), keys('n-k', { key: 'fresh', body: {} }))).toEqual({ kind: 'created', etag: expect.any(String) });
    const third = lead('keyed');
    expect(await store.capture(third, delivery(third), keys('n-k'))).toEqual({ kind: 'duplicate', leadId: second.leadId });
  });

  it('replaces a delivery only with its ETag, keeping the lead copy the list reads', async () => {
    const { store } = setup();
    const l = lead('etag');
    await store.capture(l, delivery(l), keys('n-t'));
    const stored = await store.getDelivery('contoso', 'etag', l.leadId);
    const delivered: Delivery = { ...delivery(l), state: 'delivered', deliveredAt: '2025-01-01T12:00:01.000Z', attemptCount: 1 };
    expect(await store.replaceDelivery(delivered, stored?.etag ?? '')).toBe(true);
    expect(await store.replaceDelivery({ ...delivered, state: 'dead_lettered' }, stored?.etag ?? '')).toBe(false);
    expect((await store.getDelivery('contoso', 'etag', l.leadId))?.delivery).toEqual(delivered);
    expect((await store.list('contoso', 'etag', { limit: 10 })).items).toEqual([{ lead: l, delivery: delivered }]);
    expect(await store.replaceDelivery({ ...delivered, leadId: '01ARYZ6S410000000000000000' }, '*')).toBe(false);
  });

  it('answers the delivery row\'s ETag with the capture, so the first attempt replaces it without reading it back', async () => {
    const { store } = setup();
    const l = lead('etag-known');
    const created = await store.capture(l, delivery(l), keys('n-e'));
    const stored = await store.getDelivery('contoso', 'etag-known', l.leadId);
    // The lead row's or a dedupe row's ETag would not match the delivery row's (a mix-up shows here).
    expect(created).toEqual({ kind: 'created', etag: stored?.etag });
    const delivered: Delivery = { ...delivery(l), state: 'delivered', deliveredAt: '2025-01-01T12:00:01.000Z', attemptCount: 1 };
    expect(await store.replaceDelivery(delivered, created.kind === 'created' ? (created.etag ?? '') : '')).toBe(true);
  });

  it('captures and replaces that meet share transactions, each answered as if alone (decision 0530)', async () => {
    const { store } = setup();
    const made = Array.from({ length: 12 }, () => lead('grouped'));
    const before = { ...store.batcher.counts };
    const created = await Promise.all(made.map((l, i) => store.capture(l, delivery(l), keys(`n-g${i}`))));
    expect(store.batcher.counts.transactions - before.transactions).toBeLessThan(12);
    // Each capture's ETag is its own delivery row's, though it came back in a shared transaction's answer.
    for (const [i, l] of made.entries()) {
      expect(created[i]).toEqual({ kind: 'created', etag: (await store.getDelivery('contoso', 'grouped', l.leadId))?.etag });
    }
    // One stale ETag among concurrent replaces: only that replace loses; the others are stored.
    const replaced = await Promise.all(
      made.map((l, i) => {
        const etag = i === 5 ? 'W/"datetime\'2000-01-01T00%3A00%3A00.0000000Z\'"' : (created[i] as { etag: string }).etag;
        return store.replaceDelivery({ ...delivery(l), state: 'delivered', deliveredAt: '2025-01-01T12:00:01.000Z', attemptCount: 1 }, etag);
      }),
    );
    expect(replaced).toEqual(made.map((_, i) => i !== 5));
    const states = await Promise.all(made.map(async (l) => (await store.getDelivery('contoso', 'grouped', l.leadId))?.delivery.state));
    expect(states).toEqual(made.map((_, i) => (i === 5 ? 'pending' : 'delivered')));
  });

  it('lists newest first, page by page, and by state', async () => {
    const { store } = setup();
    const made: Lead[] = [];
    for (let i = 0; i < 5; i += 1) {
      const l = lead('paging', clockMs + i * 1000);
      made.push(l);
      await store.capture(l, delivery(l, i % 2 === 0 ? 'pending' : 'held'), keys(`n-p-${i}`));
    }
    const newest = [...made].reverse().map((l) => l.leadId);
    const page1 = await store.list('contoso', 'paging', { limit: 2 });
    expect(page1.items.map((i) => i.lead.leadId)).toEqual(newest.slice(0, 2));
    const page2 = await store.list('contoso', 'paging', { limit: 2, ...(page1.continuation ? { continuation: page1.continuation } : {}) });
    expect(page2.items.map((i) => i.lead.leadId)).toEqual(newest.slice(2, 4));
    const page3 = await store.list('contoso', 'paging', { limit: 2, ...(page2.continuation ? { continuation: page2.continuation } : {}) });
    expect(page3.items.map((i) => i.lead.leadId)).toEqual(newest.slice(4));
    expect(page3.continuation).toBeUndefined();
    const held = await store.list('contoso', 'paging', { limit: 10, state: 'held' });
    expect(held.items.map((i) => i.lead.leadId)).toEqual([made[3]?.leadId, made[1]?.leadId]);
    expect((await store.list('contoso', 'other-offer', { limit: 10 })).items).toEqual([]);
  });

  it('lists only the leads captured after a given lead, in pages, and nothing for an offer with none', async () => {
    const { store } = setup();
    const made: Lead[] = [];
    for (let i = 0; i < 6; i += 1) {
      const l = lead('newer', clockMs + i * 1000);
      made.push(l);
      await store.capture(l, delivery(l), keys(`n-nw-${i}`));
    }
    const mark = made[2]?.leadId as string;
    const first = await store.list('contoso', 'newer', { limit: 2, newerThan: mark });
    expect(first.items.map((i) => i.lead.leadId)).toEqual([made[5]?.leadId, made[4]?.leadId]);
    const rest = await store.list('contoso', 'newer', { limit: 2, newerThan: mark, ...(first.continuation ? { continuation: first.continuation } : {}) });
    expect(rest.items.map((i) => i.lead.leadId)).toEqual([made[3]?.leadId]);
    expect(rest.continuation).toBeUndefined();
    expect((await store.list('contoso', 'newer', { limit: 10, newerThan: made[5]?.leadId as string })).items).toEqual([]);
  });
});
