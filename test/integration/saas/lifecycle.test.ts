/**
 * Life-cycle gaps of issue 5 against Azurite with the real catalog: free trials (Rule 11, A2 row 26), the billing
 * ledger (A3) written in the transaction of each change, test purchases (Rule 12), payment failure at renewal
 * (C.10-94), pending expiry (DEC-A33) and non-GUID ids [DEC-A4].
 */
import { describe, expect, it } from 'vitest';
import { PausePoints, type Faults } from '../../../shared/faults';
import { saasUseCases } from '../../../shared/saas/composition';
import { subscriptionView } from '../../../shared/saas/http/views';
import type { SubscriptionStore, Write } from '../../../shared/saas/ports';
import { FAULT_BEFORE_WRITE, SaasCore } from '../../../shared/saas/service/internal';
import { TableSubscriptionStore } from '../../../shared/saas/store/table';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { codeOf, identity, offer1, TB, TC, trialOffer } from './fixture';

const DAY = 86_400_000;
const PREVIEWER = 'previewer@example.com';

async function setup(options: { faults?: Faults; wrapStore?: (s: SubscriptionStore) => SubscriptionStore; pendingExpiryMs?: number } = {}) {
  const c = testCatalog();
  for (const offer of [offer1(), trialOffer(undefined, 'offer-t', PREVIEWER)]) {
    await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
    await c.offers.freeze(operator, 'contoso', offer.id, null);
  }
  c.clock.set(new Date('2019-05-31T00:00:00Z'));
  const raw = new TableSubscriptionStore(
    () => c.storage.table('SaasSubscriptions'),
    () => c.storage.table('SaasIndex'),
  );
  const saas = saasUseCases(
    new SaasCore({
      store: options.wrapStore ? options.wrapStore(raw) : raw,
      catalog: c.reader,
      clock: c.clock,
      faults: options.faults ?? { reach: async () => undefined },
      settings: {
        purchaseTokenTtlMs: DAY,
        ackWindowMs: 10_000,
        ...(options.pendingExpiryMs !== undefined ? { pendingExpiryMs: options.pendingExpiryMs } : {}),
      },
    }),
  );
  const buy = (o: { planId?: string; offerId?: string; tenant?: string; termUnit?: 'P1M' | 'P1Y'; email?: string } = {}) =>
    saas.storefront.purchase({
      publisherId: 'contoso',
      offerId: o.offerId ?? 'offer1',
      planId: o.planId ?? 'silver',
      quantity: 20,
      termUnit: o.termUnit ?? 'P1M',
      purchaser: identity(o.tenant ?? TB, 'ub'),
      ...(o.email ? { callerEmail: o.email } : {}),
    });
  const active = async (o: Parameters<typeof buy>[0] = {}) => {
    const { subscription } = await buy(o);
    await saas.fulfillment.activate('contoso', subscription.id, { planId: subscription.planId, quantity: 20 });
    return subscription.id;
  };
  const at = async (iso: string) => {
    c.clock.set(new Date(iso));
    await saas.dueWork.runDueTimers();
  };
  const events = async (id: string) => (await saas.billing.ledger(id)).entries.map((e) => e.event);
  return { c, saas, store: raw, buy, active, at, events };
}

describe('free trial (Rule 11, A2 row 26, C.11-101)', () => {
  it('is a trial until the month ends, uncharged; then converts once, without an operation or webhook', async () => {
    const { saas, buy, at, events, store } = await setup();
    const { subscription, token } = await buy({ offerId: 'offer-t' });
    expect((await saas.fulfillment.resolve('contoso', token)).isFreeTrial).toBe(true);
    await saas.fulfillment.activate('contoso', subscription.id, { planId: 'silver', quantity: 20 });
    const ledger = await saas.billing.ledger(subscription.id);
    expect(ledger.entries).toEqual([expect.objectContaining({ seq: 0, event: 'Activated', billable: false })]);
    // The trial month is the term shown while it runs [004:2575].
    expect(subscriptionView(await saas.fulfillment.get('contoso', subscription.id)).term).toMatchObject({
      startDate: '2019-05-31T00:00:00Z',
      endDate: '2019-06-29T00:00:00Z',
    });
    await at('2019-06-29T23:59:59Z');
    expect((await saas.fulfillment.get('contoso', subscription.id)).isFreeTrial).toBe(true);
    await at('2019-06-30T00:00:00Z');
    await saas.dueWork.runDueTimers(); // due work handled twice converts once
    const converted = await saas.fulfillment.get('contoso', subscription.id);
    expect(converted).toMatchObject({ isFreeTrial: false, status: 'Subscribed' });
    expect(subscriptionView(converted).term).toMatchObject({ startDate: '2019-06-30T00:00:00Z', endDate: '2019-07-29T00:00:00Z' });
    expect((await saas.billing.ledger(subscription.id)).entries.at(-1)).toMatchObject({ event: 'TrialConverted', billable: true });
    expect(await events(subscription.id)).toEqual(['Activated', 'TrialConverted']);
    expect(await store.listOutbox('contoso')).toEqual([]);
    // The paid term then renews normally.
    await at('2019-07-30T00:00:00Z');
    expect(await events(subscription.id)).toEqual(['Activated', 'TrialConverted', 'Renewed']);
  });

  it('a trial cancelled before the month ends is never charged and never converts', async () => {
    const { saas, active, at, c } = await setup();
    const id = await active({ offerId: 'offer-t' });
    c.clock.advance(20 * DAY);
    await saas.changes.cancel('contoso', id, 'Marketplace');
    await at('2019-08-01T00:00:00Z');
    const { entries } = await saas.billing.ledger(id);
    expect(entries.map((e) => [e.event, e.billable, e.charged])).toEqual([
      ['Activated', false, undefined],
      ['Cancelled', false, false],
    ]);
  });

  it('turning autoRenew off during the trial cancels at its end instead of converting (decision 0415)', async () => {
    const { saas, active, at, events } = await setup();
    const id = await active({ offerId: 'offer-t' });
    await saas.storefront.setAutoRenew(TB, id, false);
    await at('2019-06-30T00:00:00Z');
    expect((await saas.fulfillment.get('contoso', id)).status).toBe('Unsubscribed');
    expect(await events(id)).toEqual(['Activated', 'Cancelled']);
    expect((await saas.billing.ledger(id)).entries[1]?.charged).toBe(false);
  });

  it('switching to another trial plan keeps the clock; a plan without a trial ends the trial at once [004:2581-2583]', async () => {
    const { saas, active, at, events, c } = await setup();
    const keeps = await active({ offerId: 'offer-t' });
    const ends = await active({ offerId: 'offer-t', tenant: TC });
    c.clock.advance(15 * DAY);
    const toGold = await saas.changes.change('contoso', keeps, { planId: 'gold' }, 'Publisher');
    await saas.dueWork.runDueTimers(); // the ISV's own change completes by itself (issue 23)
    expect((await saas.fulfillment.getOperation('contoso', keeps, toGold.id)).value.status).toBe('Succeeded');
    expect(await saas.fulfillment.get('contoso', keeps)).toMatchObject({ planId: 'gold', isFreeTrial: true });
    expect(subscriptionView(await saas.fulfillment.get('contoso', keeps)).term.endDate).toBe('2019-06-29T00:00:00Z');

    const toLegacy = await saas.changes.change('contoso', ends, { planId: 'legacy' }, 'Publisher');
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.getOperation('contoso', ends, toLegacy.id)).value.status).toBe('Succeeded');
    const paid = await saas.fulfillment.get('contoso', ends);
    expect(paid).toMatchObject({ planId: 'legacy', isFreeTrial: false, paidSince: expect.stringMatching(/^2019-06-15T00:00/) });
    expect(subscriptionView(paid).term).toMatchObject({ startDate: '2019-06-15T00:00:00Z', endDate: '2019-07-14T00:00:00Z' });
    expect(await events(ends)).toEqual(['Activated', 'PlanChanged', 'TrialConverted']);

    await at('2019-06-30T00:00:00Z');
    expect(await saas.fulfillment.get('contoso', keeps)).toMatchObject({ planId: 'gold', isFreeTrial: false });
    expect(await events(keeps)).toEqual(['Activated', 'PlanChanged', 'TrialConverted']);
  });

  it('an operator’s renew ends a trial now: converted, terms anchored today, no operation', async () => {
    const { saas, active, c, events, store } = await setup();
    const id = await active({ offerId: 'offer-t' });
    c.clock.set(new Date('2019-06-10T12:00:00Z'));
    expect(await saas.billing.renew(id)).toBeUndefined();
    const sub = await saas.fulfillment.get('contoso', id);
    expect(sub).toMatchObject({ isFreeTrial: false, termAnchor: '2019-06-10', termIndex: 0 });
    expect(await events(id)).toEqual(['Activated', 'TrialConverted']);
    expect(await store.listOperations('contoso', id)).toEqual([]);
  });

  it('one trial per tenant and offer: none after a subscription to the offer was activated [004:2589]', async () => {
    const { saas, buy, active } = await setup();
    const neverActivated = await buy({ offerId: 'offer-t', tenant: TC });
    await saas.changes.cancel('contoso', neverActivated.subscription.id, 'Marketplace');
    expect((await buy({ offerId: 'offer-t', tenant: TC })).subscription.isFreeTrial).toBe(true);
    await active({ offerId: 'offer-t' });
    expect((await buy({ offerId: 'offer-t', planId: 'gold' })).subscription.isFreeTrial).toBe(false);
    expect((await buy({ offerId: 'offer-t', tenant: TC })).subscription.isFreeTrial).toBe(true);
  });
});

describe('billing ledger (A3)', () => {
  it('records every billing event of a life cycle in order, with the plan in force', async () => {
    const { saas, active, at } = await setup();
    const id = await active();
    await saas.changes.change('contoso', id, { quantity: 25 }, 'Publisher');
    await saas.dueWork.runDueTimers(); // the ISV's own change completes by itself (issue 23)
    const suspend = await saas.billing.suspend(id);
    const reinstate = await saas.billing.reinstate(id);
    await saas.fulfillment.patchOperation('contoso', id, reinstate.id, 'Success');
    await at('2019-06-30T00:00:00Z');
    await saas.changes.cancel('contoso', id, 'Publisher');
    const { entries } = await saas.billing.ledger(id);
    expect(entries.map((e) => [e.seq, e.event, e.quantity, e.billable])).toEqual([
      [0, 'Activated', 20, true],
      [1, 'QuantityChanged', 25, true],
      [2, 'Suspended', 25, true],
      [3, 'Reinstated', 25, true],
      [4, 'Renewed', 25, true],
      [5, 'Cancelled', 25, true],
    ]);
    expect(entries[2]?.operationId).toBe(suspend.id);
    expect(entries[5]?.charged).toBe(true);
  });

  it.each([
    ['P1M', 23 * 3600_000, false],
    ['P1M', 25 * 3600_000, true],
    ['P1Y', 13 * DAY, false],
    ['P1Y', 15 * DAY, true],
  ] as const)('a %s subscription cancelled %i ms after activation is charged: %s (C.8-74)', async (termUnit, after, charged) => {
    const { saas, active, c } = await setup();
    const id = await active({ termUnit });
    c.clock.advance(after);
    await saas.changes.cancel('contoso', id, 'Publisher');
    expect((await saas.billing.ledger(id)).entries.at(-1)).toMatchObject({ event: 'Cancelled', charged });
  });

  it('a pending purchase has no ledger; cancelling it adds none (C.3-32)', async () => {
    const { saas, buy } = await setup();
    const { subscription } = await buy();
    expect((await saas.billing.ledger(subscription.id)).entries).toEqual([]);
    await saas.changes.cancel('contoso', subscription.id, 'Publisher');
    expect((await saas.billing.ledger(subscription.id)).entries).toEqual([]);
  });

  it('the ledger row rides in the change’s transaction: when it cannot be written, the change is not made either', async () => {
    // Occupy the key of the next ledger row (seq 1). If the entry were written apart from the state change, the
    // suspension would land without it; in one transaction both fail, and the subscription stays Subscribed.
    const { saas, active, c } = await setup();
    const id = await active();
    const table = await c.storage.table('SaasSubscriptions');
    await table.createEntity({ partitionKey: 'contoso', rowKey: `l|${id}|000001`, kind: 'ledger', data: '{}' });
    expect(await codeOf(saas.billing.suspend(id))).toEqual([409, 'ConcurrentUpdate']);
    expect((await saas.fulfillment.get('contoso', id)).status).toBe('Subscribed');
    expect((await saas.billing.ledger(id)).entries.map((e) => e.event)).toEqual(['Activated', undefined]);
  });

  it('two timers renewing the same subscription at once renew it once (deterministic interleaving)', async () => {
    const faults = new PausePoints();
    const { saas, active, c, events, store } = await setup({ faults });
    const id = await active();
    c.clock.set(new Date('2019-06-30T00:00:00Z'));
    const gate = faults.pause(FAULT_BEFORE_WRITE);
    const both = Promise.all([saas.dueWork.subscriptionDue('contoso', id), saas.dueWork.subscriptionDue('contoso', id)]);
    await gate.arrivals(2);
    gate.release();
    await both;
    expect((await saas.fulfillment.get('contoso', id)).termIndex).toBe(1);
    expect(await events(id)).toEqual(['Activated', 'Renewed']);
    expect((await store.listOperations('contoso', id)).filter((o) => o.action === 'Renew')).toHaveLength(1);
  });
});

describe('the ledger race test can fail (control: blind writes and a ledger keyed apart from the subscription)', () => {
  it('renews twice and records two Renewed entries', async () => {
    // A read-then-write version: the subscription is replaced without If-Match and the ledger row gets its own
    // unique key, so nothing fences the second renewal; the test above would see termIndex 2 and two entries.
    const faults = new PausePoints();
    let unique = 100;
    const blind = (inner: SubscriptionStore): SubscriptionStore =>
      new Proxy(inner, {
        get: (target, name: keyof SubscriptionStore) =>
          name === 'commit'
            ? (publisherId: string, writes: Write[]) =>
                inner.commit(
                  publisherId,
                  writes.map((w): Write => {
                    if (w.kind === 'ledger') return { ...w, value: { ...w.value, seq: (unique += 1) } };
                    return w.etag ? { ...w, etag: '*' } : w;
                  }),
                )
            : (target[name] as (...a: unknown[]) => unknown).bind(target),
      });
    const { saas, active, c, events } = await setup({ faults, wrapStore: blind });
    const id = await active();
    c.clock.set(new Date('2019-06-30T00:00:00Z'));
    const gate = faults.pause(FAULT_BEFORE_WRITE);
    const both = Promise.all([saas.dueWork.subscriptionDue('contoso', id), saas.dueWork.subscriptionDue('contoso', id)]);
    await gate.arrivals(2);
    gate.release();
    await both;
    expect(await events(id)).toEqual(['Activated', 'Renewed', 'Renewed']);
  });
});

describe('test purchases (Rule 12, DEC-A34)', () => {
  it('a preview-audience member’s purchase is isTest and its entries are not billable or charged', async () => {
    const { saas, active, buy, c } = await setup();
    const id = await active({ offerId: 'offer-t', planId: 'legacy', email: PREVIEWER.toUpperCase() });
    expect((await saas.fulfillment.get('contoso', id)).isTest).toBe(true);
    c.clock.advance(2 * DAY);
    await saas.changes.cancel('contoso', id, 'Publisher');
    expect((await saas.billing.ledger(id)).entries.map((e) => [e.event, e.billable, e.charged])).toEqual([
      ['Activated', false, undefined],
      ['Cancelled', false, false],
    ]);
    expect((await buy({ offerId: 'offer-t', email: 'someone@example.com' })).subscription.isTest).toBe(false);
    expect((await buy({ offerId: 'offer1', email: PREVIEWER })).subscription.isTest).toBe(false); // not in offer1's audience
  });
});

describe('payment failure at renewal (C.10-94, decision 0417)', () => {
  it('suspends at term end without renewing; reinstating clears the fault and the renewal then goes through', async () => {
    const { saas, active, at, events, store } = await setup();
    const id = await active();
    await saas.billing.setPaymentFault(id, 'fail');
    await at('2019-06-30T00:00:00Z');
    const sub = await saas.fulfillment.get('contoso', id);
    expect(sub).toMatchObject({ status: 'Suspended', termIndex: 0 });
    const ops = await store.listOperations('contoso', id);
    expect(ops.map((o) => o.action)).toEqual(['Suspend']);
    expect((await store.listOutbox('contoso')).map((o) => o.payload.action)).toEqual(['Suspend']);
    expect(await events(id)).toEqual(['Activated', 'Suspended']);
    const reinstate = await saas.billing.reinstate(id);
    await saas.fulfillment.patchOperation('contoso', id, reinstate.id, 'Success');
    await saas.dueWork.runDueTimers();
    expect(await saas.fulfillment.get('contoso', id)).toMatchObject({ status: 'Subscribed', termIndex: 1 });
    expect(await events(id)).toEqual(['Activated', 'Suspended', 'Reinstated', 'Renewed']);
  });

  it('a failing payment at trial conversion suspends too (no conversion)', async () => {
    const { saas, active, at, events } = await setup();
    const id = await active({ offerId: 'offer-t' });
    await saas.billing.setPaymentFault(id, 'fail');
    await at('2019-06-30T00:00:00Z');
    expect(await saas.fulfillment.get('contoso', id)).toMatchObject({ status: 'Suspended', isFreeTrial: true });
    expect(await events(id)).toEqual(['Activated', 'Suspended']);
    expect((await saas.billing.setPaymentFault(id, 'none')).paymentFault).toBeUndefined();
  });
});

describe('pending expiry (DEC-A33)', () => {
  it('by default a pending purchase never expires; only its token does (C.11-100)', async () => {
    const { saas, buy, at } = await setup();
    const { subscription, token } = await buy();
    await at('2019-08-29T00:00:00Z'); // 90 days
    expect((await saas.fulfillment.get('contoso', subscription.id)).status).toBe('PendingFulfillmentStart');
    expect(await codeOf(saas.fulfillment.resolve('contoso', token))).toEqual([400, 'MarketplaceTokenExpired']);
  });

  it('with a timeout, an unactivated purchase is cancelled silently; an activated one is not', async () => {
    const { saas, buy, at, c, store } = await setup({ pendingExpiryMs: 7 * DAY });
    const expiring = (await buy()).subscription.id;
    const kept = (await buy()).subscription.id;
    await saas.fulfillment.activate('contoso', kept, { planId: 'silver', quantity: 20 });
    c.clock.advance(7 * DAY - 60_000); // the test clock also runs in real time: keep a minute's margin
    await saas.dueWork.runDueTimers();
    expect((await saas.fulfillment.get('contoso', expiring)).status).toBe('PendingFulfillmentStart');
    await at('2019-06-07T00:01:00Z');
    expect((await saas.fulfillment.get('contoso', expiring)).status).toBe('Unsubscribed');
    expect((await store.listOperations('contoso', expiring)).map((o) => [o.action, o.status])).toEqual([['Unsubscribe', 'Succeeded']]);
    expect(await store.listOutbox('contoso')).toEqual([]);
    expect((await saas.billing.ledger(expiring)).entries).toEqual([]);
    expect((await saas.fulfillment.get('contoso', kept)).status).toBe('Subscribed');
  });
});

describe('ids that are not GUIDs [DEC-A4]', () => {
  it.each(['not-a-guid', 'resolve', "x'y", 'a/b'])('%s is an unknown subscription (404 EntityNotFound)', async (bad) => {
    const { saas, active } = await setup();
    const id = await active();
    expect(await codeOf(saas.fulfillment.get('contoso', bad))).toEqual([404, 'EntityNotFound']);
    expect(await codeOf(saas.billing.suspend(bad))).toEqual([404, 'EntityNotFound']);
    expect(await codeOf(saas.fulfillment.getOperation('contoso', id, bad))).toEqual([404, 'EntityNotFound']);
  });
});
