/**
 * Life-cycle timers, billing events and their ledger through the built host (issue 5; spec C.10-90..94,
 * C.11-95..101, C.8-74; A3 ledger and faults on our admin routes, decision 0416). The project clock is moved
 * instead of sleeping; "still X after the timer ran" is shown with a sentinel subscription that becomes due in the
 * same clock move, so the test knows the due work has run past that instant.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSaasHarness, until, V, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { offer1, trialOffer } from '../integration/saas/fixture';

let h: SaasHarness;
const CUSTOMER: Who = { customer: ['tb', 'ub'] };
const PREVIEWER: Who = { customer: ['tb', 'previewer'] };

beforeAll(async () => {
  h = await startSaasHarness();
  for (const offer of [offer1(h.sinkUrl), trialOffer(h.sinkUrl, 'offer-t', 'previewer@tb.example')]) {
    const put = await h.call('PUT', `/api/publishers/contoso/offers/${offer.id}?api-version=2017-10-31`, 'contoso', { body: offer });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    expect((await h.call('POST', `/api/admin/offers/contoso/${offer.id}/freeze`, 'operator')).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/**
 * Each test's subscriptions are cancelled after it, so later clock jumps (months, years) do not renew them again and
 * again: the host's work stays about this test's subscriptions.
 */
const created: string[] = [];
afterEach(async () => {
  for (const id of created.splice(0)) await h.call('DELETE', sub(id));
});

const sub = (id: string, suffix = '') => `/api/saas/subscriptions/${id}${suffix}?${V}`;
const admin = (id: string, action: string) => `/api/admin/subscriptions/${id}/${action}`;

async function purchase(o: { offerId?: string; planId?: string; who?: Who; termUnit?: 'P1M' | 'P1Y' } = {}) {
  const res = await h.call('POST', '/api/storefront/purchases', o.who ?? CUSTOMER, {
    body: {
      publisherId: 'contoso',
      offerId: o.offerId ?? 'offer1',
      planId: o.planId ?? 'silver',
      quantity: 20,
      termUnit: o.termUnit ?? 'P1M',
    },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  created.push(String(res.json['subscriptionId']));
  return res.json as { subscriptionId: string; purchaseToken: string };
}

async function activated(o: Parameters<typeof purchase>[0] = {}) {
  const { subscriptionId } = await purchase(o);
  const res = await h.call('POST', sub(subscriptionId, '/activate'), 'contoso', { body: { planId: o.planId ?? 'silver', quantity: 20 } });
  expect(res.status).toBe(200);
  return subscriptionId;
}

const status = async (id: string) => (await h.call('GET', sub(id))).json['saasSubscriptionStatus'];
const ledger = async (id: string) =>
  (await h.call('GET', admin(id, 'ledger'), 'operator')).json['entries'] as { event: string; billable: boolean; charged?: boolean }[];
const events = async (id: string) => (await ledger(id)).map((e) => e.event);
const hooks = (id: string) => h.received.filter((r) => r.body['subscriptionId'] === id).map((r) => r.body);
const hookFor = (id: string, action: string) =>
  until(`${action} webhook for ${id}`, async () => hooks(id).find((b) => b['action'] === action));

describe('billing events through the admin routes (C.10-90..92)', () => {
  it('suspend: Suspended at once, Suspend webhook (not "Suspended"), ledger; reinstate waits for Success (C.10-90/91)', async () => {
    await h.setNow('2031-01-10T00:00:00Z');
    const id = await activated();
    const suspend = await h.call('POST', admin(id, 'suspend'), 'operator');
    expect(suspend.json).toMatchObject({ action: 'Suspend', status: 'Succeeded' });
    expect(await status(id)).toBe('Suspended');
    expect(await hookFor(id, 'Suspend')).toMatchObject({ status: 'Success', id: suspend.json['id'] });
    expect(await events(id)).toEqual(['Activated', 'Suspended']);

    const reinstate = await h.call('POST', admin(id, 'reinstate'), 'operator');
    expect(await hookFor(id, 'Reinstate')).toMatchObject({ status: 'InProgress' });
    expect(await status(id)).toBe('Suspended');
    expect(await events(id)).toEqual(['Activated', 'Suspended']);
    const ack = await h.call('PATCH', sub(id, `/operations/${String(reinstate.json['id'])}`), 'contoso', { body: { status: 'Success' } });
    expect(ack.status).toBe(200);
    expect(await status(id)).toBe('Subscribed');
    expect(await events(id)).toEqual(['Activated', 'Suspended', 'Reinstated']);
  });

  it('grace period: cancelled 30 days after suspension, not before; a Failure keeps the clock; a reinstated one stays (C.10-92, C.11-95/96)', async () => {
    await h.setNow('2031-02-01T00:00:00Z');
    const [sentinel, failed, rescued, later] = [await activated(), await activated(), await activated(), await activated()];
    for (const id of [sentinel, failed, rescued]) expect((await h.call('POST', admin(id, 'suspend'), 'operator')).status).toBe(200);
    const answer = async (id: string, answerStatus: 'Success' | 'Failure') => {
      const op = await h.call('POST', admin(id, 'reinstate'), 'operator');
      await hookFor(id, 'Reinstate');
      expect(
        (await h.call('PATCH', sub(id, `/operations/${String(op.json['id'])}`), 'contoso', { body: { status: answerStatus } })).status,
      ).toBe(200);
    };
    await answer(failed, 'Failure');
    expect(await status(failed)).toBe('Suspended');
    await h.advance('PT1H');
    expect((await h.call('POST', admin(later, 'suspend'), 'operator')).status).toBe(200);
    await h.advance('P29D');
    await answer(rescued, 'Success'); // day 29
    expect(await status(rescued)).toBe('Subscribed');
    // Now 30 days (and a minute) after the first suspensions, 29 d 23 h (and a minute) after `later`'s.
    await h.advance('PT23H1M');
    await hookFor(sentinel, 'Unsubscribe');
    expect(await status(sentinel)).toBe('Unsubscribed');
    await hookFor(failed, 'Unsubscribe');
    expect(await status(later)).toBe('Suspended');
    expect(await status(rescued)).toBe('Subscribed');
    expect(hooks(rescued).map((b) => b['action'])).not.toContain('Unsubscribe');
    await h.advance('PT1H');
    await hookFor(later, 'Unsubscribe');
    expect(await status(later)).toBe('Unsubscribed');
    expect(await events(later)).toEqual(['Activated', 'Suspended', 'Cancelled']);
  });
});

describe('term end (C.10-93/94, C.11-97/98)', () => {
  it('renews: Renew webhook, next term per DEC-A8, ledger Renewed, the op cannot be PATCHed; a suspended one does not renew (C.10-93, C.11-98)', async () => {
    await h.setNow('2031-05-31T00:00:00Z');
    const id = await activated();
    const suspended = await activated();
    await h.advance('P1D'); // suspended on day 1, so its 30-day grace outlasts its term end
    await h.call('POST', admin(suspended, 'suspend'), 'operator');
    expect((await h.call('GET', sub(id))).json['term']).toMatchObject({
      startDate: '2031-05-31T00:00:00Z',
      endDate: '2031-06-29T00:00:00Z',
    });
    await h.setNow('2031-06-30T00:00:30Z');
    const renew = await hookFor(id, 'Renew');
    expect(renew).toMatchObject({ status: 'Success', planId: 'silver', quantity: 20 });
    const got = await h.call('GET', sub(id));
    expect(got.json).toMatchObject({
      saasSubscriptionStatus: 'Subscribed',
      term: { startDate: '2031-06-30T00:00:00Z', endDate: '2031-07-30T00:00:00Z' },
    });
    expect(await events(id)).toEqual(['Activated', 'Renewed']);
    const patch = await h.call('PATCH', sub(id, `/operations/${String(renew['id'])}`), 'contoso', { body: { status: 'Success' } });
    expect([patch.status, patch.json['code']]).toEqual([409, 'OperationAlreadyCompleted']);
    // The sentinel renewed, so the due work ran past the suspended subscription's term end too.
    expect(await status(suspended)).toBe('Suspended');
    expect(hooks(suspended).map((b) => b['action'])).toEqual(['Suspend']);
  });

  it('a payment failure at renewal suspends instead: Suspend webhook, no Renew, term not advanced (C.10-94)', async () => {
    await h.setNow('2031-08-01T00:00:00Z');
    const id = await activated();
    const fault = await h.call('PUT', admin(id, 'faults'), 'operator', { body: { payment: 'fail' } });
    expect(fault.json).toEqual({ subscriptionId: id, payment: 'fail' });
    const term = (await h.call('GET', sub(id))).json['term'];
    await h.setNow('2031-09-01T00:00:30Z');
    expect(await hookFor(id, 'Suspend')).toMatchObject({ status: 'Success' });
    const got = await h.call('GET', sub(id));
    expect(got.json).toMatchObject({ saasSubscriptionStatus: 'Suspended', term });
    expect(hooks(id).map((b) => b['action'])).toEqual(['Suspend']);
    expect(await events(id)).toEqual(['Activated', 'Suspended']);
  });

  it.each([
    [{ payment: 'maybe' }, 400, 'payment'],
    [{}, 400, 'payment'],
  ])('faults body %j → %i naming %s; nothing changes', async (body, code, field) => {
    const id = await activated();
    const res = await h.call('PUT', admin(id, 'faults'), 'operator', { body });
    expect(res.status).toBe(code);
    expect(JSON.stringify(res.json)).toContain(field);
  });

  it('faults and ledger are operator-only, and 404 for unknown or non-GUID ids', async () => {
    const id = await activated();
    expect((await h.call('GET', admin(id, 'ledger'), 'contoso')).status).toBe(403);
    expect((await h.call('PUT', admin(id, 'faults'), CUSTOMER, { body: { payment: 'fail' } })).status).toBe(403);
    expect((await h.call('GET', admin(id, 'ledger'), 'none')).status).toBe(401);
    for (const bad of ['7d2f0a3e-0000-4000-8000-00000000abcd', 'not-a-guid']) {
      const res = await h.call('GET', admin(bad, 'ledger'), 'operator');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('autoRenew off: Unsubscribed at term end with an Unsubscribe webhook and no Renew (C.11-97)', async () => {
    await h.setNow('2031-10-01T00:00:00Z');
    const id = await activated();
    expect((await h.call('PATCH', `/api/storefront/subscriptions/${id}`, CUSTOMER, { body: { autoRenew: false } })).status).toBe(200);
    expect((await h.call('GET', sub(id))).json['autoRenew']).toBe(false);
    await h.setNow('2031-11-01T00:00:30Z');
    await hookFor(id, 'Unsubscribe');
    expect(await status(id)).toBe('Unsubscribed');
    expect(hooks(id).map((b) => b['action'])).toEqual(['Unsubscribe']);
    expect(await ledger(id)).toMatchObject([{ event: 'Activated' }, { event: 'Cancelled', charged: true }]);
  });
});

describe('illegal marketplace-side transitions, pending purchases (C.11-99/100)', () => {
  it('suspend pending or cancelled → 409, reinstate active → 409, renew suspended → 409 (C.11-99)', async () => {
    const pending = (await purchase()).subscriptionId;
    const cancelled = await activated();
    await h.call('POST', `/api/storefront/subscriptions/${cancelled}/cancel`, CUSTOMER);
    const active = await activated();
    const suspended = await activated();
    await h.call('POST', admin(suspended, 'suspend'), 'operator');
    for (const [id, action] of [
      [pending, 'suspend'],
      [cancelled, 'suspend'],
      [active, 'reinstate'],
      [suspended, 'renew'],
    ] as const) {
      const res = await h.call('POST', admin(id, action), 'operator');
      expect([action, res.status]).toEqual([action, 409]);
    }
    expect(await status(pending)).toBe('PendingFulfillmentStart');
    expect(await events(active)).toEqual(['Activated']);
  });

  it('a pending purchase does not expire by default, only its token does (C.11-100)', async () => {
    await h.setNow('2032-01-01T00:00:00Z');
    const { subscriptionId, purchaseToken } = await purchase();
    const sentinel = await activated();
    await h.advance('P90D');
    await hookFor(sentinel, 'Renew');
    expect(await status(subscriptionId)).toBe('PendingFulfillmentStart');
    const resolve = (token: string) =>
      h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', { headers: { 'x-ms-marketplace-token': token } });
    expect((await resolve(purchaseToken)).json['code']).toBe('MarketplaceTokenExpired');
    const fresh = await h.call('POST', `/api/storefront/subscriptions/${subscriptionId}/token`, CUSTOMER);
    expect((await resolve(String(fresh.json['purchaseToken']))).status).toBe(200);
    expect(await ledger(subscriptionId)).toEqual([]);
  });
});

describe('free trial, test purchases, cancellation charges (C.11-101, Rule 12, C.8-74)', () => {
  it('a trial is uncharged, converts at the end of its month without a webhook (C.11-101)', async () => {
    await h.setNow('2032-05-10T00:00:00Z');
    const who: Who = { customer: ['trial-a', 'u1'] };
    const { subscriptionId: id, purchaseToken } = await purchase({ offerId: 'offer-t', who });
    const resolved = await h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': purchaseToken },
    });
    expect(resolved.json['subscription']).toMatchObject({ isFreeTrial: true });
    expect((await h.call('POST', sub(id, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).status).toBe(200);
    expect(await ledger(id)).toMatchObject([{ event: 'Activated', billable: false }]);
    await h.setNow('2032-06-10T00:00:30Z');
    await until('conversion', async () => ((await h.call('GET', sub(id))).json['isFreeTrial'] === false ? true : undefined));
    expect(await ledger(id)).toMatchObject([{ event: 'Activated' }, { event: 'TrialConverted', billable: true }]);
    expect((await h.call('GET', sub(id))).json['term']).toMatchObject({ startDate: '2032-06-10T00:00:00Z' });
    expect(hooks(id)).toEqual([]);
    // One trial per tenant and offer: buying again after using it gives none.
    expect(
      (await h.call('GET', sub((await purchase({ offerId: 'offer-t', planId: 'gold', who })).subscriptionId))).json['isFreeTrial'],
    ).toBe(false);
  });

  it('switching to another trial plan keeps the trial clock (Rule 11)', async () => {
    await h.setNow('2032-06-20T00:00:00Z');
    const who: Who = { customer: ['trial-c', 'u1'] };
    const id = await activated({ offerId: 'offer-t', who });
    await h.advance('P15D');
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, who, { body: { planId: 'gold' } });
    await hookFor(id, 'ChangePlan');
    await h.call('PATCH', sub(id, `/operations/${String(change.json['id'])}`), 'contoso', { body: { status: 'Success' } });
    expect((await h.call('GET', sub(id))).json).toMatchObject({
      planId: 'gold',
      isFreeTrial: true,
      term: { startDate: '2032-06-20T00:00:00Z', endDate: '2032-07-19T00:00:00Z' },
    });
    expect(await ledger(id)).toMatchObject([
      { event: 'Activated', billable: false },
      { event: 'PlanChanged', billable: false },
    ]);
  });

  it('a trial cancelled before the month ends is never charged', async () => {
    await h.setNow('2032-07-10T00:00:00Z');
    const id = await activated({ offerId: 'offer-t', who: { customer: ['trial-b', 'u1'] } });
    await h.advance('P20D');
    expect((await h.call('DELETE', sub(id))).status).toBe(202);
    expect(await ledger(id)).toMatchObject([
      { event: 'Activated', billable: false },
      { event: 'Cancelled', billable: false, charged: false },
    ]);
  });

  it('a preview-audience member’s purchase is isTest; its ledger entries are not billable (Rule 12)', async () => {
    const id = await activated({ offerId: 'offer-t', planId: 'legacy', who: PREVIEWER });
    expect((await h.call('GET', sub(id))).json).toMatchObject({ isTest: true, isFreeTrial: false });
    expect(await ledger(id)).toMatchObject([{ event: 'Activated', billable: false }]);
    expect((await h.call('GET', admin(id, 'ledger'), 'operator')).json['isTest']).toBe(true);
    const other = await activated({ offerId: 'offer-t', planId: 'legacy' });
    expect((await h.call('GET', sub(other))).json['isTest']).toBe(false);
  });

  it('a monthly subscription cancelled within 24 h is not charged, after it is (C.8-74)', async () => {
    await h.setNow('2032-09-01T00:00:00Z');
    const early = await activated();
    const late = await activated();
    await h.advance('PT23H');
    await h.call('DELETE', sub(early));
    await h.advance('PT2H');
    await h.call('DELETE', sub(late));
    expect((await ledger(early)).at(-1)).toMatchObject({ event: 'Cancelled', charged: false });
    expect((await ledger(late)).at(-1)).toMatchObject({ event: 'Cancelled', charged: true });
  });
});

describe('non-GUID ids [DEC-A4] (C.1-8)', () => {
  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/activate'],
    ['GET', '/listAvailablePlans'],
    ['GET', '/operations'],
    ['GET', '/operations/7d2f0a3e-0000-4000-8000-00000000abcd'],
  ])('%s /api/saas/subscriptions/not-a-guid%s → 404 EntityNotFound', async (method, suffix) => {
    const res = await h.call(
      method,
      sub('not-a-guid', suffix),
      'contoso',
      method === 'GET' || method === 'DELETE' ? {} : { body: { planId: 'gold' } },
    );
    expect([res.status, res.json['code']]).toEqual([404, 'EntityNotFound']);
  });

  it('a non-GUID operation id is an unknown operation; resolve still resolves; the storefront answers problem+json', async () => {
    const { subscriptionId, purchaseToken } = await purchase();
    const op = await h.call('GET', sub(subscriptionId, '/operations/zzz'));
    expect([op.status, op.json['code']]).toEqual([404, 'EntityNotFound']);
    const resolved = await h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': purchaseToken },
    });
    expect([resolved.status, resolved.json['id']]).toEqual([200, subscriptionId]);
    expect((await h.call('GET', sub('resolve'))).json['code']).toBe('EntityNotFound');
    const store = await h.call('POST', '/api/storefront/subscriptions/not-a-guid/cancel', CUSTOMER);
    expect(store.status).toBe(404);
    expect(store.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('pending expiry configured (DEC-A33, SAAS_PENDING_EXPIRY_MS)', () => {
  it('cancels an unactivated purchase after the timeout: no webhook, no ledger; an activated one stays', async () => {
    const other = await startSaasHarness({ SAAS_PENDING_EXPIRY_MS: String(7 * 86_400_000) }, { url: h.sinkUrl, received: h.received });
    try {
      const offer = offer1(h.sinkUrl);
      expect(
        (await other.call('PUT', `/api/publishers/contoso/offers/offer1?api-version=2017-10-31`, 'contoso', { body: offer })).status,
      ).toBe(201);
      expect((await other.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
      const buy = async () =>
        (
          await other.call('POST', '/api/storefront/purchases', CUSTOMER, {
            body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M' },
          })
        ).json['subscriptionId'] as string;
      const expiring = await buy();
      const kept = await buy();
      expect((await other.call('POST', sub(kept, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).status).toBe(200);
      await other.advance('P7DT1M');
      await until('expiry', async () =>
        (await other.call('GET', sub(expiring))).json['saasSubscriptionStatus'] === 'Unsubscribed' ? true : undefined,
      );
      expect((await other.call('GET', sub(kept))).json['saasSubscriptionStatus']).toBe('Subscribed');
      const deliveries = await other.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${expiring}`);
      expect(deliveries.json['deliveries']).toEqual([]);
      expect((await other.call('GET', admin(expiring, 'ledger'), 'operator')).json['entries']).toEqual([]);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
