/**
 * The whole documented SaaS fulfillment v2 sequence (issue 23), run as an ISV's code runs it against the built host:
 * the ISV gets its token from the host's HTTPS issuer with `@azure/identity` (ClientSecretCredential, the local CA
 * trusted), sends its own x-ms-requestid/x-ms-correlationid, follows `Operation-Location` as given, and reads every
 * documented field of every answer; the customer acts only through the storefront. Admin routes serve only the
 * setup (the ISV's app, the frozen offers) and, for reading and moving the test clock, the 10 s after which the
 * ISV's own change completes (SAAS_ISV_CHANGE_DELAY_MS of the SaaS harness).
 *
 * Sources: ../shared/contracts/saasapi.v2.json (every body is validated against it) and
 * ../shared/specs/saas-licensing.md, cases C.2-9 (resolve), C.3-19 (activate), C.4-33/36/38 (get, list), C.5-41
 * (listAvailablePlans), C.6-44/45/55 (change plan), C.7-58/66 (change quantity), C.9-76/79/82/83 (operations),
 * C.8-68/75 (cancel), C.1-6 (request ids); seed 004 lines 25362-25422 (resolve), 25439-25483 (activate),
 * 25493-25607 (list), 25619-25684 (get), 25705-25744 (plans), 25761-25870 (PATCH), 25901-25929 (DELETE),
 * 25955-26137 (operations), 26151-26184 (webhook).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractErrors, contractsAvailable } from '../fixtures/contracts';
import { SAAS, saasOffer, TENANT_A, withField } from '../fixtures/offers';
import { publishFrozen, startSaasHarness, until, V, type Reply, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { offer1 } from '../integration/saas/fixture';
import { nameGuid } from '../../shared/auth/tokens';
import { MARKETPLACE_API_RESOURCE } from '../../shared/config';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NAME = 'Contoso Cloud Solution';
/** A flat-rate offer with two metered dimensions (the catalog's offer fixture, `basic` public). */
const METERED_OFFER = 'contoso-cns';

/** The buyer tb/ub; not in offer1's private audience TB nor in any preview audience. */
const CUSTOMER: Who = { customer: ['tb', 'ub'] };
const BUYER = {
  emailId: 'ub@tb.example',
  objectId: nameGuid('user', 'ub'),
  tenantId: nameGuid('tenant', 'tb'),
  puid: expect.stringMatching(/\S/),
};
/** The buyer bought for themselves (no CSP): both identities are theirs [004:25650-25662]. */
const FOR_THEMSELVES = { beneficiary: BUYER, purchaser: BUYER, allowedCustomerOperations: expect.any(Array) };
/** Not a trial, a test purchase (no preview audience), a sandbox or a dry run; renews by default [004:25667-25671, 25327]. */
const PLAIN_PURCHASE = { sessionMode: 'None', isFreeTrial: false, isTest: false, sandboxType: 'None', autoRenew: true };

/** The ISV's Azure AD app as the offer's technical configuration names it (aadTenantId, aadAppId). */
const APP_TENANT = TENANT_A;
const APP_ID = offer1().definition.offer[`${SAAS}.aadAppId`] as string;
const APP_SECRET = `isv-secret-${randomUUID()}`;

let h: SaasHarness;
let credential: ClientSecretCredential;

beforeAll(async () => {
  h = await startSaasHarness({ LOCAL_HTTPS_PORT: '0' });
  const https = h.host.https;
  if (!https) throw new Error(`the host started without HTTPS:\n${h.host.output()}`);
  const registered = await h.call('POST', '/api/admin/publishers/contoso/apps', 'operator', {
    body: { tenantId: APP_TENANT, appId: APP_ID, clientSecret: APP_SECRET },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  credential = new ClientSecretCredential(APP_TENANT, APP_ID, APP_SECRET, {
    authorityHost: https.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: readFileSync(https.ca, 'utf8') },
  });
  const metered = withField(saasOffer(METERED_OFFER), ['definition', 'offer', `${SAAS}.connectionWebhook`], h.sinkUrl);
  await publishFrozen(h, [offer1(h.sinkUrl), metered]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/**
 * A fulfillment call as the ISV makes it: a token from ClientSecretCredential (cached by MSAL between calls), fresh
 * request and correlation ids, which every answer echoes (C.1-6).
 */
async function isv(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const { token } = await credential.getToken(`${MARKETPLACE_API_RESOURCE}/.default`);
  const ids = { 'x-ms-requestid': randomUUID(), 'x-ms-correlationid': randomUUID() };
  const res = await h.call(method, path, 'none', { ...init, headers: { ...init.headers, ...ids, authorization: `Bearer ${token}` } });
  expect([res.headers.get('x-ms-requestid'), res.headers.get('x-ms-correlationid')]).toEqual(Object.values(ids));
  return res;
}

function contract(method: string, template: string, status: number, body: unknown) {
  if (contractsAvailable) expect(contractErrors('saasapi.v2.json', method, template, status, body)).toBeUndefined();
}

const sub = (id: string, suffix = '') => `/api/saas/subscriptions/${id}${suffix}?${V}`;
const OPERATION = '/saas/subscriptions/{subscriptionId}/operations/{operationId}';

/** A listed plan that anyone may buy, on sale, without a free trial. */
const PUBLIC_NO_TRIAL = { isPrivate: false, isStopSell: false, hasFreeTrials: false };
/** A `RecurrentBillingTerm` in USD, the catalog's currency. */
const billingTerm = (termUnit: string, termDescription: string, price: number) => ({ currency: 'USD', price, termUnit, termDescription });
/** The email and text units a term of the metered plan includes (`MeteringedQuantityIncluded`, whole numbers as strings). */
const included = (email: string, text: string) => [
  { dimensionId: 'email', units: email },
  { dimensionId: 'text', units: text },
];

/** The host's clock (the test clock moves), for the dates the host stamps. */
async function hostNow() {
  const res = await h.call('GET', '/api/admin/clock', 'operator');
  expect(res.status).toBe(200);
  return String(res.json['now']);
}

/** DEC-A8: a P1M term ends the day before the same day of the next month, that day clamped to the month's end. */
function monthlyTermEnd(start: string): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const daysInNextMonth = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  // Day 0 of a month is the last day of the one before, so "day - 1" of the next month is the day before it.
  return new Date(Date.UTC(y, m, Math.min(d, daysInNextMonth) - 1)).toISOString().slice(0, 10);
}

/** A 202 of PATCH or DELETE: no body; Operation-Location (absolute, used as given) and Operation-Id [DEC-A20]. */
function accepted(res: Reply, id: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  expect(res.json).toEqual({});
  const opId = res.headers.get('operation-id') ?? '';
  expect(opId).toMatch(GUID);
  const location = res.headers.get('operation-location') ?? '';
  expect(location).toBe(`${h.host.url}/api/saas/subscriptions/${id}/operations/${opId}?${V}`);
  return { opId, location: location.slice(h.host.url.length) };
}

/** GET the operation at its Operation-Location: 200 and the contract's SaaSOperation. */
async function readOperation(location: string) {
  const res = await isv('GET', location);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  contract('get', OPERATION, 200, res.json);
  return res.json;
}

/** Polls the Operation-Location "every several seconds" [004:25789] until the operation is no longer InProgress. */
const finalOf = (location: string) =>
  until(
    `a final status at ${location}`,
    async () => {
      const op = await readOperation(location);
      return op['status'] === 'InProgress' ? undefined : op;
    },
    20_000,
  );

/** The webhook the ISV's endpoint (the harness's sink) received for an operation. */
const webhookFor = (opId: string) => until(`the webhook for ${opId}`, async () => h.received.find((r) => r.body['id'] === opId), 20_000);

/** What an operation says of the change: the target plan and seats, the action, its status and who started it. */
interface OperationState {
  planId: string;
  quantity: number;
  action: string;
  status: string;
  operationRequestSource: 'Partner' | 'Azure';
}

/** Every field of the Operation resource of offer1 (A1.2, [004:26054-26069]), errors empty (C.9-79). */
function operation(subscriptionId: string, id: string, state: OperationState, activityId: unknown = expect.stringMatching(GUID)) {
  const fixed = {
    offerId: 'offer1',
    publisherId: 'contoso',
    timeStamp: expect.stringMatching(ISO_UTC),
    errorStatusCode: '',
    errorMessage: '',
  };
  return { id, activityId, subscriptionId, ...fixed, ...state };
}

/** The fields an operation's webhook repeats [004:26173-26184], plus who started it (issue 23). */
const WEBHOOK_FIELDS = [
  'id',
  'activityId',
  'subscriptionId',
  'publisherId',
  'offerId',
  'planId',
  'quantity',
  'action',
  'operationRequestSource',
];

/** The webhook the ISV's endpoint received for `op` carries its values; `status` there is `InProgress` or `Success` (DEC-A30). */
async function expectWebhookOf(op: Record<string, unknown>, status = 'InProgress') {
  const hook = await webhookFor(String(op['id']));
  const fields = Object.fromEntries(WEBHOOK_FIELDS.map((k) => [k, op[k]]));
  expect(hook.body).toMatchObject({ ...fields, status, timeStamp: expect.stringMatching(ISO_UTC) });
}

describe('the SaaS fulfillment v2 sequence, as the ISV runs it (issue 23)', () => {
  /** What the steps hand on: the subscription, its creation time and its first term. */
  let id = '';
  let created = '';
  let term: { termUnit: string; startDate: string; endDate: string } | undefined;

  /** Every field of the Subscription resource (A1.2, [004:25643-25684]) of this purchase in the given state. */
  const subscription = (state: { planId: string; quantity: number; saasSubscriptionStatus: string; term: object }) => ({
    id,
    name: NAME,
    publisherId: 'contoso',
    offerId: 'offer1',
    created,
    ...FOR_THEMSELVES,
    ...PLAIN_PURCHASE,
    ...state,
  });

  const view = async () => {
    const res = await isv('GET', sub(id));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/{subscriptionId}', 200, res.json);
    return res.json;
  };

  const outstanding = async () => {
    const res = await isv('GET', sub(id, '/operations'));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/{subscriptionId}/operations', 200, res.json);
    return res.json;
  };

  it('C.2-9: the customer buys offer1/silver × 20; the ISV resolves the landing page’s token → 200 with every documented field', async () => {
    const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 20, termUnit: 'P1M', name: NAME },
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    id = String(bought.json['subscriptionId']);
    expect(id).toMatch(GUID);
    // The landing page receives the token URL-encoded in `token` and decodes it before resolving [004:25215, 25376].
    const token = new URL(String(bought.json['landingPageUrl'])).searchParams.get('token') ?? '';
    expect(token).toBe(bought.json['purchaseToken']);

    const res = await isv('POST', `/api/saas/subscriptions/resolve?${V}`, { headers: { 'x-ms-marketplace-token': token } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, res.json);
    const resolved = res.json['subscription'] as Record<string, unknown>;
    created = String(resolved['created']);
    expect(created).toMatch(ISO_UTC);
    expect(res.json).toEqual({
      id,
      subscriptionName: NAME,
      offerId: 'offer1',
      planId: 'silver',
      quantity: 20,
      // Pending: the term has its unit and no dates yet (decision 0402).
      subscription: subscription({
        planId: 'silver',
        quantity: 20,
        saasSubscriptionStatus: 'PendingFulfillmentStart',
        term: { termUnit: 'P1M' },
      }),
    });
    expect([...(resolved['allowedCustomerOperations'] as string[])].sort()).toEqual(['Delete', 'Read', 'Update']);
  });

  it('C.3-19: activate with the purchased plan and seats → 200 with no body; the term starts today (DEC-A8)', async () => {
    const before = (await hostNow()).slice(0, 10);
    const res = await isv('POST', sub(id, '/activate'), { body: { planId: 'silver', quantity: 20 } });
    const after = (await hostNow()).slice(0, 10);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({});
    const got = (await view())['term'] as { startDate: string };
    const start = got.startDate.slice(0, 10);
    // Today on the host's clock (before and after differ only across midnight UTC).
    expect([before, after]).toContain(start);
    term = { termUnit: 'P1M', startDate: `${start}T00:00:00Z`, endDate: `${monthlyTermEnd(start)}T00:00:00Z` };
    expect(got).toEqual(term);
  });

  it('C.4-36/38: list → 200, `subscriptions` holds exactly this one, Subscribed, every field; no `@nextLink` on the only page', async () => {
    const res = await isv('GET', `/api/saas/subscriptions?${V}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/', 200, res.json);
    expect(res.json).toEqual({
      subscriptions: [subscription({ planId: 'silver', quantity: 20, saasSubscriptionStatus: 'Subscribed', term: term ?? {} })],
    });
    expect(Object.keys(res.json)).not.toContain('@nextLink');
  });

  it('C.4-33: get → 200 with every field of A1.2: Subscribed on silver × 20, the term of DEC-A8, autoRenew, both identities', async () => {
    const got = await view();
    expect(got).toEqual(subscription({ planId: 'silver', quantity: 20, saasSubscriptionStatus: 'Subscribed', term: term ?? {} }));
    expect([...(got['allowedCustomerOperations'] as string[])].sort()).toEqual(['Delete', 'Read', 'Update']);
  });

  it('C.6-44/55, C.9-76: change plan silver → gold → 202 + Operation-Location; the Partner operation is InProgress and outstanding, the plan unchanged, the subscription locked; its webhook', async () => {
    const { opId, location } = accepted(await isv('PATCH', sub(id), { body: { planId: 'gold' } }), id);
    const op = await readOperation(location);
    // Target plan, current seats; the ISV's own PATCH (issue 23).
    expect(op).toEqual(
      operation(id, opId, { planId: 'gold', quantity: 20, action: 'ChangePlan', status: 'InProgress', operationRequestSource: 'Partner' }),
    );
    // Unchanged until the operation succeeds [004:25263] (DEC-A22).
    expect(await view()).toMatchObject({ planId: 'silver', quantity: 20, saasSubscriptionStatus: 'Subscribed' });
    expect(await outstanding()).toEqual({ operations: [op] });
    const locked = await isv('PATCH', sub(id), { body: { quantity: 25 } });
    expect([locked.status, locked.json['code']]).toEqual([400, 'SubscriptionLocked']);
    // The ISV's own change takes no acknowledgement: it completes by itself (issue 23).
    const ack = await isv('PATCH', location, { body: { status: 'Success' } });
    expect([ack.status, ack.json['code']], JSON.stringify(ack.json)).toEqual([409, 'OperationStartedByPublisher']);
    await expectWebhookOf(op);

    // Past SAAS_ISV_CHANGE_DELAY_MS on the project clock, the poll of Operation-Location sees it complete.
    await h.advance('PT11S');
    expect(await finalOf(location)).toEqual({ ...op, status: 'Succeeded', timeStamp: expect.stringMatching(ISO_UTC) });
    expect(await view()).toEqual(subscription({ planId: 'gold', quantity: 20, saasSubscriptionStatus: 'Subscribed', term: term ?? {} }));
    expect(await outstanding()).toEqual({ operations: [] });
  });

  it('C.7-58: change quantity on the per-seat plan gold, 20 → 25 → 202; polled to Succeeded; GET shows 25 seats', async () => {
    const { opId, location } = accepted(await isv('PATCH', sub(id), { body: { quantity: 25 } }), id);
    const op = await readOperation(location);
    expect(op).toEqual(
      operation(id, opId, {
        planId: 'gold',
        quantity: 25,
        action: 'ChangeQuantity',
        status: 'InProgress',
        operationRequestSource: 'Partner',
      }),
    );
    expect(await view()).toMatchObject({ planId: 'gold', quantity: 20 });
    await expectWebhookOf(op);
    await h.advance('PT11S');
    expect(await finalOf(location)).toEqual({ ...op, status: 'Succeeded', timeStamp: expect.stringMatching(ISO_UTC) });
    expect(await view()).toEqual(subscription({ planId: 'gold', quantity: 25, saasSubscriptionStatus: 'Subscribed', term: term ?? {} }));
  });

  it('C.5-41: listAvailablePlans → 200, silver and gold with every field of the contract’s Plan; not the private platinum001 nor the stop-sold legacy', async () => {
    const res = await isv('GET', sub(id, '/listAvailablePlans'));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/{subscriptionId}/listAvailablePlans', 200, res.json);
    // offer1's seat prices: 10 USD a month, 100 a year; no metered dimensions.
    const recurrentBillingTerms = [billingTerm('P1M', '1 month', 10), billingTerm('P1Y', '1 year', 100)];
    const perSeat = (planId: string, displayName: string, maxQuantity: number) => ({
      planId,
      displayName,
      description: `${displayName} per seat`,
      market: 'US',
      ...PUBLIC_NO_TRIAL,
      isPricePerSeat: true,
      minQuantity: 1,
      maxQuantity,
      planComponents: { recurrentBillingTerms, meteringDimensions: [] },
    });
    expect(res.json).toEqual({ plans: [perSeat('silver', 'Silver', 50), perSeat('gold', 'Gold', 500)] });
  });

  it('C.7-66, C.9-76/79/82, C.6-45: the customer changes the seats 25 → 30 in the storefront; the ISV finds the Azure operation, validates it, PATCHes Success → 200; Succeeded, 30 seats; a second PATCH → 409', async () => {
    const started = await h.call('POST', `/api/storefront/subscriptions/${id}/changeQuantity`, CUSTOMER, { body: { quantity: 30 } });
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    const opId = String(started.json['id']);
    expect(opId).toMatch(GUID);
    const location = sub(id, `/operations/${opId}`);
    const change = { planId: 'gold', quantity: 30, action: 'ChangeQuantity', operationRequestSource: 'Azure' } as const;
    const expected = operation(id, opId, { ...change, status: 'InProgress' }, started.json['activityId']);
    expect(started.json['activityId']).toMatch(GUID);
    expect(started.json).toEqual(expected);

    // The webhook announces it with the operation's id; the ISV validates it with Get Operation before acting [004:26163].
    await expectWebhookOf(expected);
    expect(await readOperation(location)).toEqual(expected);
    expect(await outstanding()).toEqual({ operations: [expected] });
    // Waiting for the ISV's answer: the seats are still 25.
    expect(await view()).toMatchObject({ planId: 'gold', quantity: 25 });

    const ack = await isv('PATCH', location, { body: { status: 'Success' } });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect(ack.json).toEqual({});
    expect(await readOperation(location)).toEqual({ ...expected, status: 'Succeeded', timeStamp: expect.stringMatching(ISO_UTC) });
    expect(await view()).toEqual(subscription({ planId: 'gold', quantity: 30, saasSubscriptionStatus: 'Subscribed', term: term ?? {} }));
    expect(await outstanding()).toEqual({ operations: [] });
    const again = await isv('PATCH', location, { body: { status: 'Failure' } });
    expect([again.status, again.json['code']]).toEqual([409, 'OperationAlreadyCompleted']);
    expect(await view()).toMatchObject({ planId: 'gold', quantity: 30 });
  });

  it('C.8-68/75, C.9-83: delete → 202 + Operation-Location; polled: Unsubscribe Succeeded; Unsubscribed and still listed; its webhook says Success; PATCH → 409', async () => {
    const { opId, location } = accepted(await isv('DELETE', sub(id)), id);
    const done = await finalOf(location);
    expect(done).toEqual(
      operation(id, opId, { planId: 'gold', quantity: 30, action: 'Unsubscribe', status: 'Succeeded', operationRequestSource: 'Partner' }),
    );
    const cancelled = subscription({ planId: 'gold', quantity: 30, saasSubscriptionStatus: 'Unsubscribed', term: term ?? {} });
    expect(await view()).toEqual(cancelled);
    const listed = await isv('GET', `/api/saas/subscriptions?${V}`);
    contract('get', '/saas/subscriptions/', 200, listed.json);
    expect((listed.json['subscriptions'] as { id: string }[]).filter((s) => s.id === id)).toEqual([cancelled]);
    // Sent after the cancellation completed, inform-only [004:25921] (DEC-A30).
    await expectWebhookOf(done, 'Success');
    const ack = await isv('PATCH', location, { body: { status: 'Success' } });
    expect([ack.status, ack.json['code']]).toEqual([409, 'OperationAlreadyCompleted']);
    expect(await outstanding()).toEqual({ operations: [] });
    // Every webhook of the sequence, in order: none for the purchase or the activation (DEC-A31).
    expect(h.received.filter((r) => r.body['subscriptionId'] === id).map((r) => r.body['action'])).toEqual([
      'ChangePlan',
      'ChangeQuantity',
      'ChangeQuantity',
      'Unsubscribe',
    ]);
  });
});

describe('a flat-rate plan with metered dimensions (C.2-18, C.5-41)', () => {
  it('resolve and GET omit quantity; listAvailablePlans gives the metering dimensions and the units each term includes', async () => {
    const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
      body: { publisherId: 'contoso', offerId: METERED_OFFER, planId: 'basic', termUnit: 'P1M' },
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const id = String(bought.json['subscriptionId']);
    const resolved = await isv('POST', `/api/saas/subscriptions/resolve?${V}`, {
      headers: { 'x-ms-marketplace-token': String(bought.json['purchaseToken']) },
    });
    expect(resolved.status, JSON.stringify(resolved.json)).toBe(200);
    contract('post', '/saas/subscriptions/resolve', 200, resolved.json);
    expect(resolved.json).toMatchObject({ id, offerId: METERED_OFFER, planId: 'basic' });
    expect(Object.keys(resolved.json)).not.toContain('quantity');
    expect((await isv('POST', sub(id, '/activate'), { body: { planId: 'basic' } })).status).toBe(200);
    const got = await isv('GET', sub(id));
    contract('get', '/saas/subscriptions/{subscriptionId}', 200, got.json);
    expect(got.json).toMatchObject({ id, offerId: METERED_OFFER, planId: 'basic', saasSubscriptionStatus: 'Subscribed' });
    expect(Object.keys(got.json)).not.toContain('quantity');

    const res = await isv('GET', sub(id, '/listAvailablePlans'));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    contract('get', '/saas/subscriptions/{subscriptionId}/listAvailablePlans', 200, res.json);
    // Only `basic`: `enterprise` is private to another tenant. Units as strings, ∞ as "Unlimited" [L16008].
    expect(res.json).toEqual({
      plans: [
        {
          planId: 'basic',
          displayName: 'Basic plan',
          description: 'Send 10000 emails and 1000 texts per month.',
          market: 'US',
          ...PUBLIC_NO_TRIAL,
          isPricePerSeat: false,
          planComponents: {
            recurrentBillingTerms: [
              { ...billingTerm('P1M', '1 month', 0), meteredQuantityIncluded: included('10000', '1000') },
              { ...billingTerm('P1Y', '1 year', 0), meteredQuantityIncluded: included('Unlimited', 'Unlimited') },
            ],
            meteringDimensions: [
              { id: 'email', currency: 'USD', pricePerUnit: 1, unitOfMeasure: 'per 100 emails', displayName: 'email message' },
              { id: 'text', currency: 'USD', pricePerUnit: 0.02, unitOfMeasure: 'for 1 text message', displayName: 'text message' },
            ],
          },
        },
      ],
    });
  });
});
