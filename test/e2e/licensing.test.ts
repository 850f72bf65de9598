/**
 * License management over HTTP against the built host (issue 15; specs/saas-licensing.md B1.3, B1.5, B1.7, C.14,
 * C.16): a per-seat SaaS subscription bought and activated, linked to its tenant's pool; the Partner Center
 * `licenseupdates` route with the sample body of seed 003 and its exact answers; seats following the
 * subscription (quantity change on Success, suspension, cancellation); the license check and who may read it,
 * from this host at once and from other host processes on the same storage within LICENSING_CACHE_TTL_MS. No test
 * sleeps: a bound is waited for by polling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameGuid, type TokenRequest } from '../../shared/auth/tokens';
import { skuIdOf } from '../../shared/licensing/rules/sku';
import { startTestHost, type TestHost } from '../fixtures/host';
import { startSaasHarness, until, V, type SaasHarness } from '../fixtures/saas-harness';
import { customerRequest, publisherRequest, tokenFor } from '../fixtures/tokens';
import { offer1 } from '../integration/saas/fixture';

let h: SaasHarness;
const TENANT = nameGuid('tenant', 'tb');
const SERVICE = 'contoso.offer1.silver';
const SKU = skuIdOf(SERVICE);
const userId = (name: string) => nameGuid('user', name);
const ADMIN: TokenRequest = { ...customerRequest('tb', 'admin'), roles: ['License Administrator'] };

beforeAll(async () => {
  h = await startSaasHarness({ LICENSING_BLOCKED_TENANTS: nameGuid('tenant', 'blocked') });
  const offer = offer1(h.sinkUrl);
  const put = await h.call('PUT', `/api/publishers/contoso/offers/${offer.id}?api-version=2017-10-31`, 'contoso', { body: offer });
  expect(put.status, JSON.stringify(put.json)).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function as(
  request: TokenRequest | 'none',
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  host = h.host,
) {
  const all: Record<string, string> = { ...headers };
  if (request !== 'none') all['authorization'] = `Bearer ${await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, request)}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${path}`, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function activated(quantity: number): Promise<string> {
  const bought = await h.call(
    'POST',
    '/api/storefront/purchases',
    { customer: ['tb', 'buyer'] },
    {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity, termUnit: 'P1M' },
    },
  );
  expect(bought.status, JSON.stringify(bought.json)).toBe(201);
  const id = bought.json['subscriptionId'] as string;
  const activate = await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { body: { planId: 'silver', quantity } });
  expect(activate.status).toBe(200);
  return id;
}

const SAMPLE = (sku: string) => ({
  LicensesToAssign: [{ ExcludedPlans: null, SkuId: sku }],
  LicensesToRemove: null,
  LicenseWarnings: null,
  Attributes: { ObjectType: 'LicenseUpdate' },
});
const updates = (user: string, customer = TENANT) => `/v1/customers/${customer}/users/${userId(user)}/licenseupdates`;
const check = (user: string) => `/api/licensing/check?tenantId=${TENANT}&userId=${userId(user)}&serviceId=${SERVICE}`;
const pools = () => `/api/licensing/tenants/${TENANT}/pools`;

describe('license management over HTTP', () => {
  it('assigns seats of a linked subscription exactly as seed 003 answers, and refuses the third of two (C.14-115/116)', async () => {
    const sub = await activated(2);
    const link = await as(ADMIN, 'PUT', `/api/licensing/tenants/${TENANT}/subscriptions/${sub}`);
    expect(link.status, JSON.stringify(link.json)).toBe(201);
    expect(link.json).toMatchObject({ serviceId: SERVICE, skuId: SKU, provisioned: 2, assigned: 0, available: 2, state: 'Active' });
    expect((await as(ADMIN, 'PUT', `/api/licensing/tenants/${TENANT}/subscriptions/${sub}`)).status).toBe(200);

    const requestId = '0f9a2e44-5a0b-4f4e-8f7e-0b8c5f2b6a11';
    const first = await as(ADMIN, 'POST', updates('u1'), SAMPLE(SKU), { 'MS-RequestId': requestId, 'MS-CorrelationId': requestId });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ licensesToAssign: [{ skuId: SKU }], licenseWarnings: [], attributes: { objectType: 'LicenseUpdate' } });
    expect(first.headers.get('ms-requestid')).toBe(requestId);
    expect(first.headers.get('ms-correlationid')).toBe(requestId);
    expect(first.headers.get('ms-cv')).toBeTruthy();
    expect((await as(ADMIN, 'POST', updates('u1'), SAMPLE(SKU))).status).toBe(201); // idempotent (C.14-119)
    expect((await as(ADMIN, 'POST', updates('u2'), { licensesToAssign: [{ skuId: SKU }] })).status).toBe(201); // camelCase (C.14-122)

    const third = await as(ADMIN, 'POST', updates('u3'), SAMPLE(SKU));
    expect(third.status).toBe(400);
    expect(third.json).toEqual({
      code: 60012,
      description: 'We are sorry, it looks like you have run out of licenses. Buy more licenses, and then try again.',
      data: [
        `LicenseQuotaExceededException : Subscription with Account ${TENANT} and SKU ${SKU} does not have any available licenses left.`,
      ],
      source: 'PartnerFD',
    });
    expect(third.headers.get('ms-requestid')).toBeTruthy();
    expect((await as(ADMIN, 'GET', pools())).json).toMatchObject({ pools: [{ provisioned: 2, assigned: 2, available: 0 }] });
    expect((await as(publisherRequest('contoso'), 'GET', check('u1'))).json).toEqual({
      tenantId: TENANT,
      userId: userId('u1'),
      serviceId: SERVICE,
      hasLicense: true,
      state: 'Active',
    });
    expect((await as(publisherRequest('contoso'), 'GET', check('u3'))).json).toMatchObject({ hasLicense: false, reason: 'NotAssigned' });

    // Seats follow the subscription: a quantity change counts once its operation succeeded (C.16-137).
    const patch = await h.call('PATCH', `/api/saas/subscriptions/${sub}?${V}`, 'contoso', { body: { quantity: 3 } });
    expect(patch.status).toBe(202);
    expect((await as(ADMIN, 'GET', pools())).json).toMatchObject({ pools: [{ provisioned: 2 }] });
    const opId = patch.headers.get('operation-id') ?? '';
    // The ISV's own change completes by itself after its delay on the project clock (SAAS_ISV_CHANGE_DELAY_MS).
    await h.advance('PT11S');
    await until('the quantity change to succeed', async () => {
      const op = await h.call('GET', `/api/saas/subscriptions/${sub}/operations/${opId}?${V}`, 'contoso');
      return op.json['status'] === 'Succeeded' ? true : undefined;
    });
    expect((await as(ADMIN, 'GET', pools())).json).toMatchObject({ pools: [{ provisioned: 3, available: 1 }] });
    expect((await as(ADMIN, 'POST', updates('u3'), SAMPLE(SKU))).status).toBe(201);

    // Removing a license the user does not hold: 201 with a warning (C.14-121).
    const notHeld = await as(ADMIN, 'POST', updates('u9'), { LicensesToRemove: [SKU] });
    expect(notHeld.status).toBe(201);
    expect(notHeld.json).toEqual({
      licensesToRemove: [SKU],
      licenseWarnings: [{ code: 'LicenseNotAssigned', message: `The user does not hold a license of SKU ${SKU}.`, servicePlans: [] }],
      attributes: { objectType: 'LicenseUpdate' },
    });

    // Suspension keeps assignments but grants nothing; cancellation frees the seats (C.16-139/140).
    expect((await h.call('POST', `/api/admin/subscriptions/${sub}/suspend`, 'operator')).status).toBe(200);
    expect((await as(ADMIN, 'GET', check('u1'))).json).toMatchObject({ hasLicense: false, reason: 'SubscriptionSuspended' });
    expect((await h.call('DELETE', `/api/saas/subscriptions/${sub}?${V}`, 'contoso')).status).toBe(202);
    const cancelled = await as(ADMIN, 'GET', check('u1'));
    expect(cancelled.json).toMatchObject({ hasLicense: false, reason: 'SubscriptionUnsubscribed' });
    expect((await as(ADMIN, 'GET', pools())).json).toMatchObject({ pools: [{ provisioned: 0, available: 0, state: 'Unsubscribed' }] });
  }, 60_000);

  it('refuses app-only tokens (900316), blocked tenants (900309), other tenants and missing roles (960005), bad bodies (960002)', async () => {
    const appOnly = await as(publisherRequest('contoso'), 'POST', updates('u1'), SAMPLE(SKU));
    expect(appOnly.status).toBe(400);
    expect(appOnly.json).toEqual({
      code: 900316,
      description:
        'Partner token is not allowed in license management calls. Please call with Partner Access Token. To learn more, see https://learn.microsoft.com/partner-center/developer/enable-secure-app-model#get-access-token',
      source: 'PartnerFD',
    });
    const blockedTenant = nameGuid('tenant', 'blocked');
    const blocked = await as(
      { ...customerRequest('blocked', 'admin'), roles: ['License Administrator'] },
      'POST',
      updates('u1', blockedTenant),
      SAMPLE(SKU),
    );
    expect(blocked.status).toBe(403);
    expect(blocked.json).toMatchObject({ code: 900309, source: 'PartnerFD' });
    expect(String(blocked.json['description'])).toMatch(/^Access has been blocked by Conditional Access policies\./);
    expect((await as(customerRequest('tb', 'plain-user'), 'POST', updates('u1'), SAMPLE(SKU))).json).toMatchObject({ code: 960005 });
    expect(
      (await as({ ...customerRequest('tc', 'admin'), roles: ['License Administrator'] }, 'POST', updates('u1'), SAMPLE(SKU))).status,
    ).toBe(403);
    expect((await as(ADMIN, 'POST', updates('u1'), '{"LicensesToAssign":')).json).toMatchObject({ code: 960002 });
    const notJson = await fetch(`${h.host.url}${updates('u1')}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, ADMIN)}`,
        'content-type': 'application/json',
      },
      body: '{"LicensesToAssign":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 960002, source: 'PartnerFD' });
    expect((await as(ADMIN, 'POST', `/v1/customers/TL/users/${userId('u1')}/licenseupdates`, SAMPLE(SKU))).status).toBe(403);
    expect((await as(ADMIN, 'POST', updates('u1'), SAMPLE('0a1b2c3d-be16-40ed-86d5-cb42ce701561'))).json).toMatchObject({ code: 960001 });
    expect((await as('none', 'POST', updates('u1'), SAMPLE(SKU))).status).toBe(401);
  });

  it('shows the check only to the publisher and the tenant, 404 for an unknown Service ID (C.17-141)', async () => {
    expect((await as(publisherRequest('fabrikam'), 'GET', check('u1'))).status).toBe(403);
    expect((await as(customerRequest('tc', 'admin'), 'GET', check('u1'))).status).toBe(403);
    expect((await as(customerRequest('tb', 'u1'), 'GET', check('u1'))).status).toBe(200);
    const unknown = await as(
      publisherRequest('contoso'),
      'GET',
      `/api/licensing/check?tenantId=${TENANT}&userId=${userId('u1')}&serviceId=Nope.Nope.nope`,
    );
    expect(unknown.status).toBe(404);
    expect((await as(publisherRequest('contoso'), 'GET', '/api/licensing/check?tenantId=x')).status).toBe(400);
    const report = await as(publisherRequest('contoso'), 'GET', `/api/licensing/reports/licenses?tenantId=${TENANT}`);
    expect(report.status).toBe(200);
    expect((report.json['rows'] as Record<string, unknown>[]).length).toBeGreaterThan(0);
    expect((report.json['rows'] as Record<string, unknown>[])[0]).toMatchObject({
      'Tenant ID': TENANT,
      'Service ID': SERVICE,
      'Product ID': 'offer1',
    });
    expect((await as(publisherRequest('fabrikam'), 'GET', '/api/licensing/reports/licenses')).json).toMatchObject({ rows: [] });
    expect((await as(publisherRequest('contoso'), 'GET', '/api/licensing/reports/licenses?from=2020-01&to=2021-06')).status).toBe(400);
    expect((await as(ADMIN, 'GET', '/api/licensing/reports/licenses')).status).toBe(403);
  });

  it('the same host sees an assignment change at its next check; another host within LICENSING_CACHE_TTL_MS (decision 0803)', async () => {
    const sub = await activated(5);
    expect((await as(ADMIN, 'PUT', `/api/licensing/tenants/${TENANT}/subscriptions/${sub}`)).status).toBe(200);
    const publisher = publisherRequest('contoso');
    const onHost = async (host: TestHost) => (await as(publisher, 'GET', check('x1'), undefined, {}, host)).json['hasLicense'];
    // A second host with a short bound, and one whose bound outlasts the test (its cached answer stays stale).
    const [second, lasting] = await Promise.all([
      startTestHost({ ...h.env, LICENSING_CACHE_TTL_MS: '300' }),
      startTestHost({ ...h.env, LICENSING_CACHE_TTL_MS: '600000' }),
    ]);
    try {
      // Every host has cached "not assigned" (the pool row and the missing assignment row).
      for (const host of [h.host, second, lasting]) expect(await onHost(host)).toBe(false);
      expect((await as(ADMIN, 'POST', updates('x1'), SAMPLE(SKU))).status).toBe(201);
      expect(await onHost(h.host)).toBe(true); // the writing host: at once, its cache dropped by the commit
      expect(await onHost(lasting)).toBe(false); // another host: the stale answer the bound allows
      await until(
        'the second host to see the assignment once its 300 ms have passed',
        async () => ((await onHost(second)) ? true : undefined),
        10_000,
      );
      expect(await onHost(second)).toBe(true);

      // A removal through the second host: seen there at once, on the first host within its bound (default 5 s).
      expect((await as(ADMIN, 'POST', updates('x1'), { LicensesToRemove: [SKU] }, {}, second)).status).toBe(201);
      expect(await onHost(second)).toBe(false);
      await until(
        'the first host to see the removal within LICENSING_CACHE_TTL_MS',
        async () => ((await onHost(h.host)) === false ? true : undefined),
        15_000,
      );
      expect(await onHost(lasting)).toBe(false); // it never saw the assignment
    } finally {
      await Promise.all([second.stop(), lasting.stop()]);
    }
  }, 60_000);
});
