/** The webhook outbox against Azurite with a fake ISV (the outbound client replaced, fakes over mocks). */
import { describe, expect, it } from 'vitest';
import type { OutboundClient, OutboundRequest, OutboundResult } from '../../../shared/http/outbound';
import { WebhookDispatcher } from '../../../shared/saas/outbox';
import { SaasService } from '../../../shared/saas/service';
import { TableSubscriptionStore } from '../../../shared/saas/store';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { identity, offer1, TB } from './fixture';

function fakeIsv(statuses: number[]) {
  const calls: OutboundRequest[] = [];
  const client = {
    postJson: async (request: OutboundRequest): Promise<OutboundResult> => {
      calls.push(request);
      return { kind: 'response', status: statuses.shift() ?? 200, excerpt: '', durationMs: 1 };
    },
  } as unknown as OutboundClient;
  return { client, calls };
}

async function setup(statuses: number[], maxAttempts = 3) {
  const c = testCatalog();
  const offer = offer1();
  await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
  await c.offers.freeze(operator, 'contoso', offer.id, null);
  const store = new TableSubscriptionStore(
    () => c.storage.table('SaasSubscriptions'),
    () => c.storage.table('SaasIndex'),
  );
  const service = new SaasService({
    store,
    catalog: c.reader,
    clock: c.clock,
    faults: { reach: async () => undefined },
    settings: { purchaseTokenTtlMs: 86_400_000, ackWindowMs: 10_000 },
  });
  const isv = fakeIsv(statuses);
  const dispatcher = new WebhookDispatcher({
    store,
    service,
    catalog: c.reader,
    client: isv.client,
    clock: c.clock,
    bearerFor: async (aud) => `token-for-${aud}`,
    retryPeriodMs: 8 * 3600_000,
    maxAttempts,
  });
  const bought = await service.purchase({
    publisherId: 'contoso',
    offerId: 'offer1',
    planId: 'silver',
    quantity: 20,
    termUnit: 'P1M',
    purchaser: identity(TB, 'ub'),
  });
  await service.activate('contoso', bought.subscription.id, { planId: 'silver', quantity: 20 });
  return { c, store, service, dispatcher, isv, id: bought.subscription.id };
}

describe('webhook outbox (integration)', () => {
  it('a customer change whose webhook is never accepted fails and leaves the subscription unchanged [DEC-A29]', async () => {
    const { c, service, dispatcher, isv, id, store } = await setup([503, 503, 400]);
    const op = await service.change('contoso', id, { planId: 'gold' }, 'Marketplace');
    for (let i = 0; i < 5; i += 1) {
      await dispatcher.runDue();
      c.clock.advance(60_000);
    }
    expect(isv.calls).toHaveLength(3);
    expect(isv.calls[0]?.headers['x-ms-idempotency-key']).toBe(op.id);
    expect(isv.calls[0]?.headers['authorization']).toBe('Bearer token-for-8d5b8a4e-3c0f-4c57-9a3e-6f1f0d2b9c11');
    expect((await service.getOperation('contoso', id, op.id)).value).toMatchObject({
      status: 'Failed',
      errorStatusCode: 'WebhookDeliveryFailed',
    });
    expect(await service.get('contoso', id)).toMatchObject({ planId: 'silver' });
    expect((await store.listAttempts('contoso', op.id)).map((a) => a.status)).toEqual([503, 503, 400]);
    // The lock is released: the customer can try again.
    expect((await service.change('contoso', id, { planId: 'gold' }, 'Marketplace')).status).toBe('InProgress');
  });

  it('two dispatchers racing for the same due row make one attempt (the claim is an If-Match write)', async () => {
    const { service, dispatcher, isv, id } = await setup([]);
    await service.suspend(id);
    const results = await Promise.all([dispatcher.runDue(), dispatcher.runDue()]);
    expect(results.reduce((n, r) => n + r.attempts, 0)).toBe(1);
    expect(isv.calls).toHaveLength(1);
    expect(isv.calls[0]?.body).toMatchObject({ action: 'Suspend', status: 'Success' });
  });

  it('the ACK window of a customer change starts only when the webhook is accepted (C.10-89)', async () => {
    const { c, service, dispatcher, id } = await setup([400]);
    await service.change('contoso', id, { quantity: 30 }, 'Marketplace');
    await dispatcher.runDue(); // 400: not accepted, no window
    c.clock.advance(30_000);
    await service.runDueTimers();
    expect((await service.get('contoso', id)).quantity).toBe(20);
    await dispatcher.runDue(); // 200: the window starts now
    c.clock.advance(9_000);
    await dispatcher.runDue();
    expect((await service.get('contoso', id)).quantity).toBe(20);
    c.clock.advance(1_000);
    await dispatcher.runDue();
    expect((await service.get('contoso', id)).quantity).toBe(30);
  });
});
