/**
 * Webhook delivery activities and the due index against Azurite, with a fake ISV (the outbound client replaced,
 * fakes over mocks). The orchestration around the activities is tested in test/unit/saas and test/e2e.
 */
import { describe, expect, it } from 'vitest';
import type { OutboundClient, OutboundRequest, OutboundResult } from '../../../shared/outbound/client';
import { saasUseCases } from '../../../shared/saas/composition';
import type { DeliveryRef } from '../../../shared/saas/rules/delivery';
import { SaasCore } from '../../../shared/saas/service/internal';
import { WebhookDelivery } from '../../../shared/saas/service/webhook-delivery';
import { TableDueIndex, withDueIndex } from '../../../shared/saas/store/due-index';
import { TableSubscriptionStore } from '../../../shared/saas/store/table';
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

async function setup(statuses: number[] = [], options: { graceMs?: number } = {}) {
  const c = testCatalog();
  const offer = offer1();
  await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
  await c.offers.freeze(operator, 'contoso', offer.id, null);
  const table = new TableSubscriptionStore(
    () => c.storage.table('SaasSubscriptions'),
    () => c.storage.table('SaasIndex'),
  );
  const index = new TableDueIndex(() => c.storage.table('SaasDue'), { graceMs: options.graceMs ?? 30_000 });
  const store = withDueIndex(table, index);
  const core = new SaasCore({
    store,
    catalog: c.reader,
    clock: c.clock,
    faults: { reach: async () => undefined },
    settings: { purchaseTokenTtlMs: 86_400_000, ackWindowMs: 10_000 },
  });
  const service = saasUseCases(core);
  const isv = fakeIsv(statuses);
  const delivery = new WebhookDelivery({ core, client: isv.client, bearerFor: async ({ appId }) => `token-for-${appId}` });
  const bought = await service.storefront.purchase({
    publisherId: 'contoso',
    offerId: 'offer1',
    planId: 'silver',
    quantity: 20,
    termUnit: 'P1M',
    purchaser: identity(TB, 'ub'),
  });
  await service.fulfillment.activate('contoso', bought.subscription.id, { planId: 'silver', quantity: 20 });
  return { c, store, table, index, service, delivery, isv, id: bought.subscription.id };
}

const refOf = (operationId: string, generation = 0): DeliveryRef => ({ publisherId: 'contoso', operationId, generation });

describe('webhook delivery activities (integration)', () => {
  it('every attempt is recorded; exhausted retries fail a customer change and leave the subscription unchanged [DEC-A29]', async () => {
    const { service, delivery, isv, id, store } = await setup([503, 503, 400]);
    const op = await service.changes.change('contoso', id, { planId: 'gold' }, 'Marketplace');
    for (let i = 0; i < 3; i += 1) expect(await delivery.attempt(refOf(op.id), null)).toEqual({ kind: 'rejected' });
    expect(await delivery.settle(refOf(op.id), 'failed', new Date().toISOString())).toBeNull();
    expect(isv.calls[0]?.headers['x-ms-idempotency-key']).toBe(op.id);
    expect(isv.calls[0]?.headers['authorization']).toBe('Bearer token-for-8d5b8a4e-3c0f-4c57-9a3e-6f1f0d2b9c11');
    expect((await service.fulfillment.getOperation('contoso', id, op.id)).value).toMatchObject({
      status: 'Failed',
      errorStatusCode: 'WebhookDeliveryFailed',
    });
    expect(await service.fulfillment.get('contoso', id)).toMatchObject({ planId: 'silver' });
    expect((await store.listAttempts('contoso', op.id)).map((a) => [a.attempt, a.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 400],
    ]);
    expect((await store.getOutbox('contoso', op.id))?.value.state).toBe('failed');
    // The lock is released: the customer can try again.
    expect((await service.changes.change('contoso', id, { planId: 'gold' }, 'Marketplace')).status).toBe('InProgress');
  });

  it('the accepted attempt starts the ACK window at its time and returns the deadline to wait for (C.10-89)', async () => {
    const { c, service, delivery, id } = await setup([400]);
    const op = await service.changes.change('contoso', id, { quantity: 30 }, 'Marketplace');
    expect(await delivery.attempt(refOf(op.id), null)).toEqual({ kind: 'rejected' });
    c.clock.advance(30_000);
    const accepted = await delivery.attempt(refOf(op.id), null);
    expect(accepted.kind).toBe('accepted');
    const at = accepted.kind === 'accepted' ? accepted.at : '';
    expect(await delivery.settle(refOf(op.id), 'delivered', at)).toBe(new Date(Date.parse(at) + 10_000).toISOString());
    c.clock.advance(10_000);
    await delivery.ackTimeout(refOf(op.id));
    expect((await service.fulfillment.get('contoso', id)).quantity).toBe(30);
  });

  it('a redelivery is a new generation: the old one stops, the new one sends, attempt numbers continue', async () => {
    const { service, delivery, isv, id, store } = await setup([200, 200]);
    const op = await service.billing.suspend(id);
    expect((await delivery.attempt(refOf(op.id), null)).kind).toBe('accepted');
    await delivery.settle(refOf(op.id), 'delivered', new Date().toISOString());
    expect(await delivery.attempt(refOf(op.id), null)).toEqual({ kind: 'stop' }); // delivered: nothing owed
    const row = await delivery.redeliver('contoso', op.id);
    expect(row).toMatchObject({ state: 'pending', generation: 1 });
    expect(await delivery.attempt(refOf(op.id, 0), null)).toEqual({ kind: 'stop' });
    expect((await delivery.attempt(refOf(op.id, 1), null)).kind).toBe('accepted');
    expect(isv.calls).toHaveLength(2);
    expect((await store.listAttempts('contoso', op.id)).map((a) => a.attempt)).toEqual([1, 2]);
  });
});

describe('due index (integration)', () => {
  it('lists what is due from the index: term ends, ACK deadlines and owed webhooks, not what is done or later', async () => {
    const { c, service, store, id } = await setup();
    expect(await store.listDue(c.clock.now())).toEqual([]);
    const op = await service.changes.change('contoso', id, { quantity: 25 }, 'Publisher'); // window from now; webhook owed now
    const due = await store.listDue(new Date(c.clock.now().getTime() + 10_000));
    expect(due.map((d) => d.kind).sort()).toEqual(['operation', 'outbox']);
    await service.dueWork.runDueTimers(); // the ISV's own change completes by itself (issue 23)
    expect((await service.fulfillment.getOperation('contoso', id, op.id)).value.status).toBe('Succeeded');
    expect((await store.listDue(new Date(c.clock.now().getTime() + 10_000))).map((d) => d.kind)).toEqual(['outbox']);
    c.clock.advance(40 * 86_400_000);
    expect((await store.listDue(c.clock.now())).filter((d) => d.kind === 'subscription').map((d) => d.id)).toEqual([id]);
    await service.dueWork.runDueTimers(); // renews: the next term end is later
    expect((await service.fulfillment.get('contoso', id)).termIndex).toBe(1);
    expect((await store.listDue(c.clock.now())).filter((d) => d.kind === 'subscription')).toEqual([]);
  });

  it('an entry read between its upsert and its commit is kept (grace), so the committed row is found', async () => {
    // Control: with no grace (every entry "old"), the same interleaving deletes the entry and loses the due row;
    // this is what a reader that trusts the row it read (read-then-delete without the grace) would do.
    for (const graceMs of [30_000, 0]) {
      const { c, index, store, table, id } = await setup([], { graceMs });
      const sub = (await table.getSubscription('contoso', id))!;
      const now = c.clock.now().getTime();
      const suspended = { ...sub.value, status: 'Suspended' as const, suspendedAt: new Date(now - 29 * 86_400_000).toISOString() };
      const endOfGrace = new Date(now + 86_400_000); // before the term ends: only the suspension makes it due
      // The writer has upserted its entry but not committed yet; the reader runs now.
      await index.add([{ kind: 'subscription', publisherId: 'contoso', id, dueAt: endOfGrace.toISOString() }]);
      expect(await store.listDue(endOfGrace)).toEqual([]); // the row is not due (yet)
      expect(await table.commit('contoso', [{ kind: 'subscription', value: suspended, etag: sub.etag }])).toBe('ok');
      const found = (await store.listDue(endOfGrace)).map((d) => d.id);
      expect(found).toEqual(graceMs === 0 ? [] : [id]);
    }
  });
});
