/**
 * Durability of the SaaS outbox and timers across a host restart (issue 5, "Rules that must hold"): a webhook that
 * could not be delivered before the restart is delivered by the next host, its ACK window still closes, and term
 * ends renew on the project clock (no sleeping: the clock is advanced and results polled with a deadline).
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
let accepting = false;
const received: Record<string, unknown>[] = [];
/** How far the test has moved the host's clock, so tokens are minted for the host's "now". */
let offsetMs = 0;

beforeAll(async () => {
  sink = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (accepting) received.push(JSON.parse(text) as Record<string, unknown>);
      res.statusCode = accepting ? 200 : 503;
      res.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/webhook`;
  // Short durable leases: after the SIGKILL the next host takes the delivery orchestrations over within seconds.
  env = testEnv({ OUTBOUND_ALLOW_LOOPBACK: 'true', LOCAL_DURABLE_LEASE_SECONDS: '2' });
  host = await startTestHost(env);
  const offer = offer1(sinkUrl);
  expect((await call('PUT', `/api/publishers/contoso/offers/offer1?api-version=2017-10-31`, 'contoso', offer)).status).toBe(201);
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

async function activated(): Promise<string> {
  const bought = await call('POST', '/api/storefront/purchases', 'customer', {
    publisherId: 'contoso',
    offerId: 'offer1',
    planId: 'silver',
    quantity: 20,
    termUnit: 'P1M',
  });
  const id = String(bought.json['subscriptionId']);
  expect((await call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { planId: 'silver', quantity: 20 })).status).toBe(
    200,
  );
  return id;
}

describe('SaaS across a host restart', () => {
  it('a webhook pending at shutdown is delivered by the next host, and its ACK window still closes', async () => {
    const id = await activated();
    const change = await call('POST', `/api/storefront/subscriptions/${id}/changePlan`, 'customer', { planId: 'gold' });
    const opId = String(change.json['id']);
    await until('a failed attempt', async () => {
      const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`, 'contoso');
      const row = (d.json['deliveries'] as { attempts: unknown[] }[])[0];
      return row && row.attempts.length > 0 ? true : undefined;
    });
    await host.stop('SIGKILL'); // no clean shutdown: only what was stored survives
    accepting = true;
    host = await startTestHost(env);
    await until('delivery after restart', async () => received.find((b) => b['id'] === opId));
    await until('delivered', async () => {
      const d = await call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`, 'contoso');
      return (d.json['deliveries'] as { state: string }[])[0]?.state === 'delivered' ? true : undefined;
    });
    expect((await call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json['planId']).toBe('silver');
    await advance('PT11S', 11_000);
    await until('plan gold', async () =>
      (await call('GET', `/api/saas/subscriptions/${id}?${V}`, 'contoso')).json['planId'] === 'gold' ? true : undefined,
    );
  }, 90_000);

  it('term end renews an autoRenew subscription (Renew webhook, next term) and ends one without (C.10-93, C.11-97)', async () => {
    const renewing = await activated();
    const ending = await activated();
    expect((await call('PATCH', `/api/storefront/subscriptions/${ending}`, 'customer', { autoRenew: false })).status).toBe(200);
    const before = (await call('GET', `/api/saas/subscriptions/${renewing}?${V}`, 'contoso')).json['term'] as { endDate: string };
    await advance('P32D', 32 * 86_400_000);
    const renew = await until('Renew webhook', async () =>
      received.find((b) => b['subscriptionId'] === renewing && b['action'] === 'Renew'),
    );
    expect(renew['status']).toBe('Success');
    const after = (await call('GET', `/api/saas/subscriptions/${renewing}?${V}`, 'contoso')).json;
    const nextStart = new Date(Date.parse(before.endDate) + 86_400_000).toISOString().replace('.000', '');
    expect(after).toMatchObject({ saasSubscriptionStatus: 'Subscribed', term: { startDate: nextStart } });
    await until('Unsubscribe webhook', async () => received.find((b) => b['subscriptionId'] === ending && b['action'] === 'Unsubscribe'));
    expect((await call('GET', `/api/saas/subscriptions/${ending}?${V}`, 'contoso')).json['saasSubscriptionStatus']).toBe('Unsubscribed');
    expect(received.some((b) => b['subscriptionId'] === ending && b['action'] === 'Renew')).toBe(false);
  }, 90_000);
});
