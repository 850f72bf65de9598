/**
 * Durable webhook delivery through the built host (decision 0411, spec C.10-87/88/89 and issue 5 "survives a host
 * restart"): a loopback sink plays the ISV with a per-subscription answer plan; the project clock is advanced
 * instead of sleeping, and results are polled with a deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durableApi, systemKey } from '../durable/api';
import { startTestHost } from '../fixtures/host';
import { startSaasHarness, until, V, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { offer1 } from '../integration/saas/fixture';

let h: SaasHarness;
/** What the sink answers per subscription: a queue of statuses (then 200), or one status forever. */
const plans = new Map<string, number[] | { always: number }>();
const CUSTOMER: Who = { customer: ['tb', 'ub'] };

beforeAll(async () => {
  // Short durable leases: the restart test's second host takes the crashed host's partitions over quickly.
  h = await startSaasHarness(
    { LOCAL_DURABLE_LEASE_SECONDS: '2' },
    {
      answer: (body) => {
        const plan = plans.get(String(body['subscriptionId']));
        return !plan ? 200 : Array.isArray(plan) ? (plan.shift() ?? 200) : plan.always;
      },
    },
  );
  expect(
    (await h.call('PUT', `/api/publishers/contoso/offers/offer1?api-version=2017-10-31`, 'contoso', { body: offer1(h.sinkUrl) })).status,
  ).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

interface Delivery {
  id: string;
  state: string;
  attempts: { attempt: number; status: number | null }[];
}

async function delivery(subscriptionId: string, opId: string): Promise<Delivery | undefined> {
  const d = await h.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${subscriptionId}`, 'contoso');
  return (d.json['deliveries'] as Delivery[]).find((x) => x.id === opId);
}

/** The delivery orchestration's status through the Durable HTTP API of the host (with the host's system key). */
async function orchestration(instanceId: string): Promise<{ runtimeStatus: string; output: unknown } | undefined> {
  const res = await durableApi(h.host.url, systemKey(h.env)).status(instanceId);
  return res.status === 404 ? undefined : ((await res.json()) as { runtimeStatus: string; output: unknown });
}

async function activated(): Promise<string> {
  const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
    body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M' },
  });
  expect(bought.status).toBe(201);
  const id = String(bought.json['subscriptionId']);
  expect(
    (await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { body: { planId: 'silver', quantity: 20 } })).status,
  ).toBe(200);
  return id;
}

const subscription = async (id: string) => (await h.call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json;
const operation = async (id: string, opId: string) =>
  (await h.call('GET', `/api/saas/subscriptions/${id}/operations/${opId}?${V}`, 'contoso')).json;

describe('durable webhook delivery', () => {
  it('500, 500, then 200: exactly three attempts and none after the 200 (C.10-87)', async () => {
    const id = await activated();
    plans.set(id, [500, 500]);
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } });
    const opId = String(change.json['id']);
    const done = await until('delivered', async () => {
      const d = await delivery(id, opId);
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(done.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    // The orchestration has finished its work (ACK window included): nothing can send again.
    await h.advance('PT1H');
    const finished = await until('orchestration completed', async () => {
      const o = await orchestration(`saas-webhook-${opId}`);
      return o?.runtimeStatus === 'Completed' ? o : undefined;
    });
    expect(finished.output).toBe('delivered');
    expect((await delivery(id, opId))?.attempts).toHaveLength(3);
    expect(h.received.filter((r) => r.body['id'] === opId)).toHaveLength(3);
    expect((await subscription(id))['planId']).toBe('gold'); // the ACK window closed without an answer
  }, 60_000);

  it('400, then 200: a 4xx is retried and the ACK window starts only at the 200 (C.10-89)', async () => {
    const id = await activated();
    plans.set(id, [400]);
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changeQuantity`, CUSTOMER, { body: { quantity: 30 } });
    const opId = String(change.json['id']);
    await until('first attempt rejected', async () => ((await delivery(id, opId))?.attempts.length ? true : undefined));
    // Had the 400 started the window, it would close during this jump; the retry (due within it) gets the 200.
    await h.advance('PT30S');
    const done = await until('delivered', async () => {
      const d = await delivery(id, opId);
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(done.attempts.map((a) => a.status)).toEqual([400, 200]);
    expect((await operation(id, opId))['status']).toBe('InProgress'); // window open: 10 s from the 200
    await h.advance('PT11S');
    await until('the window closed', async () => ((await operation(id, opId))['status'] === 'Succeeded' ? true : undefined));
    expect((await subscription(id))['quantity']).toBe(30);
  }, 60_000);

  it('never accepted: 8 h of 503 are exactly 500 attempts, then the change fails and the plan stays (C.10-88)', async () => {
    const id = await activated();
    plans.set(id, { always: 503 });
    const change = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } });
    const opId = String(change.json['id']);
    await until('first attempt', async () => ((await delivery(id, opId))?.attempts.length ? true : undefined));
    await h.advance('PT8H');
    const failed = await until(
      'the operation failed',
      async () => {
        const op = await operation(id, opId);
        return op['status'] === 'Failed' ? op : undefined;
      },
      55_000,
    );
    expect(failed['errorStatusCode']).toBe('WebhookDeliveryFailed');
    const d = await until('delivery failed', async () => {
      const x = await delivery(id, opId);
      return x?.state === 'failed' ? x : undefined;
    });
    expect(d.attempts).toHaveLength(500);
    expect(new Set(d.attempts.map((a) => a.status))).toEqual(new Set([503]));
    expect((await subscription(id))['planId']).toBe('silver');
  }, 90_000);

  it('a host killed between the commit and the orchestration start still delivers, and the ACK window closes', async () => {
    const id = await activated();
    await h.host.stop();
    const crashing = await startTestHost({ ...h.env, CRASH_AT: 'saas.webhook.before-handoff' });
    h.host = crashing;
    // The change commits, then the host dies before it can start the delivery: the request gets no answer.
    await expect(
      h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } }),
    ).rejects.toThrow();
    await crashing.exited;
    expect(crashing.output()).toContain('CRASH_AT saas.webhook.before-handoff');
    h.host = await startTestHost(h.env);
    const ops = (await h.call('GET', `/api/saas/subscriptions/${id}/operations?${V}`, 'contoso')).json['operations'] as { id: string }[];
    expect(ops).toHaveLength(1);
    const opId = ops[0]?.id ?? '';
    await until('the webhook after the restart', async () => h.received.find((r) => r.body['id'] === opId));
    await until('delivered', async () => ((await delivery(id, opId))?.state === 'delivered' ? true : undefined));
    expect((await subscription(id))['planId']).toBe('silver');
    await h.advance('PT11S');
    await until('plan gold', async () => ((await subscription(id))['planId'] === 'gold' ? true : undefined));
  }, 90_000);
});
