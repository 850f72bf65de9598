/**
 * The capabilities together, as an ISV meets them: an offer with metered dimensions is frozen, a customer buys
 * it, the ISV activates the subscription, and usage against it is accepted once per hour and dimension; after
 * the subscription is cancelled, usage for later hours is refused (metering reads the SaaS subscription store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { saasOffer } from '../fixtures/offers';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

let host: TestHost;
let keyFile: string;

beforeAll(async () => {
  const env = testEnv({ OUTBOUND_ALLOW_LOOPBACK: 'true' });
  keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
  host = await startTestHost(env);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

async function call(method: string, path: string, who: 'publisher' | 'customer' | 'operator', body?: unknown) {
  const request = who === 'operator' ? operatorRequest() : who === 'customer' ? customerRequest('tm', 'um') : publisherRequest('contoso');
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(keyFile, request)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('catalog → SaaS → metering', () => {
  it('meters usage against a purchased, activated subscription, and refuses it after cancellation', async () => {
    const offer = saasOffer('metered-cns', 'contoso');
    expect((await call('PUT', '/api/publishers/contoso/offers/metered-cns?api-version=2017-10-31', 'publisher', offer)).status).toBe(201);
    expect((await call('POST', '/api/admin/offers/contoso/metered-cns/freeze', 'operator')).status).toBe(201);

    const bought = await call('POST', '/api/storefront/purchases', 'customer', {
      publisherId: 'contoso',
      offerId: 'metered-cns',
      planId: 'basic',
      termUnit: 'P1M',
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const subscriptionId = String(bought.json['subscriptionId']);
    const beforeActivation = Date.now();
    const activate = await call('POST', `/api/saas/subscriptions/${subscriptionId}/activate?api-version=2018-08-31`, 'publisher', {
      planId: 'basic',
    });
    expect(activate.status, JSON.stringify(activate.json)).toBe(200);

    // Usage is accepted from the hour of activation on (decision 0311): the start of the current hour, which is
    // that hour or a later one, and never in the future. (This used to be the previous hour, before activation.)
    const hour = new Date().toISOString().slice(0, 13) + ':00:00Z';
    const event = { resourceId: subscriptionId, quantity: 12.5, dimension: 'email', effectiveStartTime: hour, planId: 'basic' };
    const first = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', event);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({
      status: 'Accepted',
      resourceId: subscriptionId,
      dimension: 'email',
      planId: 'basic',
      quantity: 12.5,
    });

    // The hour before the one the subscription was activated in has nothing to bill (decision 0311).
    const early = new Date(Math.floor(beforeActivation / 3600_000) * 3600_000 - 1).toISOString();
    const before = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', { ...event, effectiveStartTime: early });
    expect(before.status, JSON.stringify(before.json)).toBe(400);
    expect(before.json).toMatchObject({ code: 'BadArgument', details: [{ code: 'ResourceNotActive', target: 'ResourceId' }] });

    const again = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', { ...event, quantity: 3 });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ additionalInfo: { acceptedMessage: { usageEventId: first.json['usageEventId'], quantity: 12.5 } } });

    const wrongPlan = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', {
      ...event,
      dimension: 'text',
      planId: 'enterprise',
    });
    expect(wrongPlan.status).toBe(400);

    expect((await call('DELETE', `/api/saas/subscriptions/${subscriptionId}?api-version=2018-08-31`, 'publisher')).status).toBe(202);
    const deadline = Date.now() + 15_000;
    let status = '';
    while (status !== 'Unsubscribed' && Date.now() < deadline) {
      const got = await call('GET', `/api/saas/subscriptions/${subscriptionId}?api-version=2018-08-31`, 'publisher');
      status = String(got.json['saasSubscriptionStatus']);
      if (status !== 'Unsubscribed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('Unsubscribed');
    // Seen at once: metering reads the SaaS store, whose cache every write in the process invalidates.
    const later = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', {
      ...event,
      dimension: 'text',
      effectiveStartTime: new Date().toISOString(),
    });
    expect(later.json).toMatchObject({ code: 'BadArgument', details: [{ code: 'ResourceNotActive' }] });
    expect(later.status).toBe(400);
  });
});
