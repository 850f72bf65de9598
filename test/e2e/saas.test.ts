/**
 * SaaS fulfillment v2 over HTTP against the built host, with a loopback webhook sink standing in for the ISV
 * (issue 5). Responses are checked against the contract (saasapi.v2.json); no test sleeps: results are polled
 * with a deadline and the project clock is advanced for ACK windows.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractErrors, contractsAvailable } from '../fixtures/contracts';
import { startSaasHarness, until, V, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { customerRequest, tokenFor } from '../fixtures/tokens';
import { offer1, offer2 } from '../integration/saas/fixture';
import { MARKETPLACE_API_RESOURCE } from '../../shared/config';
import { TENANT_A } from '../fixtures/offers';

const APP_ID = '8d5b8a4e-3c0f-4c57-9a3e-6f1f0d2b9c11'; // the aadAppId of the offer fixture

let h: SaasHarness;
/** Statuses the sink answers with, in order; 200 when empty. */
const sinkPlan: number[] = [];
const CUSTOMER: Who = { customer: ['tb', 'ub'] };

beforeAll(async () => {
  // The sink's answer carries a secret, which the host must not keep in its record of the attempt.
  h = await startSaasHarness({}, { answer: () => ({ status: sinkPlan.shift() ?? 200, body: '{"ok":true,"secret":"do-not-store"}' }) });
  for (const offer of [offer1(h.sinkUrl), offer2(h.sinkUrl)]) {
    const put = await call('PUT', `/api/publishers/contoso/offers/${offer.id}?api-version=2017-10-31`, 'contoso', { body: offer });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    expect((await call('POST', `/api/admin/offers/contoso/${offer.id}/freeze`, 'operator')).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/** The harness's call, with 'customer' for the buyer tb/ub. */
const call = (method: string, path: string, who: Who | 'customer' = 'contoso', init?: Parameters<SaasHarness['call']>[3]) =>
  h.call(method, path, who === 'customer' ? CUSTOMER : who, init);

function contract(method: string, template: string, status: number, body: unknown) {
  if (!contractsAvailable) return;
  expect(contractErrors('saasapi.v2.json', method, template, status, body)).toBeUndefined();
}

/** Polls within 20 s, inside the 30 s test timeout, so a stuck wait fails naming what it waited for. */
const within = <T>(what: string, probe: () => Promise<T | undefined>) => until(what, probe, 20_000);

const webhookFor = (opId: string) => within(`webhook ${opId}`, async () => h.received.find((r) => r.body['id'] === opId));

async function purchase(planId = 'silver', quantity: number | null = 20, offerId = 'offer1') {
  const res = await call('POST', '/api/storefront/purchases', 'customer', {
    body: { publisherId: 'contoso', offerId, planId, ...(quantity !== null ? { quantity } : {}), termUnit: 'P1M' },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { subscriptionId: string; purchaseToken: string; landingPageUrl: string };
}

async function activated(planId = 'silver', quantity: number | null = 20) {
  const bought = await purchase(planId, quantity);
  const res = await call('POST', `/api/saas/subscriptions/${bought.subscriptionId}/activate?${V}`, 'contoso', {
    body: { planId, quantity },
  });
  expect(res.status).toBe(200);
  return bought.subscriptionId;
}

const sub = (id: string, suffix = '') => `/api/saas/subscriptions/${id}${suffix}?${V}`;

describe('SaaS fulfillment v2 (issue 5)', () => {
  it('purchase → landing page token → resolve → activate (C.2-9, C.3-19)', async () => {
    const bought = await purchase();
    expect(bought.landingPageUrl).toBe(`https://stub.test/signup?token=${encodeURIComponent(bought.purchaseToken)}`);
    const resolved = await call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': bought.purchaseToken },
    });
    expect(resolved.status).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, resolved.json);
    expect(resolved.json).toMatchObject({ id: bought.subscriptionId, offerId: 'offer1', planId: 'silver', quantity: 20 });
    expect(resolved.json['subscription']).toMatchObject({
      saasSubscriptionStatus: 'PendingFulfillmentStart',
      sandboxType: 'None',
      sessionMode: 'None',
      isFreeTrial: false,
    });
    const activate = await call('POST', sub(bought.subscriptionId, '/activate'), 'contoso', { body: { planId: 'silver', quantity: '20' } });
    expect(activate.status).toBe(200);
    const got = await call('GET', sub(bought.subscriptionId));
    contract('get', '/saas/subscriptions/{subscriptionId}', 200, got.json);
    expect(got.json).toMatchObject({ saasSubscriptionStatus: 'Subscribed', autoRenew: true, term: { termUnit: 'P1M' } });
    expect(
      (await call('POST', sub(bought.subscriptionId, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).json['code'],
    ).toBe('InvalidSubscriptionStatus');
  });

  it.each([
    ['no marketplace token', {}, 400, 'MarketplaceTokenMissing'],
    ['a garbage token', { 'x-ms-marketplace-token': 'abc' }, 400, 'MarketplaceTokenInvalid'],
  ])('resolve with %s (%j) → %i %s (C.2-10/11)', async (_name, headers, status, code) => {
    const res = await call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', { headers });
    expect([res.status, res.json['code']]).toEqual([status, code]);
  });

  it('another publisher gets 403 for the token and the subscription; no token is 403; api-version errors (C.1)', async () => {
    const bought = await purchase();
    const foreign = await call('POST', `/api/saas/subscriptions/resolve?${V}`, 'fabrikam', {
      headers: { 'x-ms-marketplace-token': bought.purchaseToken },
    });
    expect(foreign.status).toBe(403);
    expect((await call('GET', sub(bought.subscriptionId), 'fabrikam')).status).toBe(403);
    expect((await call('GET', sub(bought.subscriptionId), 'none')).status).toBe(403);
    expect((await call('GET', `/api/saas/subscriptions/${bought.subscriptionId}`)).json).toMatchObject({
      Error: { Code: 'ApiVersionUnspecified' },
    });
    expect((await call('GET', `/api/saas/subscriptions/${bought.subscriptionId}?api-version=2019-01-01`)).json).toMatchObject({
      Error: { Code: 'UnsupportedApiVersion' },
    });
    expect((await call('GET', sub('7d2f0a3e-0000-4000-8000-00000000abcd'))).json['code']).toBe('EntityNotFound');
  });

  it.each([
    [{ planId: 'gold', quantity: 30 }, 'PlanAndQuantityInSingleRequest'],
    [{}, 'PlanIdRequired'],
    [{ planId: 'silver' }, 'PlanAlreadyOnSubscription'],
    [{ planId: 'nope' }, 'PlanNotAvailable'],
    [{ planId: 'legacy' }, 'PlanNotAvailable'],
    [{ quantity: 20 }, 'QuantityAlreadyOnSubscription'],
    [{ quantity: 51 }, 'QuantityOutOfRange'],
    [{ quantity: 0 }, 'QuantityOutOfRange'],
    [{ quantity: 2.5 }, 'InvalidQuantity'],
    [{ quantity: 'abc' }, 'InvalidQuantity'],
    [{ quantity: null }, 'QuantityRequired'],
  ])('PATCH %j → 400 %s and nothing changes (C.6, C.7)', async (body, code) => {
    const id = await activated();
    const res = await call('PATCH', sub(id), 'contoso', { body });
    expect([res.status, res.json['code']]).toEqual([400, code]);
    expect((await call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
    expect((await call('GET', sub(id))).json).toMatchObject({ planId: 'silver', quantity: 20 });
  });

  it('ISV change plan: 202 + Operation-Location, locked meanwhile, webhook with a JWT for the ISV app, completes by itself (C.6-44/55, issue 23)', async () => {
    const id = await activated();
    const res = await call('PATCH', sub(id), 'contoso', { body: { planId: 'gold' } });
    expect(res.status).toBe(202);
    const location = res.headers.get('operation-location') ?? '';
    const opId = res.headers.get('operation-id') ?? '';
    expect(location).toBe(`${h.host.url}/api/saas/subscriptions/${id}/operations/${opId}?${V}`);
    const op = await call('GET', sub(id, `/operations/${opId}`));
    contract('get', '/saas/subscriptions/{subscriptionId}/operations/{operationId}', 200, op.json);
    expect(op.json).toMatchObject({ action: 'ChangePlan', status: 'InProgress', planId: 'gold', errorStatusCode: '', errorMessage: '' });
    expect(op.json['operationRequestSource']).toBe('Partner'); // the ISV's own change (issue 23)
    expect((await call('GET', sub(id))).json['planId']).toBe('silver');
    expect((await call('PATCH', sub(id), 'contoso', { body: { quantity: 30 } })).json['code']).toBe('SubscriptionLocked');
    const listed = await call('GET', sub(id, '/operations'));
    contract('get', '/saas/subscriptions/{subscriptionId}/operations', 200, listed.json);
    expect((listed.json['operations'] as { id: string }[]).map((o) => o.id)).toEqual([opId]);

    const hook = await webhookFor(opId);
    expect(Object.keys(hook.body).sort()).toEqual([
      'action',
      'activityId',
      'id',
      'offerId',
      'operationRequestSource',
      'planId',
      'publisherId',
      'quantity',
      'status',
      'subscription',
      'subscriptionId',
      'timeStamp',
    ]);
    expect(hook.body).toMatchObject({
      action: 'ChangePlan',
      status: 'InProgress',
      planId: 'gold',
      subscriptionId: id,
      publisherId: 'contoso',
      offerId: 'offer1',
      operationRequestSource: 'Partner',
      subscription: { ...(await call('GET', sub(id))).json, planId: 'silver' },
    });
    expect(hook.headers['x-ms-idempotency-key']).toBe(opId);
    // The ISV checks the token as the SaaS Accelerator does (ValidateJwtToken.cs), with only the authority swapped:
    // keys from {authority}/{tenant}/.well-known/openid-configuration, issuer {authority}/{tenant}/v2.0 (the
    // default LOCAL_ISSUER_BASE), audience = its own app, lifetime checked; the caller is the marketplace API app.
    const jwt = String(hook.headers['authorization']).replace(/^Bearer /, '');
    const openid = (await (await fetch(`${h.host.url}/${TENANT_A}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const verified = await jwtVerify(jwt, createRemoteJWKSet(new URL(openid.jwks_uri)), {
      issuer: `https://login.marketplace.local/${TENANT_A}/v2.0`,
      audience: APP_ID,
      requiredClaims: ['exp', 'nbf', 'iat'],
    });
    expect(verified.payload).toMatchObject({ aud: APP_ID, tid: TENANT_A, azp: MARKETPLACE_API_RESOURCE, appid: MARKETPLACE_API_RESOURCE });

    expect((await call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Done' } })).json['code']).toBe(
      'InvalidOperationStatus',
    );
    expect((await call('PATCH', sub(id, `/operations/${opId}`), 'fabrikam', { body: { status: 'Success' } })).status).toBe(403);
    // The ISV's own change takes no acknowledgement (issue 23): it completes by itself after SAAS_ISV_CHANGE_DELAY_MS.
    const own = await call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Success' } });
    expect([own.status, own.json['code']]).toEqual([409, 'OperationStartedByPublisher']);
    expect((await call('PUT', '/api/admin/clock', 'operator', { body: { advance: 'PT11S' } })).status).toBe(200);
    await within('plan gold', async () => ((await call('GET', sub(id))).json['planId'] === 'gold' ? true : undefined));
    expect((await call('GET', sub(id))).json).toMatchObject({ planId: 'gold', quantity: 20 });
    expect((await call('GET', sub(id, `/operations/${opId}`))).json['status']).toBe('Succeeded');
    const again = await call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Failure' } });
    expect([again.status, again.json['code']]).toEqual([409, 'OperationAlreadyCompleted']);
    expect((await call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
  });

  it('customer change quantity: webhook first, then the ACK window (project clock) succeeds it without a PATCH (C.6-47, C.7-66)', async () => {
    const id = await activated();
    const res = await call('POST', `/api/storefront/subscriptions/${id}/changeQuantity`, 'customer', { body: { quantity: 30 } });
    expect(res.status).toBe(200);
    const opId = String(res.json['id']);
    expect((await call('GET', sub(id, `/operations/${opId}`))).json['operationRequestSource']).toBe('Azure'); // the customer's
    expect((await webhookFor(opId)).body).toMatchObject({ action: 'ChangeQuantity', status: 'InProgress', quantity: 30 });
    // Accepted webhook → window of 10 s starts; move the clock past it and let the timer close it.
    await within('ack window started', async () => {
      const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`);
      return (d.json['deliveries'] as { state: string }[])[0]?.state === 'delivered' ? true : undefined;
    });
    expect((await call('GET', sub(id))).json['quantity']).toBe(20);
    expect((await call('PUT', '/api/admin/clock', 'operator', { body: { advance: 'PT11S' } })).status).toBe(200);
    await within('quantity 30', async () => ((await call('GET', sub(id))).json['quantity'] === 30 ? true : undefined));
    expect((await call('GET', sub(id, `/operations/${opId}`))).json['status']).toBe('Succeeded');
  });

  it('customer change answered with Failure leaves the subscription as it was (C.7-66)', async () => {
    const id = await activated();
    const res = await call('POST', `/api/storefront/subscriptions/${id}/changePlan`, 'customer', { body: { planId: 'gold' } });
    const opId = String(res.json['id']);
    await webhookFor(opId);
    expect((await call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Failure' } })).status).toBe(200);
    expect((await call('GET', sub(id))).json['planId']).toBe('silver');
    expect((await call('GET', sub(id, `/operations/${opId}`))).json['status']).toBe('Failed');
  });

  it('retries until the ISV accepts, recording every attempt; the publisher lists and redelivers (C.10-87)', async () => {
    const id = await activated();
    sinkPlan.push(500, 503);
    const op = await call('POST', `/api/admin/subscriptions/${id}/suspend`, 'operator');
    expect(op.status).toBe(200);
    // Suspend is applied before the publisher hears of it [004:25310].
    expect((await call('GET', sub(id))).json['saasSubscriptionStatus']).toBe('Suspended');
    const opId = String(op.json['id']);
    const delivered = await within('three attempts', async () => {
      const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`);
      const row = (d.json['deliveries'] as { id: string; state: string; attempts: { status: number; excerpt: string }[] }[]).find(
        (x) => x.id === opId,
      );
      return row?.state === 'delivered' ? row : undefined;
    });
    expect(delivered.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(delivered.attempts[2]?.excerpt).not.toContain('do-not-store');
    expect((await webhookFor(opId)).body).toMatchObject({ action: 'Suspend', status: 'Success' });
    expect((await call('GET', '/api/publishers/contoso/webhooks/deliveries', 'fabrikam')).status).toBe(403);
    const before = h.received.filter((r) => r.body['id'] === opId).length;
    expect((await call('POST', `/api/publishers/contoso/webhooks/deliveries/${opId}/redeliver`)).status).toBe(202);
    await within('redelivery', async () => (h.received.filter((r) => r.body['id'] === opId).length > before ? true : undefined));
  });

  it('reinstate waits for Success; cancel sends Unsubscribe after the change; illegal admin transitions are 409 (C.8-68, C.10-91, C.11-99)', async () => {
    const id = await activated();
    expect((await call('POST', `/api/admin/subscriptions/${id}/reinstate`, 'operator')).status).toBe(409);
    expect((await call('POST', `/api/admin/subscriptions/${id}/suspend`, 'contoso')).status).toBe(403);
    await call('POST', `/api/admin/subscriptions/${id}/suspend`, 'operator');
    const reinstate = await call('POST', `/api/admin/subscriptions/${id}/reinstate`, 'operator');
    const opId = String(reinstate.json['id']);
    expect((await webhookFor(opId)).body).toMatchObject({ action: 'Reinstate', status: 'InProgress' });
    expect((await call('GET', sub(id))).json['saasSubscriptionStatus']).toBe('Suspended');
    await call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Success' } });
    expect((await call('GET', sub(id))).json['saasSubscriptionStatus']).toBe('Subscribed');

    const del = await call('DELETE', sub(id));
    expect(del.status).toBe(202);
    const cancelOp = del.headers.get('operation-id') ?? '';
    expect((await call('GET', sub(id))).json['saasSubscriptionStatus']).toBe('Unsubscribed');
    expect((await webhookFor(cancelOp)).body).toMatchObject({ action: 'Unsubscribe', status: 'Success' });
    expect((await call('PATCH', sub(id, `/operations/${cancelOp}`), 'contoso', { body: { status: 'Success' } })).status).toBe(409);
    expect((await call('DELETE', sub(id))).json['code']).toBe('InvalidSubscriptionStatus');
    expect((await call('POST', sub(id, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).status).toBe(404);
  });

  it('a pending subscription cancels without a webhook; flat-rate has no quantity (C.8-69, C.2-18)', async () => {
    const flat = await purchase('basic', null, 'offer2');
    const resolved = await call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': flat.purchaseToken },
    });
    expect(resolved.json['quantity']).toBeUndefined();
    const del = await call('DELETE', sub(flat.subscriptionId));
    expect(del.status).toBe(202);
    const opId = del.headers.get('operation-id') ?? '';
    const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${flat.subscriptionId}`);
    expect(d.json['deliveries']).toEqual([]);
    expect((await call('GET', sub(flat.subscriptionId, `/operations/${opId}`))).json).toMatchObject({
      action: 'Unsubscribe',
      status: 'Succeeded',
    });
  });

  it('lists the publisher’s subscriptions (contract), lists available plans with a planId filter (C.4, C.5)', async () => {
    const id = await activated();
    const list = await call('GET', `/api/saas/subscriptions?${V}`);
    expect(list.status).toBe(200);
    contract('get', '/saas/subscriptions/', 200, list.json);
    expect((list.json['subscriptions'] as { id: string }[]).some((s) => s.id === id)).toBe(true);
    expect((await call('GET', `/api/saas/subscriptions?continuationToken=zzz&${V}`)).json['code']).toBe('InvalidContinuationToken');
    expect((await call('GET', `/api/saas/subscriptions?${V}`, 'fabrikam')).json).toEqual({ subscriptions: [] });
    const plans = await call('GET', sub(id, '/listAvailablePlans'));
    contract('get', '/saas/subscriptions/{subscriptionId}/listAvailablePlans', 200, plans.json);
    expect((plans.json['plans'] as { planId: string }[]).map((p) => p.planId)).toEqual(['silver', 'gold']);
    // Every field of the contract's Plan that the live plan has data for (issue 23).
    expect((plans.json['plans'] as unknown[])[0]).toEqual({
      planId: 'silver',
      displayName: 'Silver',
      description: 'Silver per seat',
      isPrivate: false,
      isStopSell: false,
      isPricePerSeat: true,
      minQuantity: 1,
      maxQuantity: 50,
      hasFreeTrials: false,
      market: 'US',
      planComponents: {
        recurrentBillingTerms: [
          { currency: 'USD', price: 10, termUnit: 'P1M', termDescription: '1 month' },
          { currency: 'USD', price: 100, termUnit: 'P1Y', termDescription: '1 year' },
        ],
        meteringDimensions: [],
      },
    });
    const filtered = await call('GET', `/api/saas/subscriptions/${id}/listAvailablePlans?planId=gold&${V}`);
    expect((filtered.json['plans'] as { planId: string }[]).map((p) => p.planId)).toEqual(['gold']);
  });

  it('storefront: "Configure account" mints a fresh token that resolves; the customer cancels (Unsubscribe webhook) (C.2-14, A2 row 23)', async () => {
    const id = await activated();
    const fresh = await call('POST', `/api/storefront/subscriptions/${id}/token`, 'customer');
    expect(fresh.status).toBe(200);
    const resolved = await call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': String(fresh.json['purchaseToken']) },
    });
    expect(resolved.json).toMatchObject({ id, subscription: { saasSubscriptionStatus: 'Subscribed' } });
    const cancel = await call('POST', `/api/storefront/subscriptions/${id}/cancel`, 'customer');
    expect(cancel.json).toMatchObject({ action: 'Unsubscribe', status: 'Succeeded' });
    expect((await webhookFor(String(cancel.json['id']))).body).toMatchObject({ action: 'Unsubscribe', status: 'Success' });
    expect((await call('POST', `/api/storefront/subscriptions/${id}/cancel`, 'customer')).status).toBe(409);
  });

  it('storefront: customers of other tenants cannot see or change a subscription; autoRenew toggles (C.11-97)', async () => {
    const id = await activated();
    expect((await call('PATCH', `/api/storefront/subscriptions/${id}`, 'customer', { body: { autoRenew: false } })).json['autoRenew']).toBe(
      false,
    );
    expect((await call('GET', sub(id))).json['autoRenew']).toBe(false);
    const other = await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, customerRequest('elsewhere', 'u9'));
    const res = await fetch(`${h.host.url}/api/storefront/subscriptions/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}` },
    });
    expect(res.status).toBe(404);
    expect((await call('POST', `/api/storefront/subscriptions/${id}/cancel`, 'contoso')).status).toBe(403);
    const bad = await call('POST', '/api/storefront/purchases', 'customer', {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', termUnit: 'P2M' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('termUnit');
  });
});
