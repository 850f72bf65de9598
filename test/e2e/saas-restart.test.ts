/**
 * Durability of the SaaS outbox and timers across a host restart (issue 5, "Rules that must hold"): a webhook that
 * could not be delivered before the restart is delivered by the next host, its ACK window still closes, and term
 * ends renew on the project clock (no sleeping: the clock is advanced and results polled with a deadline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../fixtures/host';
import { startSaasHarness, until, V, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { offer1 } from '../integration/saas/fixture';

let h: SaasHarness;
let accepting = false;
const CUSTOMER: Who = { customer: ['tb', 'ub'] };

beforeAll(async () => {
  // Short durable leases: after the SIGKILL the next host takes the delivery orchestrations over within seconds.
  h = await startSaasHarness({ LOCAL_DURABLE_LEASE_SECONDS: '2' }, { answer: () => (accepting ? 200 : 503) });
  const offer = offer1(h.sinkUrl);
  expect((await h.call('PUT', `/api/publishers/contoso/offers/offer1?api-version=2017-10-31`, 'contoso', { body: offer })).status).toBe(
    201,
  );
  expect((await h.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/** The webhook bodies the sink accepted (the refused ones before the restart do not count). */
const received = () => h.received.filter((r) => r.status === 200).map((r) => r.body);

async function activated(): Promise<string> {
  const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
    body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M' },
  });
  const id = String(bought.json['subscriptionId']);
  expect(
    (await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { body: { planId: 'silver', quantity: 20 } })).status,
  ).toBe(200);
  return id;
}

describe('SaaS across a host restart', () => {
  it('a webhook pending at shutdown is delivered by the next host, and its ACK window still closes', async () => {
    const id = await activated();
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } });
    const opId = String(change.json['id']);
    await until('a failed attempt', async () => {
      const d = await h.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`, 'contoso');
      const row = (d.json['deliveries'] as { attempts: unknown[] }[])[0];
      return row && row.attempts.length > 0 ? true : undefined;
    });
    await h.host.stop('SIGKILL'); // no clean shutdown: only what was stored survives
    accepting = true;
    h.host = await startTestHost(h.env);
    await until('delivery after restart', async () => received().find((b) => b['id'] === opId));
    await until('delivered', async () => {
      const d = await h.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`, 'contoso');
      return (d.json['deliveries'] as { state: string }[])[0]?.state === 'delivered' ? true : undefined;
    });
    expect((await h.call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json['planId']).toBe('silver');
    await h.advance('PT11S');
    await until('plan gold', async () =>
      (await h.call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json['planId'] === 'gold' ? true : undefined,
    );
  }, 90_000);

  it('term end renews an autoRenew subscription (Renew webhook, next term) and ends one without (C.10-93, C.11-97)', async () => {
    const renewing = await activated();
    const ending = await activated();
    expect((await h.call('PATCH', `/api/storefront/subscriptions/${ending}`, CUSTOMER, { body: { autoRenew: false } })).status).toBe(200);
    const before = (await h.call('GET', `/api/saas/subscriptions/${renewing}?${V}`, 'contoso')).json['term'] as { endDate: string };
    await h.advance('P32D');
    const renew = await until('Renew webhook', async () =>
      received().find((b) => b['subscriptionId'] === renewing && b['action'] === 'Renew'),
    );
    expect(renew['status']).toBe('Success');
    const after = (await h.call('GET', `/api/saas/subscriptions/${renewing}?${V}`, 'contoso')).json;
    const nextStart = new Date(Date.parse(before.endDate) + 86_400_000).toISOString().replace('.000', '');
    expect(after).toMatchObject({ saasSubscriptionStatus: 'Subscribed', term: { startDate: nextStart } });
    await until('Unsubscribe webhook', async () => received().find((b) => b['subscriptionId'] === ending && b['action'] === 'Unsubscribe'));
    expect((await h.call('GET', `/api/saas/subscriptions/${ending}?${V}`, 'contoso')).json['saasSubscriptionStatus']).toBe('Unsubscribed');
    expect(received().some((b) => b['subscriptionId'] === ending && b['action'] === 'Renew')).toBe(false);
  }, 90_000);
});
