/**
 * The SaaS service against Azurite with the real catalog: the life cycle, the rules of the A2 table and the
 * concurrency guarantees (ETag conditional transactions, shown with PausePoints).
 */
import { describe, expect, it } from 'vitest';
import { PausePoints, type Faults } from '../../../shared/faults';
import { saasUseCases } from '../../../shared/saas/composition';
import type { SubscriptionStore, Write } from '../../../shared/saas/ports';
import { FAULT_BEFORE_WRITE, SaasCore } from '../../../shared/saas/service/internal';
import { cachedStore } from '../../../shared/saas/store/cache';
import { TableSubscriptionStore } from '../../../shared/saas/store/table';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { codeOf, identity, offer1, offer2, TB, TC } from './fixture';

async function setup(options: { faults?: Faults; wrapStore?: (s: SubscriptionStore) => SubscriptionStore } = {}) {
  const c = testCatalog();
  for (const offer of [offer1(), offer2()]) {
    await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
    await c.offers.freeze(operator, 'contoso', offer.id, null);
  }
  c.clock.set(new Date('2019-05-31T00:00:00Z'));
  const raw = new TableSubscriptionStore(
    () => c.storage.table('SaasSubscriptions'),
    () => c.storage.table('SaasIndex'),
  );
  const store = options.wrapStore ? options.wrapStore(raw) : raw;
  const saas = saasUseCases(
    new SaasCore({
      store,
      catalog: c.reader,
      clock: c.clock,
      faults: options.faults ?? { reach: async () => undefined },
      settings: { purchaseTokenTtlMs: 24 * 3600_000, ackWindowMs: 10_000, isvChangeDelayMs: 10_000 },
    }),
  );
  const buy = async (planId = 'silver', quantity: number | undefined = 20, tenant = TB, offerId = 'offer1') =>
    saas.storefront.purchase({ publisherId: 'contoso', offerId, planId, quantity, termUnit: 'P1M', purchaser: identity(tenant, 'ub') });
  const active = async () => {
    const bought = await buy();
    await saas.fulfillment.activate('contoso', bought.subscription.id, { planId: 'silver', quantity: 20 });
    return bought.subscription.id;
  };
  return { c, saas, store: raw, buy, active };
}

describe('SaaS service (integration)', () => {
  it('purchase → resolve → activate: term from the activation date, plan history kept (C.2-9, C.3-19)', async () => {
    const { saas, buy } = await setup();
    const { subscription, token } = await buy();
    expect((await saas.fulfillment.resolve('contoso', token)).status).toBe('PendingFulfillmentStart');
    expect(await codeOf(saas.fulfillment.resolve('fabrikam', token))).toEqual([403, 'Forbidden']);
    expect(await codeOf(saas.fulfillment.activate('contoso', subscription.id, { planId: 'gold', quantity: 20 }))).toEqual([
      400,
      'PlanMismatch',
    ]);
    expect(await codeOf(saas.fulfillment.activate('contoso', subscription.id, { planId: 'silver', quantity: 21 }))).toEqual([
      400,
      'QuantityMismatch',
    ]);
    await saas.fulfillment.activate('contoso', subscription.id, { planId: 'silver', quantity: '20' });
    const record = await saas.subscriptionRecord(subscription.id);
    expect(record).toMatchObject({ status: 'Subscribed', activatedOn: '2019-05-31', planId: 'silver', quantity: 20 });
    expect(record?.statusHistory.map((s) => s.status)).toEqual(['PendingFulfillmentStart', 'Subscribed']);
    expect(await codeOf(saas.fulfillment.activate('contoso', subscription.id, { planId: 'silver', quantity: 20 }))).toEqual([
      400,
      'InvalidSubscriptionStatus',
    ]);
  });

  it('a private plan is bought only by its audience; a stop-sold plan by nobody (C.5, C.6-50/51)', async () => {
    const { buy } = await setup();
    expect(await codeOf(buy('platinum001', 5, TC))).toEqual([409, 'PlanNotAvailable']);
    expect(await codeOf(buy('legacy', 5, TB))).toEqual([409, 'PlanNotAvailable']);
    expect((await buy('platinum001', 5, TB)).subscription.planId).toBe('platinum001');
  });

  it('a customer change waits for the publisher: Success applies it, a second change meanwhile is SubscriptionLocked (C.6-44/45/55)', async () => {
    const { saas, active } = await setup();
    const id = await active();
    const op = await saas.changes.change('contoso', id, { planId: 'gold' }, 'Marketplace');
    expect(op).toMatchObject({ action: 'ChangePlan', status: 'InProgress', planId: 'gold' });
    expect((await saas.fulfillment.get('contoso', id)).planId).toBe('silver');
    expect(await codeOf(saas.changes.change('contoso', id, { quantity: 30 }, 'Publisher'))).toEqual([400, 'SubscriptionLocked']);
    expect(await codeOf(saas.changes.change('contoso', id, { quantity: 30 }, 'Marketplace'))).toEqual([409, 'SubscriptionLocked']);
    await saas.fulfillment.patchOperation('contoso', id, op.id, 'Success');
    expect((await saas.fulfillment.get('contoso', id)).planId).toBe('gold');
    expect(await codeOf(saas.fulfillment.patchOperation('contoso', id, op.id, 'Failure'))).toEqual([409, 'OperationAlreadyCompleted']);
    expect((await saas.subscriptionRecord(id))?.planHistory.map((p) => p.planId)).toEqual(['silver', 'gold']);
  });

  it("the ISV's own change takes no PATCH and completes on the timer after its delay (C.6-47, issue 23)", async () => {
    const { c, saas, active } = await setup();
    const id = await active();
    const own = await saas.changes.change('contoso', id, { quantity: 25 }, 'Publisher');
    expect(await codeOf(saas.fulfillment.patchOperation('contoso', id, own.id, 'Success'))).toEqual([409, 'OperationStartedByPublisher']);
    c.clock.advance(9_000);
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', id)).quantity).toBe(20);
    c.clock.advance(1_000);
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', id)).quantity).toBe(25);
  });

  it('term end renews with autoRenew, cancels without; suspension expires after 30 days (C.10-93, C.11-95/97)', async () => {
    const { c, saas, active } = await setup();
    const renewing = await active();
    const ending = await active();
    await saas.storefront.setAutoRenew(TB, ending, false);
    c.clock.set(new Date('2019-06-30T00:00:00Z'));
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', renewing)).termIndex).toBe(1);
    expect((await saas.fulfillment.get('contoso', ending)).status).toBe('Unsubscribed');
    await saas.billing.suspend(renewing);
    c.clock.advance(30 * 86_400_000 - 3_600_000);
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', renewing)).status).toBe('Suspended');
    c.clock.advance(3_600_000);
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', renewing)).status).toBe('Unsubscribed');
  });

  it('illegal marketplace-side transitions are 409 and change nothing (C.11-99)', async () => {
    const { saas, buy, active } = await setup();
    const pending = (await buy()).subscription.id;
    const id = await active();
    expect(await codeOf(saas.billing.suspend(pending))).toEqual([409, 'InvalidSubscriptionStatus']);
    expect(await codeOf(saas.billing.reinstate(id))).toEqual([409, 'InvalidSubscriptionStatus']);
    await saas.billing.suspend(id);
    expect(await codeOf(saas.billing.renew(id))).toEqual([409, 'InvalidSubscriptionStatus']);
    expect((await saas.fulfillment.get('contoso', pending)).status).toBe('PendingFulfillmentStart');
  });

  it('two concurrent plan changes: exactly one wins, the other sees the lock (deterministic interleaving)', async () => {
    // Both requests read the unlocked subscription and pause before writing. With read-then-write (an update
    // without If-Match) both would succeed and create two in-flight operations; with the ETag only the first commits,
    // and the second re-reads, sees `lockedBy` and gets 400 SubscriptionLocked.
    const faults = new PausePoints();
    const { saas, active, store } = await setup({ faults });
    const id = await active();
    const gate = faults.pause(FAULT_BEFORE_WRITE);
    const first = saas.changes.change('contoso', id, { planId: 'gold' }, 'Publisher');
    const second = saas.changes.change('contoso', id, { quantity: 30 }, 'Publisher');
    await gate.arrivals(2);
    gate.release();
    const results = await Promise.allSettled([first, second]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as { code: string }).code).toBe('SubscriptionLocked');
    expect((await store.listOperations('contoso', id)).filter((o) => o.status === 'InProgress')).toHaveLength(1);
  });

  it('a publisher PATCH racing an autoRenew toggle loses neither update (deterministic interleaving)', async () => {
    // Completion reads op + subscription, the customer's autoRenew write lands in between; a blind write of the
    // subscription would put autoRenew back to true. With If-Match the completion retries on the fresh row.
    const faults = new PausePoints();
    const { saas, active } = await setup({ faults });
    const id = await active();
    const op = await saas.changes.change('contoso', id, { planId: 'gold' }, 'Marketplace');
    const gate = faults.pause(FAULT_BEFORE_WRITE);
    const patch = saas.fulfillment.patchOperation('contoso', id, op.id, 'Success');
    const toggle = saas.storefront.setAutoRenew(TB, id, false);
    await gate.arrivals(2);
    gate.release();
    await Promise.all([patch, toggle]);
    const after = await saas.fulfillment.get('contoso', id);
    expect(after).toMatchObject({ planId: 'gold', autoRenew: false });
    expect(after.lockedBy).toBeUndefined();
  });
});

describe('read-through cache (architecture.md, Caches)', () => {
  it('a stale entry never decides a change: another worker’s lock is found through the ETag', async () => {
    // Worker A caches the unlocked row; worker B (no shared memory) locks it with a plan change. A's next change
    // reads the stale cached row, its If-Match commit fails (412), the entry is dropped and the re-read sees the lock.
    const { c, saas: workerB, store, active } = await setup();
    const id = await active();
    const workerA = saasUseCases(
      new SaasCore({
        store: cachedStore(store, { ttlMs: 60_000 }),
        catalog: c.reader,
        clock: c.clock,
        faults: { reach: async () => undefined },
        settings: { purchaseTokenTtlMs: 86_400_000, ackWindowMs: 10_000 },
      }),
    );
    expect((await workerA.fulfillment.get('contoso', id)).lockedBy).toBeUndefined();
    await workerB.changes.change('contoso', id, { planId: 'gold' }, 'Publisher');
    expect((await workerA.fulfillment.get('contoso', id)).lockedBy).toBeUndefined(); // stale within the TTL, as allowed
    expect(await codeOf(workerA.changes.change('contoso', id, { quantity: 30 }, 'Publisher'))).toEqual([400, 'SubscriptionLocked']);
    expect((await workerA.fulfillment.get('contoso', id)).lockedBy).toBeDefined(); // the failed commit dropped the entry
  });
});

describe('tokens, CSP and paging', () => {
  it('a purchase token expires after 24 h; a fresh one resolves (C.2-12, C.2-17)', async () => {
    const { c, saas, buy } = await setup();
    const { subscription, token } = await buy();
    expect((await saas.fulfillment.resolve('contoso', token)).id).toBe(subscription.id);
    expect((await saas.fulfillment.resolve('contoso', token)).id).toBe(subscription.id); // reusable until expiry [DEC-A13]
    c.clock.advance(24 * 3600_000 + 1000);
    expect(await codeOf(saas.fulfillment.resolve('contoso', token))).toEqual([400, 'MarketplaceTokenExpired']);
    const fresh = await saas.storefront.mintToken(subscription);
    expect((await saas.fulfillment.resolve('contoso', fresh)).status).toBe('PendingFulfillmentStart');
  });

  it('a CSP purchase allows only Read: publisher PATCH and DELETE are OperationNotAllowed (C.4-40, C.6-53, C.8-71)', async () => {
    const { saas } = await setup();
    const bought = await saas.storefront.purchase({
      publisherId: 'contoso',
      offerId: 'offer1',
      planId: 'silver',
      quantity: 5,
      termUnit: 'P1M',
      purchaser: identity(TC, 'csp'),
      beneficiary: identity(TB, 'ub'),
    });
    const id = bought.subscription.id;
    await saas.fulfillment.activate('contoso', id, { planId: 'silver', quantity: 5 });
    expect((await saas.fulfillment.get('contoso', id)).allowedCustomerOperations).toEqual(['Read']);
    expect(await codeOf(saas.changes.change('contoso', id, { planId: 'gold' }, 'Publisher'))).toEqual([400, 'OperationNotAllowed']);
    expect(await codeOf(saas.changes.cancel('contoso', id, 'Publisher'))).toEqual([400, 'OperationNotAllowed']);
  });

  it('lists 250 subscriptions as 100 + 100 + 50 with no duplicates (C.4-37)', async () => {
    const { saas, store, buy } = await setup();
    const first = (await buy()).subscription;
    const ids = Array.from({ length: 250 }, (_, i) => `7d2f0a3e-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map((id) => store.createSubscription({ ...first, id })));
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | undefined;
    do {
      const page = await saas.fulfillment.list('contoso', next);
      sizes.push(page.items.length);
      seen.push(...page.items.map((s) => s.id));
      next = page.next;
    } while (next);
    expect(sizes).toEqual([100, 100, 51]);
    expect(new Set(seen).size).toBe(251);
  });
});

describe('the concurrency tests can fail (control: the same interleaving against read-then-write)', () => {
  it('with blind writes (no If-Match) both changes are accepted and two operations are in flight', async () => {
    // The store below replaces every conditional update with an unconditional one, as a read-then-write
    // implementation would do. The interleaving of "two concurrent plan changes" then breaks the lock rule, which is
    // what that test would report (two fulfilled results instead of one).
    const faults = new PausePoints();
    const blind = (inner: SubscriptionStore): SubscriptionStore => {
      const commit = (publisherId: string, writes: Write[]) =>
        inner.commit(
          publisherId,
          writes.map((w) => (w.etag ? { ...w, etag: '*' } : w)),
        );
      return new Proxy(inner, {
        get: (target, name: keyof SubscriptionStore) =>
          name === 'commit' ? commit : (target[name] as (...a: unknown[]) => unknown).bind(target),
      });
    };
    const { saas, active, store } = await setup({ faults, wrapStore: blind });
    const id = await active();
    const gate = faults.pause(FAULT_BEFORE_WRITE);
    const both = Promise.allSettled([
      saas.changes.change('contoso', id, { planId: 'gold' }, 'Publisher'),
      saas.changes.change('contoso', id, { quantity: 30 }, 'Publisher'),
    ]);
    await gate.arrivals(2);
    gate.release();
    expect((await both).filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect((await store.listOperations('contoso', id)).filter((o) => o.status === 'InProgress')).toHaveLength(2);
  });
});
