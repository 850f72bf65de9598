/**
 * Decision 0006 over HTTP: local mode calls a localhost webhook sink without any setting (the examples test shows
 * that), and an explicit OUTBOUND_ALLOW_LOOPBACK=false still refuses it: the attempt is recorded as refused and
 * the sink never hears from the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSaasHarness, until, V, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { offer1 } from '../integration/saas/fixture';

let h: SaasHarness;
const CUSTOMER: Who = { customer: ['tb', 'ub'] };

beforeAll(async () => {
  h = await startSaasHarness({ OUTBOUND_ALLOW_LOOPBACK: 'false' });
  const put = await h.call('PUT', '/api/publishers/contoso/offers/offer1?api-version=2017-10-31', 'contoso', { body: offer1(h.sinkUrl) });
  expect(put.status).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

interface Attempt {
  outcome: string;
  status: number | null;
  excerpt: string;
}

describe('OUTBOUND_ALLOW_LOOPBACK=false in local mode', () => {
  it('records the webhook to a loopback sink as refused and sends nothing', async () => {
    const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M' },
    });
    expect(bought.status).toBe(201);
    const id = String(bought.json['subscriptionId']);
    const activate = await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', {
      body: { planId: 'silver', quantity: 20 },
    });
    expect(activate.status).toBe(200);
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } });
    expect(change.status).toBe(200);
    const opId = String(change.json['id']);
    const attempt = await until('a refused attempt', async () => {
      const list = await h.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`, 'contoso');
      const deliveries = list.json['deliveries'] as { id: string; attempts: Attempt[] }[];
      return deliveries.find((d) => d.id === opId)?.attempts[0];
    });
    expect(attempt).toMatchObject({
      outcome: 'refused',
      status: null,
      excerpt: expect.stringMatching(/loopback address.*OUTBOUND_ALLOW_LOOPBACK/),
    });
    expect(h.received).toEqual([]);
  });
});
