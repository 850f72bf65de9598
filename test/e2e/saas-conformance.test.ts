/**
 * SaaS fulfillment v2 conformance cases (specs/saas-licensing.md part C) that no other test drove over HTTP:
 * request ids and expired tokens (C.1), resolve after cancellation (C.2-15), activate edge cases (C.3), changes in
 * the wrong status or beyond the plan (C.6, C.7), cancel from Suspended and after cancel (C.8), late and unknown
 * operation answers (C.9), unknown GUIDs everywhere, and list paging with `@nextLink` (C.4-37); and the fields an ISV
 * relies on: resolve and GET bodies field by field (C.2-9, C.4-33), the encoded purchase token (C.2-13), the webhook
 * request as the ISV receives it (C.10-86) and the operation seen during and after it (C.6-45). Against the built
 * host through the SaaS harness; "changes nothing" is checked by GETting the subscription afterwards.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractErrors, contractsAvailable } from '../fixtures/contracts';
import { startSaasHarness, until, V, type Reply, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { publisherRequest, tokenFor } from '../fixtures/tokens';
import { offer1, offer2, TB } from '../integration/saas/fixture';
import { nameGuid } from '../../shared/auth/tokens';

let h: SaasHarness;
/** The buyer: tenant `tb` of the harness, which is not the private audience `TB` of offer1's platinum001 (C.0's TC). */
const CUSTOMER: Who = { customer: ['tb', 'ub'] };
/** fabrikam's own offer, only for the paging case, so the other cases' subscriptions do not change its counts. */
const PAGING_OFFER = 'offer-paging';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A webhook as the ISV's endpoint received it: the harness's sink keeps no method, so the webhook cases use this one. */
interface Hook {
  method: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
const hooks: Hook[] = [];
/** While set, the ISV's endpoint has recorded the call but holds its 200 until this settles (a webhook in flight). */
let hold: Promise<void> | undefined;
let hookSink: Server;
/** offer1 and offer2 again, with the connection webhook on `hookSink`. */
const HOOK_OFFER = 'offer-hooks';
const HOOK_FLAT_OFFER = 'offer-hooks-flat';
/** The aadAppId of the offer fixture: the audience of the webhook's bearer token [DEC-A32]. */
const APP_ID = '8d5b8a4e-3c0f-4c57-9a3e-6f1f0d2b9c11';

async function startHookSink(): Promise<string> {
  hookSink = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      hooks.push({ method: req.method ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      void (hold ?? Promise.resolve()).then(() => {
        res.statusCode = 200;
        res.end('{}');
      });
    });
  });
  await new Promise<void>((resolve) => hookSink.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(hookSink.address() as AddressInfo).port}/webhook`;
}

beforeAll(async () => {
  h = await startSaasHarness();
  const hookUrl = await startHookSink();
  const offers = [
    ['contoso', offer1(h.sinkUrl)],
    ['contoso', offer2(h.sinkUrl)],
    ['fabrikam', offer1(h.sinkUrl, PAGING_OFFER, 'fabrikam')],
    ['contoso', offer1(hookUrl, HOOK_OFFER)],
    ['contoso', offer2(hookUrl, HOOK_FLAT_OFFER)],
  ] as const;
  for (const [publisher, offer] of offers) {
    const put = await h.call('PUT', `/api/publishers/${publisher}/offers/${offer.id}?api-version=2017-10-31`, publisher, { body: offer });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    expect((await h.call('POST', `/api/admin/offers/${publisher}/${offer.id}/freeze`, 'operator')).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (hookSink) await new Promise((resolve) => hookSink.close(resolve));
});

const sub = (id: string, suffix = '') => `/api/saas/subscriptions/${id}${suffix}?${V}`;
const errorOf = (res: Reply) => [res.status, res.json['code']];

function contract(method: string, template: string, status: number, body: unknown) {
  if (!contractsAvailable) return;
  expect(contractErrors('saasapi.v2.json', method, template, status, body)).toBeUndefined();
}

interface Purchase {
  publisherId?: string;
  offerId?: string;
  planId?: string;
  quantity?: number | null;
  /** More purchase fields (name, purchaser, beneficiary). */
  extra?: Record<string, unknown>;
}

async function purchase(o: Purchase = {}) {
  const quantity = o.quantity === undefined ? 20 : o.quantity;
  const res = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
    body: {
      publisherId: o.publisherId ?? 'contoso',
      offerId: o.offerId ?? 'offer1',
      planId: o.planId ?? 'silver',
      ...(quantity !== null ? { quantity } : {}),
      termUnit: 'P1M',
      ...o.extra,
    },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { subscriptionId: string; purchaseToken: string };
}

async function activated(o: Purchase = {}) {
  const bought = await purchase(o);
  const quantity = o.quantity === undefined ? 20 : o.quantity;
  const res = await h.call('POST', sub(bought.subscriptionId, '/activate'), 'contoso', {
    body: { planId: o.planId ?? 'silver', ...(quantity !== null ? { quantity } : {}) },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return bought;
}

async function suspended() {
  const { subscriptionId } = await activated();
  expect((await h.call('POST', `/api/admin/subscriptions/${subscriptionId}/suspend`, 'operator')).status).toBe(200);
  return subscriptionId;
}

async function cancelled() {
  const bought = await activated();
  expect((await h.call('DELETE', sub(bought.subscriptionId))).status).toBe(202);
  return bought;
}

/**
 * The ISV's own change completes by itself SAAS_ISV_CHANGE_DELAY_MS after it was made (10 s here, issue 23): move
 * the project clock past that and wait for the due-work timer (or the delivery's durable timer) to complete it.
 */
async function settledOwnChange(id: string, opId: string) {
  await h.advance('PT11S');
  await until(
    `${opId} completes by itself`,
    async () => ((await h.call('GET', sub(id, `/operations/${opId}`))).json['status'] === 'Succeeded' ? true : undefined),
    20_000,
  );
}

const view = async (id: string) => {
  const res = await h.call('GET', sub(id));
  expect(res.status).toBe(200);
  return res.json;
};

/** Every subscription the publisher's list returns, following `@nextLink` (absolute, used as-is) to the end. */
async function listAll(who: Who) {
  const pages: Record<string, unknown>[][] = [];
  let path: string | undefined = `/api/saas/subscriptions?${V}`;
  while (path !== undefined) {
    const res = await h.call('GET', path, who);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/', 200, res.json);
    pages.push(res.json['subscriptions'] as Record<string, unknown>[]);
    const next = res.json['@nextLink'];
    if (next === undefined) path = undefined;
    else {
      expect(typeof next).toBe('string');
      const link = next as string;
      expect(link.startsWith(`${h.host.url}/api/saas/subscriptions?`), link).toBe(true);
      expect(link).toContain(V);
      path = link.slice(h.host.url.length);
    }
  }
  return pages;
}

/** A call carrying a token the harness does not mint (expired, or for a tenant given as a GUID). */
const withToken = (method: string, path: string, token: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  h.call(method, path, 'none', { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });

const keyFile = () => h.env['LOCAL_ISSUER_KEY_FILE'] as string;

describe('common: ids and token expiry (C.1)', () => {
  it('C.1-2 an expired AAD token → 403 Forbidden on GET and PATCH; nothing changes', async () => {
    const { subscriptionId: id } = await activated();
    const before = await view(id);
    // Issued more than the one-hour lifetime before the host's clock (which is never behind real time).
    const issuedAt = new Date(Date.now() - 2 * 3_600_000);
    const expired = await tokenFor(keyFile(), publisherRequest('contoso'), { now: issuedAt });
    // The control: the same issue time with a three-hour lifetime is accepted, so expiry alone is what is refused.
    const unexpired = await tokenFor(keyFile(), publisherRequest('contoso'), { now: issuedAt, lifetimeSeconds: 3 * 3600 });
    expect((await withToken('GET', sub(id), unexpired)).status).toBe(200);
    expect(errorOf(await withToken('GET', sub(id), expired))).toEqual([403, 'Forbidden']);
    expect(errorOf(await withToken('PATCH', sub(id), expired, { body: { planId: 'gold' } }))).toEqual([403, 'Forbidden']);
    expect(await view(id)).toEqual(before);
    expect((await h.call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
  });

  it('C.1-1/C.1-6 x-ms-requestid and x-ms-correlationid are echoed, or generated as GUIDs, on 200 and on 403', async () => {
    const { subscriptionId: id } = await purchase();
    const ids = (res: Reply) => [res.headers.get('x-ms-requestid'), res.headers.get('x-ms-correlationid')];
    const [r1, c1] = [randomUUID(), randomUUID()];
    const sent = { 'x-ms-requestid': r1, 'x-ms-correlationid': c1 };

    const echoed = await h.call('GET', sub(id), 'contoso', { headers: sent });
    expect([echoed.status, ...ids(echoed)]).toEqual([200, r1, c1]);
    const echoedDenied = await h.call('GET', sub(id), 'none', { headers: sent });
    expect([echoedDenied.status, ...ids(echoedDenied)]).toEqual([403, r1, c1]);

    const generated = await h.call('GET', sub(id));
    const denied = await h.call('GET', sub(id), 'none');
    expect([generated.status, denied.status]).toEqual([200, 403]);
    for (const res of [generated, denied]) for (const value of ids(res)) expect(value).toMatch(GUID);
    // Generated per request, not a constant.
    expect(ids(generated)[0]).not.toBe(ids(denied)[0]);
  });
});

describe('resolve and activate (C.2, C.3)', () => {
  it('C.2-15 the purchase token of a cancelled subscription still resolves: 200, Unsubscribed; resolve changes nothing', async () => {
    const { subscriptionId: id, purchaseToken } = await cancelled();
    const before = await view(id);
    const res = await h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': purchaseToken },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, res.json);
    expect(res.json).toMatchObject({ id, offerId: 'offer1', planId: 'silver', subscription: { saasSubscriptionStatus: 'Unsubscribed' } });
    expect(await view(id)).toEqual(before);
  });

  it.each([[{}], [{ quantity: 20 }]])(
    'C.3-20 activate with %j (no planId) → 400 PlanIdRequired; still PendingFulfillmentStart',
    async (body) => {
      const { subscriptionId: id } = await purchase();
      const before = await view(id);
      expect(errorOf(await h.call('POST', sub(id, '/activate'), 'contoso', { body }))).toEqual([400, 'PlanIdRequired']);
      expect(await view(id)).toEqual(before);
      expect(before['saasSubscriptionStatus']).toBe('PendingFulfillmentStart');
    },
  );

  it('C.3-26 activate a Suspended subscription → 400 InvalidSubscriptionStatus; unchanged', async () => {
    const id = await suspended();
    const before = await view(id);
    const res = await h.call('POST', sub(id, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } });
    expect(errorOf(res)).toEqual([400, 'InvalidSubscriptionStatus']);
    expect(await view(id)).toEqual(before);
    expect(before['saasSubscriptionStatus']).toBe('Suspended');
  });

  it('C.3-30 activate with another publisher’s token (fabrikam) → 403 Forbidden; still PendingFulfillmentStart', async () => {
    const { subscriptionId: id } = await purchase();
    const before = await view(id);
    const res = await h.call('POST', sub(id, '/activate'), 'fabrikam', { body: { planId: 'silver', quantity: 20 } });
    expect(errorOf(res)).toEqual([403, 'Forbidden']);
    expect(await view(id)).toEqual(before);
    expect(before['saasSubscriptionStatus']).toBe('PendingFulfillmentStart');
  });
});

describe('change plan and quantity (C.6, C.7)', () => {
  const states: [string, () => Promise<string>][] = [
    ['PendingFulfillmentStart', async () => (await purchase()).subscriptionId],
    ['Suspended', suspended],
    ['Unsubscribed', async () => (await cancelled()).subscriptionId],
  ];

  it.each(states)(
    'C.6-52 PATCH {"planId":"gold"} on a %s subscription → 400 InvalidSubscriptionStatus; unchanged',
    async (status, make) => {
      const id = await make();
      const before = await view(id);
      expect(before['saasSubscriptionStatus']).toBe(status);
      expect(errorOf(await h.call('PATCH', sub(id), 'contoso', { body: { planId: 'gold' } }))).toEqual([400, 'InvalidSubscriptionStatus']);
      expect(await view(id)).toEqual(before);
      expect((await h.call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
    },
  );

  it('C.6-50 PATCH to private platinum001: a tenant outside its audience → 400 PlanNotAvailable (unchanged); the audience tenant TB → 202', async () => {
    const { subscriptionId: outsider } = await activated();
    const before = await view(outsider);
    expect(errorOf(await h.call('PATCH', sub(outsider), 'contoso', { body: { planId: 'platinum001' } }))).toEqual([
      400,
      'PlanNotAvailable',
    ]);
    expect(await view(outsider)).toEqual(before);
    expect((await h.call('GET', sub(outsider, '/operations'))).json).toEqual({ operations: [] });

    // A buyer in tenant TB (offer1's platinum001 audience) may move there (C.5-41 lists it for them).
    const tbAdmin = await tokenFor(keyFile(), {
      kind: 'user',
      tenantId: TB,
      userId: nameGuid('user', 'tb-admin'),
      email: 'admin@tb.example',
    });
    const bought = await withToken('POST', '/api/storefront/purchases', tbAdmin, {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M' },
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const insider = String(bought.json['subscriptionId']);
    expect((await h.call('POST', sub(insider, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).status).toBe(200);
    const plans = await h.call('GET', sub(insider, '/listAvailablePlans'));
    expect(plans.json['plans']).toContainEqual(expect.objectContaining({ planId: 'platinum001', isPrivate: true }));
    const res = await h.call('PATCH', sub(insider), 'contoso', { body: { planId: 'platinum001' } });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const op = await h.call('GET', sub(insider, `/operations/${res.headers.get('operation-id') ?? ''}`));
    expect(op.json).toMatchObject({ action: 'ChangePlan', status: 'InProgress', planId: 'platinum001' });
  });

  it('C.7-64 a quantity change on a flat-rate subscription → 400 QuantityNotValidForPlan; unchanged', async () => {
    const { subscriptionId: id } = await activated({ offerId: 'offer2', planId: 'basic', quantity: null });
    const before = await view(id);
    expect(before['quantity']).toBeUndefined();
    expect(errorOf(await h.call('PATCH', sub(id), 'contoso', { body: { quantity: 5 } }))).toEqual([400, 'QuantityNotValidForPlan']);
    expect(await view(id)).toEqual(before);
    expect((await h.call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
  });

  it('C.7-65 100 seats exceed silver (max 50): 400 QuantityOutOfRange; change plan to gold first, then 100 → 202 → Succeeded', async () => {
    const { subscriptionId: id } = await activated();
    const before = await view(id);
    expect(errorOf(await h.call('PATCH', sub(id), 'contoso', { body: { quantity: 100 } }))).toEqual([400, 'QuantityOutOfRange']);
    expect(await view(id)).toEqual(before);

    const ack = async (body: Record<string, unknown>) => {
      const res = await h.call('PATCH', sub(id), 'contoso', { body });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      const opId = res.headers.get('operation-id') ?? '';
      await settledOwnChange(id, opId);
      const op = await h.call('GET', sub(id, `/operations/${opId}`));
      contract('get', '/saas/subscriptions/{subscriptionId}/operations/{operationId}', 200, op.json);
      return op.json;
    };
    expect(await ack({ planId: 'gold' })).toMatchObject({ action: 'ChangePlan', status: 'Succeeded', planId: 'gold' });
    expect(await ack({ quantity: 100 })).toMatchObject({ action: 'ChangeQuantity', status: 'Succeeded', planId: 'gold', quantity: 100 });
    expect(await view(id)).toMatchObject({ planId: 'gold', quantity: 100, saasSubscriptionStatus: 'Subscribed' });
  });
});

describe('cancel (C.8)', () => {
  it('C.8-70 DELETE a Suspended subscription → 202; Unsubscribed; Unsubscribe operation Succeeded and its webhook', async () => {
    const id = await suspended();
    const res = await h.call('DELETE', sub(id));
    expect(res.status).toBe(202);
    const opId = res.headers.get('operation-id') ?? '';
    expect(res.headers.get('operation-location')).toBe(`${h.host.url}/api/saas/subscriptions/${id}/operations/${opId}?${V}`);
    expect(await view(id)).toMatchObject({ saasSubscriptionStatus: 'Unsubscribed' });
    const op = await h.call('GET', sub(id, `/operations/${opId}`));
    contract('get', '/saas/subscriptions/{subscriptionId}/operations/{operationId}', 200, op.json);
    expect(op.json).toMatchObject({ action: 'Unsubscribe', status: 'Succeeded' });
    const hook = await until(`Unsubscribe webhook ${opId}`, async () => h.received.find((r) => r.body['id'] === opId), 20_000);
    expect(hook.body).toMatchObject({ action: 'Unsubscribe', status: 'Success', subscriptionId: id });
  });

  it('C.8-75 after cancel: PATCH plan or quantity → 400 InvalidSubscriptionStatus (unchanged); GET 200 Unsubscribed; still listed', async () => {
    const { subscriptionId: id } = await cancelled();
    const before = await view(id);
    expect(before['saasSubscriptionStatus']).toBe('Unsubscribed');
    for (const body of [{ planId: 'gold' }, { quantity: 30 }]) {
      expect(errorOf(await h.call('PATCH', sub(id), 'contoso', { body }))).toEqual([400, 'InvalidSubscriptionStatus']);
    }
    expect(await view(id)).toEqual(before);
    const listed = (await listAll('contoso')).flat().filter((s) => s['id'] === id);
    expect(listed).toEqual([expect.objectContaining({ id, saasSubscriptionStatus: 'Unsubscribed' })]);
  });
});

describe('operations (C.9)', () => {
  it('C.9-81 PATCH an operation that auto-succeeded after the ACK window → 409 OperationAlreadyCompleted; the change stays', async () => {
    const { subscriptionId: id } = await activated();
    const res = await h.call('PATCH', sub(id), 'contoso', { body: { planId: 'gold' } });
    expect(res.status).toBe(202);
    const opId = res.headers.get('operation-id') ?? '';
    // The publisher's own change completes SAAS_ISV_CHANGE_DELAY_MS after creation (10 s in these tests, issue 23).
    await h.advance('PT11S');
    await until(
      `auto-success of ${opId}`,
      async () => ((await h.call('GET', sub(id, `/operations/${opId}`))).json['status'] === 'Succeeded' ? true : undefined),
      20_000,
    );
    for (const status of ['Success', 'Failure']) {
      const late = await h.call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status } });
      expect(errorOf(late)).toEqual([409, 'OperationAlreadyCompleted']);
    }
    expect(await view(id)).toMatchObject({ planId: 'gold', quantity: 20 });
    expect((await h.call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
  });

  it('C.9-84 PATCH an unknown operation id (a fresh GUID) → 404 EntityNotFound; with fabrikam’s token → 403', async () => {
    const { subscriptionId: id } = await activated();
    const before = await view(id);
    const unknown = sub(id, `/operations/${randomUUID()}`);
    expect(errorOf(await h.call('PATCH', unknown, 'contoso', { body: { status: 'Success' } }))).toEqual([404, 'EntityNotFound']);
    expect(errorOf(await h.call('GET', unknown))).toEqual([404, 'EntityNotFound']); // C.9-78
    expect(errorOf(await h.call('PATCH', unknown, 'fabrikam', { body: { status: 'Success' } }))).toEqual([403, 'Forbidden']);
    expect(await view(id)).toEqual(before);
  });
});

describe('unknown subscription GUIDs (C.3-28, C.4-34, C.5-43, C.6-57, C.8-73, C.9-77)', () => {
  it.each([
    ['C.4-34', 'GET', '', undefined],
    ['C.3-28', 'POST', '/activate', { planId: 'silver', quantity: 20 }],
    ['C.5-43', 'GET', '/listAvailablePlans', undefined],
    ['C.6-57', 'PATCH', '', { planId: 'gold' }],
    ['C.8-73', 'DELETE', '', undefined],
    ['C.9-77', 'GET', '/operations', undefined],
  ])('%s %s /api/saas/subscriptions/{fresh GUID}%s → 404 EntityNotFound', async (_case, method, suffix, body) => {
    const res = await h.call(method, sub(randomUUID(), suffix), 'contoso', body !== undefined ? { body } : {});
    expect(errorOf(res)).toEqual([404, 'EntityNotFound']);
  });
});

describe('list paging (C.4-37)', () => {
  it('C.4-37 105 subscriptions of one publisher: 100, then 5 via the absolute @nextLink; none repeated or missing', async () => {
    const total = 105;
    const bought: string[] = [];
    // Eight purchases at a time: quick, without flooding the host. Each worker takes the next free index.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < total; i = next++) {
        bought[i] = (await purchase({ publisherId: 'fabrikam', offerId: PAGING_OFFER })).subscriptionId;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(new Set(bought).size).toBe(total);

    const pages = await listAll('fabrikam');
    expect(pages.map((p) => p.length)).toEqual([100, 5]);
    const ids = pages.flat().map((s) => String(s['id']));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...bought].sort());
    // contoso's list holds none of them (publisher scoping, C.4-38).
    const contosoIds = new Set((await listAll('contoso')).flat().map((s) => s['id']));
    expect(bought.filter((id) => contosoIds.has(id))).toEqual([]);
  }, 60_000);
});

/** The host's clock (real time plus the test offset), for dates the host stamps. */
const hostNow = async () => {
  const res = await h.call('GET', '/api/admin/clock', 'operator');
  expect(res.status).toBe(200);
  return String(res.json['now']);
};

const resolveWith = (token: string) =>
  h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', { headers: { 'x-ms-marketplace-token': token } });

/** The signed-in buyer tb/ub as the storefront records them when the purchase names no identities. */
const BUYER = {
  emailId: 'ub@tb.example',
  objectId: nameGuid('user', 'ub'),
  tenantId: nameGuid('tenant', 'tb'),
  puid: expect.stringMatching(/\S/), // the contract's AadIdentifier.puid, the seed's "ID of the user" pid [004:25402]
};

/**
 * The whole subscription view of a 20-seat offer1/silver purchase named "Contoso Cloud Solution" that the buyer made
 * for themselves (beneficiary and purchaser are the signed-in buyer; tb/ub is not in offer1's preview audience, so
 * not a test purchase, Rule 12); `state` adds what differs by lifecycle: status, term and created.
 */
function silverForBuyer(id: string, state: { saasSubscriptionStatus: string; term: object; created: unknown }) {
  return {
    id,
    name: 'Contoso Cloud Solution',
    publisherId: 'contoso',
    offerId: 'offer1',
    planId: 'silver',
    quantity: 20,
    beneficiary: BUYER,
    purchaser: BUYER,
    allowedCustomerOperations: expect.any(Array),
    sessionMode: 'None',
    isFreeTrial: false,
    isTest: false,
    sandboxType: 'None',
    autoRenew: true,
    ...state,
  };
}

/** DEC-A8: the first P1M term ends the day before "start plus one month", that day clamped to the month's end. */
function firstMonthlyTermEnd(start: string): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const lastDayOfNextMonth = new Date(Date.UTC(y, m + 1, 0)).getUTCDate(); // m is 1-based: month m+1 day 0
  const sameDayNextMonth = Date.UTC(y, m, Math.min(d, lastDayOfNextMonth));
  return new Date(sameDayNextMonth - 86_400_000).toISOString().slice(0, 10);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('what the ISV reads: resolve and GET, field by field (C.2-9, C.2-13, C.4-33)', () => {
  it('C.2-9 resolve a fresh purchase → 200: id, subscriptionName, offerId, planId, quantity and the whole subscription as bought', async () => {
    const before = await hostNow();
    const bought = await purchase({ extra: { name: 'Contoso Cloud Solution' } });
    const after = await hostNow();
    const res = await resolveWith(bought.purchaseToken);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, res.json);
    const id = bought.subscriptionId;
    expect(res.json).toEqual({
      id,
      subscriptionName: 'Contoso Cloud Solution',
      offerId: 'offer1',
      planId: 'silver',
      quantity: 20,
      subscription: silverForBuyer(id, {
        saasSubscriptionStatus: 'PendingFulfillmentStart',
        term: { termUnit: 'P1M' },
        created: expect.stringMatching(ISO_UTC),
      }),
    });
    const subscription = res.json['subscription'] as Record<string, unknown>;
    expect([...(subscription['allowedCustomerOperations'] as string[])].sort()).toEqual(['Delete', 'Read', 'Update']);
    // Pending: no term dates yet; omitted rather than null, as the contract's date-time allows (decision 0402).
    expect(Object.keys(subscription['term'] as object)).toEqual(['termUnit']);
    const created = String(subscription['created']);
    expect(Date.parse(created)).toBeGreaterThanOrEqual(Date.parse(before));
    expect(Date.parse(created)).toBeLessThanOrEqual(Date.parse(after));
  });

  it('C.2-9/C.4-40 resolve a purchase for someone else: purchaser and beneficiary each as given (puid kept), Read only', async () => {
    const purchaser = { emailId: 'buyer@tb.example', objectId: randomUUID(), tenantId: nameGuid('tenant', 'tb'), puid: 'pid-buyer' };
    const beneficiary = { emailId: 'user@te.example', objectId: randomUUID(), tenantId: randomUUID(), puid: 'pid-user' };
    const bought = await purchase({ extra: { purchaser, beneficiary } });
    const res = await resolveWith(bought.purchaseToken);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, res.json);
    // Purchaser ≠ beneficiary is a CSP purchase: the beneficiary may only read [004:25534-25535, 25551-25554].
    expect(res.json['subscription']).toMatchObject({ purchaser, beneficiary, allowedCustomerOperations: ['Read'] });
  });

  it('C.2-13 a token with "+" and "/": sent still URL-encoded (%2B, %2F) → 400 MarketplaceTokenInvalid; decoded → 200', async () => {
    const { subscriptionId: id } = await purchase();
    // Tokens are base64, so most but not all hold "+" or "/": ask for fresh ones ("Configure account") until one
    // holds both (each try succeeds with p ≈ 0.4).
    let minted: { purchaseToken: string; landingPageUrl: string } | undefined;
    for (let i = 0; i < 40 && minted === undefined; i += 1) {
      const res = await h.call('POST', `/api/storefront/subscriptions/${id}/token`, CUSTOMER);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const token = String(res.json['purchaseToken']);
      if (token.includes('+') && token.includes('/')) minted = { purchaseToken: token, landingPageUrl: String(res.json['landingPageUrl']) };
    }
    if (minted === undefined) throw new Error('no purchase token with both "+" and "/" in 40 tries');
    // What the landing page receives: the token URL-encoded in the `token` parameter [004:25215, 25376].
    const encoded = /[?&]token=([^&]*)/.exec(minted.landingPageUrl)?.[1] ?? '';
    expect(encoded).toMatch(/%2B/i);
    expect(encoded).toMatch(/%2F/i);
    expect(decodeURIComponent(encoded)).toBe(minted.purchaseToken);
    // The usual way a landing page reads it decodes it right ("+" stays "+", not a space).
    expect(new URL(minted.landingPageUrl).searchParams.get('token')).toBe(minted.purchaseToken);

    expect(errorOf(await resolveWith(encoded))).toEqual([400, 'MarketplaceTokenInvalid']);
    const decoded = await resolveWith(decodeURIComponent(encoded));
    expect(decoded.status, JSON.stringify(decoded.json)).toBe(200);
    expect(decoded.json).toMatchObject({ id, subscription: { saasSubscriptionStatus: 'PendingFulfillmentStart' } });
  });

  it('C.4-33 GET after activation → 200 with every documented field: Subscribed, term dates of DEC-A8, autoRenew, identities', async () => {
    // The helper against DEC-A8's own examples.
    expect([firstMonthlyTermEnd('2019-05-31'), firstMonthlyTermEnd('2019-05-10'), firstMonthlyTermEnd('2019-12-31')]).toEqual([
      '2019-06-29',
      '2019-06-09',
      '2020-01-30',
    ]);
    const bought = await purchase({ extra: { name: 'Contoso Cloud Solution' } });
    const id = bought.subscriptionId;
    const created = (await view(id))['created'];
    const before = (await hostNow()).slice(0, 10);
    expect((await h.call('POST', sub(id, '/activate'), 'contoso', { body: { planId: 'silver', quantity: 20 } })).status).toBe(200);
    const after = (await hostNow()).slice(0, 10);

    const res = await h.call('GET', sub(id));
    expect(res.status).toBe(200);
    contract('get', '/saas/subscriptions/{subscriptionId}', 200, res.json);
    const term = res.json['term'] as Record<string, string>;
    // The activation day is "today" on the host's clock (before and after differ only across midnight UTC).
    const start = String(term['startDate']).slice(0, 10);
    expect([before, after]).toContain(start);
    expect(res.json).toEqual(
      silverForBuyer(id, {
        saasSubscriptionStatus: 'Subscribed',
        // date-time per the contract, UTC midnight of the DEC-A8 dates (decision 0402).
        term: { termUnit: 'P1M', startDate: `${start}T00:00:00Z`, endDate: `${firstMonthlyTermEnd(start)}T00:00:00Z` },
        // Activation does not change when the subscription was created.
        created,
      }),
    );
    expect([...(res.json['allowedCustomerOperations'] as string[])].sort()).toEqual(['Delete', 'Read', 'Update']);
  });
});

describe('webhooks as the ISV receives them (C.10-86, C.6-45)', () => {
  const opsOf = (id: string) => hooks.filter((x) => x.body['subscriptionId'] === id);
  const hookFor = (opId: string) => until(`webhook ${opId}`, async () => hooks.find((x) => x.body['id'] === opId), 20_000);
  const jwks = () => createRemoteJWKSet(new URL(`${h.host.url}/${nameGuid('marketplace-tenant', 'marketplace')}/discovery/keys`));
  // The seed's keys [004:26173-26184], plus who started the operation and the subscription as Microsoft's current
  // webhooks carry them (issue 23; ISVs are told not to deserialize the body strictly). Never a purchaseToken.
  const PAYLOAD_KEYS = [
    'action',
    'activityId',
    'id',
    'offerId',
    'operationRequestSource',
    'planId',
    'publisherId',
    'status',
    'subscription',
    'subscriptionId',
    'timeStamp',
  ];

  /** The request part of C.10-86: POST, JSON, a bearer JWT signed by the marketplace for the offer's app. */
  async function expectRequestShape(hook: Hook) {
    expect(hook.method).toBe('POST');
    expect(hook.headers['content-type']).toMatch(/^application\/json\b/);
    const bearer = /^Bearer (\S+)$/.exec(String(hook.headers['authorization']))?.[1];
    expect(bearer, String(hook.headers['authorization'])).toBeDefined();
    // Checked at the host's time: the test clock may run ahead of real time, and the token is minted on it.
    const currentDate = new Date(await hostNow());
    const { payload } = await jwtVerify(bearer ?? '', jwks(), { audience: APP_ID, currentDate });
    expect(payload.exp).toBeGreaterThan(payload.iat ?? 0);
  }

  /** The ISV's own change, completed (so the next change is not locked out). */
  async function changeAndAck(id: string, body: Record<string, unknown>) {
    const res = await h.call('PATCH', sub(id), 'contoso', { body });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const opId = res.headers.get('operation-id') ?? '';
    const hook = await hookFor(opId);
    await settledOwnChange(id, opId);
    return { opId, hook };
  }

  it('C.10-86 per-seat ChangeQuantity: POST, application/json, bearer JWT; exactly the documented fields with the operation’s values', async () => {
    const { subscriptionId: id } = await activated({ offerId: HOOK_OFFER });
    const { opId, hook } = await changeAndAck(id, { quantity: 25 });
    await expectRequestShape(hook);
    // Exactly these keys: no `purchaseToken` [DEC-A10].
    expect(Object.keys(hook.body).sort()).toEqual([...PAYLOAD_KEYS, 'quantity'].sort());
    const op = (await h.call('GET', sub(id, `/operations/${opId}`))).json;
    expect(hook.body).toEqual({
      id: opId,
      activityId: op['activityId'],
      subscriptionId: id,
      publisherId: 'contoso',
      offerId: HOOK_OFFER,
      planId: 'silver',
      // "the most up-to-date number of seats" [004:26180]: the new quantity.
      quantity: 25,
      timeStamp: expect.stringMatching(ISO_UTC),
      action: 'ChangeQuantity',
      // In progress until it completes [DEC-A30].
      status: 'InProgress',
      // The ISV's own PATCH (issue 23).
      operationRequestSource: 'Partner',
      // The subscription when the webhook was sent: the change is not applied yet.
      subscription: expect.objectContaining({ id, offerId: HOOK_OFFER, planId: 'silver', quantity: 20, saasSubscriptionStatus: 'Subscribed' }),
    });
    expect(String(op['activityId'])).toMatch(GUID);
  });

  it('C.10-86 flat rate: ChangePlan and Unsubscribe webhooks leave quantity out; inform-only Unsubscribe has status Success', async () => {
    const { subscriptionId: id } = await activated({ offerId: HOOK_FLAT_OFFER, planId: 'basic', quantity: null });
    const change = await changeAndAck(id, { planId: 'pro' });
    const del = await h.call('DELETE', sub(id));
    expect(del.status).toBe(202);
    const unsubscribeId = del.headers.get('operation-id') ?? '';
    const unsubscribe = await hookFor(unsubscribeId);

    for (const hook of [change.hook, unsubscribe]) {
      await expectRequestShape(hook);
      expect(Object.keys(hook.body).sort()).toEqual(PAYLOAD_KEYS);
      expect(hook.body).toMatchObject({ subscriptionId: id, publisherId: 'contoso', offerId: HOOK_FLAT_OFFER, planId: 'pro' });
      expect(String(hook.body['timeStamp'])).toMatch(ISO_UTC);
      expect(String(hook.body['activityId'])).toMatch(GUID);
    }
    expect(change.hook.body).toMatchObject({ id: change.opId, action: 'ChangePlan', status: 'InProgress' });
    expect(unsubscribe.body).toMatchObject({ id: unsubscribeId, action: 'Unsubscribe', status: 'Success' });
    // Only those two: no webhook for the purchase or the activation [DEC-A31].
    expect(opsOf(id).map((x) => x.body['action'])).toEqual(['ChangePlan', 'Unsubscribe']);
  });

  const starters: [string, (id: string) => Promise<string>][] = [
    [
      'the ISV’s PATCH (C.6-44)',
      async (id) => {
        const res = await h.call('PATCH', sub(id), 'contoso', { body: { planId: 'gold' } });
        expect(res.status, JSON.stringify(res.json)).toBe(202);
        return res.headers.get('operation-id') ?? '';
      },
    ],
    [
      'the customer in the storefront',
      async (id) => {
        const res = await h.call('POST', `/api/storefront/subscriptions/${id}/changePlan`, CUSTOMER, { body: { planId: 'gold' } });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        return String(res.json['id']);
      },
    ],
  ];

  it.each(starters)(
    'C.6-45 change plan started by %s: GET op is InProgress while the webhook is in flight and after; the customer’s after PATCH Success, the ISV’s by itself, it is Succeeded and gold',
    async (_who, start) => {
      const { subscriptionId: id } = await activated({ offerId: HOOK_OFFER });
      let opId = '';
      const inProgress = async () => {
        const op = await h.call('GET', sub(id, `/operations/${opId}`));
        expect(op.status).toBe(200);
        contract('get', '/saas/subscriptions/{subscriptionId}/operations/{operationId}', 200, op.json);
        expect(op.json).toMatchObject({ id: opId, subscriptionId: id, action: 'ChangePlan', status: 'InProgress', planId: 'gold' });
        expect(await view(id)).toMatchObject({ planId: 'silver', quantity: 20, saasSubscriptionStatus: 'Subscribed' });
      };

      let release = () => {};
      hold = new Promise<void>((resolve) => (release = resolve));
      try {
        opId = await start(id);
        // The ISV's endpoint has the call and has not answered yet: it validates it with Get Operation [004:26163].
        await hookFor(opId);
        await inProgress();
      } finally {
        release();
        hold = undefined;
      }
      // Accepted (200), not yet acknowledged: still InProgress and listed as outstanding.
      await until(
        `delivery of ${opId} accepted`,
        async () => {
          const d = await h.call('GET', `/api/publishers/contoso/webhooks/deliveries?subscriptionId=${id}`);
          const rows = d.json['deliveries'] as { id: string; state: string }[] | undefined;
          return rows?.find((r) => r.id === opId)?.state === 'delivered' ? true : undefined;
        },
        20_000,
      );
      await inProgress();
      const listed = (await h.call('GET', sub(id, '/operations'))).json['operations'] as { id: string }[];
      expect(listed.map((o) => o.id)).toEqual([opId]);

      const ack = await h.call('PATCH', sub(id, `/operations/${opId}`), 'contoso', { body: { status: 'Success' } });
      if (_who.startsWith('the ISV')) {
        // The ISV's own change takes no acknowledgement; it completes by itself (issue 23).
        expect([ack.status, ack.json['code']], JSON.stringify(ack.json)).toEqual([409, 'OperationStartedByPublisher']);
        await settledOwnChange(id, opId);
      } else expect(ack.status, JSON.stringify(ack.json)).toBe(200);
      expect((await h.call('GET', sub(id, `/operations/${opId}`))).json).toMatchObject({ id: opId, status: 'Succeeded', planId: 'gold' });
      expect(await view(id)).toMatchObject({ planId: 'gold', quantity: 20, saasSubscriptionStatus: 'Subscribed' });
      expect((await h.call('GET', sub(id, '/operations'))).json).toEqual({ operations: [] });
    },
  );
});
