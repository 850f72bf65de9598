/**
 * Durable webhook delivery through the built host (decision 0411, spec C.10-87/88/89 and issue 5 "survives a host
 * restart"): a loopback sink plays the ISV with a per-subscription answer plan; the project clock is advanced
 * instead of sleeping, and results are polled with a deadline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';
import { offer1 } from '../integration/saas/fixture';

const V = 'api-version=2018-08-31';
let host: TestHost;
let env: Record<string, string>;
let sink: Server;
let sinkUrl = '';
/** What the sink answers per subscription: a queue of statuses (then 200), or one status forever. */
const plans = new Map<string, number[] | { always: number }>();
const received: Record<string, unknown>[] = [];
/** How far the tests moved the host's clock, so tokens are minted for the host's "now". */
let offsetMs = 0;

beforeAll(async () => {
  sink = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push(body);
      const plan = plans.get(String(body['subscriptionId']));
      res.statusCode = !plan ? 200 : Array.isArray(plan) ? (plan.shift() ?? 200) : plan.always;
      res.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/webhook`;
  // Short durable leases: the restart test's second host takes the crashed host's partitions over quickly.
  env = testEnv({ OUTBOUND_ALLOW_LOOPBACK: 'true', LOCAL_DURABLE_LEASE_SECONDS: '2' });
  host = await startTestHost(env);
  expect((await call('PUT', `/api/publishers/contoso/offers/offer1?api-version=2017-10-31`, 'contoso', offer1(sinkUrl))).status).toBe(201);
  expect((await call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => sink?.close(resolve));
});

async function call(method: string, path: string, who: 'contoso' | 'customer' | 'operator', body?: unknown) {
  const request = who === 'operator' ? operatorRequest() : who === 'customer' ? customerRequest('tb', 'ub') : publisherRequest(who);
  const token = await tokenFor(env['LOCAL_ISSUER_KEY_FILE'] as string, request, { now: new Date(Date.now() + offsetMs) });
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function advance(duration: string, ms: number) {
  expect((await call('PUT', '/api/admin/clock', 'operator', { advance: duration })).status).toBe(200);
  offsetMs += ms;
}

interface Delivery {
  id: string;
  state: string;
  attempts: { attempt: number; status: number | null }[];
}

async function delivery(subscriptionId: string, opId: string): Promise<Delivery | undefined> {
  const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${subscriptionId}`, 'contoso');
  return (d.json['deliveries'] as Delivery[]).find((x) => x.id === opId);
}

/** The delivery orchestration's status through the Durable HTTP API of the host. */
async function orchestration(instanceId: string): Promise<{ runtimeStatus: string; output: unknown } | undefined> {
  const res = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${instanceId}`);
  return res.status === 404 ? undefined : ((await res.json()) as { runtimeStatus: string; output: unknown });
}

async function activated(): Promise<string> {
  const bought = await call('POST', '/api/storefront/purchases', 'customer', {
    publisherId: 'contoso',
    offerId: 'offer1',
    planId: 'silver',
    quantity: 20,
    termUnit: 'P1M',
  });
  expect(bought.status).toBe(201);
  const id = String(bought.json['subscriptionId']);
  expect((await call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { planId: 'silver', quantity: 20 })).status).toBe(
    200,
  );
  return id;
}

const subscription = async (id: string) => (await call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json;
const operation = async (id: string, opId: string) =>
  (await call('GET', `/api/saas/subscriptions/${id}/operations/${opId}?${V}`, 'contoso')).json;

describe('durable webhook delivery', () => {
  it('500, 500, then 200: exactly three attempts and none after the 200 (C.10-87)', async () => {
    const id = await activated();
    plans.set(id, [500, 500]);
    const change = await call('POST', `/api/storefront/subscriptions/${id}/changePlan`, 'customer', { planId: 'gold' });
    const opId = String(change.json['id']);
    const done = await until('delivered', async () => {
      const d = await delivery(id, opId);
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(done.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    // The orchestration has finished its work (ACK window included): nothing can send again.
    await advance('PT1H', 3_600_000);
    const finished = await until('orchestration completed', async () => {
      const o = await orchestration(`saas-webhook-${opId}`);
      return o?.runtimeStatus === 'Completed' ? o : undefined;
    });
    expect(finished.output).toBe('delivered');
    expect((await delivery(id, opId))?.attempts).toHaveLength(3);
    expect(received.filter((b) => b['id'] === opId)).toHaveLength(3);
    expect((await subscription(id))['planId']).toBe('gold'); // the ACK window closed without an answer
  }, 60_000);

  it('400, then 200: a 4xx is retried and the ACK window starts only at the 200 (C.10-89)', async () => {
    const id = await activated();
    plans.set(id, [400]);
    const change = await call('POST', `/api/storefront/subscriptions/${id}/changeQuantity`, 'customer', { quantity: 30 });
    const opId = String(change.json['id']);
    await until('first attempt rejected', async () => ((await delivery(id, opId))?.attempts.length ? true : undefined));
    // Had the 400 started the window, it would close during this jump; the retry (due within it) gets the 200.
    await advance('PT30S', 30_000);
    const done = await until('delivered', async () => {
      const d = await delivery(id, opId);
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(done.attempts.map((a) => a.status)).toEqual([400, 200]);
    expect((await operation(id, opId))['status']).toBe('InProgress'); // window open: 10 s from the 200
    await advance('PT11S', 11_000);
    await until('the window closed', async () => ((await operation(id, opId))['status'] === 'Succeeded' ? true : undefined));
    expect((await subscription(id))['quantity']).toBe(30);
  }, 60_000);

  it('never accepted: 8 h of 503 are exactly 500 attempts, then the change fails and the plan stays (C.10-88)', async () => {
    const id = await activated();
    plans.set(id, { always: 503 });
    const change = await call('POST', `/api/storefront/subscriptions/${id}/changePlan`, 'customer', { planId: 'gold' });
    const opId = String(change.json['id']);
    await until('first attempt', async () => ((await delivery(id, opId))?.attempts.length ? true : undefined));
    await advance('PT8H', 8 * 3_600_000);
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
    await host.stop();
    const crashing = await startTestHost({ ...env, CRASH_AT: 'saas.webhook.before-handoff' });
    host = crashing;
    // The change commits, then the host dies before it can start the delivery: the request gets no answer.
    await expect(call('POST', `/api/storefront/subscriptions/${id}/changePlan`, 'customer', { planId: 'gold' })).rejects.toThrow();
    await crashing.exited;
    expect(crashing.output()).toContain('CRASH_AT saas.webhook.before-handoff');
    host = await startTestHost(env);
    const ops = (await call('GET', `/api/saas/subscriptions/${id}/operations?${V}`, 'contoso')).json['operations'] as { id: string }[];
    expect(ops).toHaveLength(1);
    const opId = ops[0]?.id ?? '';
    await until('the webhook after the restart', async () => received.find((b) => b['id'] === opId));
    await until('delivered', async () => ((await delivery(id, opId))?.state === 'delivered' ? true : undefined));
    expect((await subscription(id))['planId']).toBe('silver');
    await advance('PT11S', 11_000);
    await until('plan gold', async () => ((await subscription(id))['planId'] === 'gold' ? true : undefined));
  }, 90_000);
});
