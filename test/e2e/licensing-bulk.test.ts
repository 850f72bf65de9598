/**
 * Bulk and group license assignment through the durable workflow of the built host (issue 15; decision 0804;
 * C.15): a group larger than the free seats is refused until the admin picks a subset; queued users are Pending and
 * reserve their seats; the workflow settles each user, one whose approval fails stays Pending (retryable, seat
 * reserved) and the retry assigns it; bulk removal. Polls with a deadline; no sleeps for documented durations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameGuid, type TokenRequest } from '../../shared/auth/tokens';
import { startSaasHarness, until, V, type SaasHarness } from '../fixtures/saas-harness';
import { customerRequest, operatorRequest, tokenFor } from '../fixtures/tokens';
import { offer1 } from '../integration/saas/fixture';

let h: SaasHarness;
const TENANT = nameGuid('tenant', 'tb');
const SERVICE = 'contoso.offer1.silver';
const ADMIN: TokenRequest = { ...customerRequest('tb', 'admin'), roles: ['License Administrator'] };
const u = (n: number) => nameGuid('user', `bulk-${n}`);

beforeAll(async () => {
  h = await startSaasHarness();
  const offer = offer1(h.sinkUrl);
  expect(
    (await h.call('PUT', `/api/publishers/contoso/offers/${offer.id}?api-version=2017-10-31`, 'contoso', { body: offer })).status,
  ).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/offer1/freeze', 'operator')).status).toBe(201);
  const bought = await h.call(
    'POST',
    '/api/storefront/purchases',
    { customer: ['tb', 'buyer'] },
    {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 4, termUnit: 'P1M' },
    },
  );
  const id = bought.json['subscriptionId'] as string;
  expect(
    (await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { body: { planId: 'silver', quantity: 4 } })).status,
  ).toBe(200);
  expect((await as(ADMIN, 'PUT', `/api/licensing/tenants/${TENANT}/subscriptions/${id}`)).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function as(request: TokenRequest, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, request)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${h.host.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

type Item = { userId: string; state: string; displayStatus: string; retryable: boolean };
const settled = (batchId: string) =>
  until(`batch ${batchId} settled`, async () => {
    const view = await as(ADMIN, 'GET', `/api/licensing/batches/${batchId}`);
    const items = view.json['items'] as Item[];
    return items.every((i) => i.state !== 'PendingAssign' && i.state !== 'PendingRemoval') ? items : undefined;
  });

describe('bulk and group assignment over HTTP', () => {
  it('group too big → 60012; a subset is queued Pending, settles per user, the failed one is retried (C.15-130/133)', async () => {
    const group = await as(ADMIN, 'PUT', `/api/licensing/tenants/${TENANT}/groups/G1`, { members: [1, 2, 3, 4, 5, 6].map(u) });
    expect(group.status).toBe(201);
    const tooBig = await as(ADMIN, 'POST', `/api/licensing/tenants/${TENANT}/pools/${SERVICE}/assignments`, { groupId: 'G1' });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json).toMatchObject({
      code: '60012',
      detail: '6 users need a license and 4 are available: send a subset of at most 4 users.',
    });
    const outside = await as(ADMIN, 'POST', `/api/licensing/tenants/${TENANT}/pools/${SERVICE}/assignments`, {
      groupId: 'G1',
      subset: [u(1), u(99)],
    });
    expect(outside.json).toMatchObject({ status: 400, code: 'SubsetNotInGroup' });

    expect(
      (await as(operatorRequest(), 'PUT', `/api/admin/licensing/tenants/${TENANT}/users/${u(2)}/approval-fault`, { fail: true })).status,
    ).toBe(204);
    const queued = await as(ADMIN, 'POST', `/api/licensing/tenants/${TENANT}/pools/${SERVICE}/assignments`, {
      groupId: 'G1',
      subset: [1, 2, 3].map(u),
    });
    expect(queued.status, JSON.stringify(queued.json)).toBe(202);
    const batchId = queued.json['batchId'] as string;
    expect(queued.json).toMatchObject({ kind: 'assign', total: 3, groupId: 'G1' });
    const items = await settled(batchId);
    expect(items).toEqual([
      { userId: u(1), state: 'Active', displayStatus: 'Assigned', retryable: false },
      { userId: u(2), state: 'FailedAssign', displayStatus: 'Pending', retryable: true },
      { userId: u(3), state: 'Active', displayStatus: 'Assigned', retryable: false },
    ]);
    expect((await as(ADMIN, 'GET', `/api/licensing/tenants/${TENANT}/pools`)).json).toMatchObject({
      pools: [{ assigned: 2, reserved: 1, available: 1 }],
    });
    const check = (n: number) => as(ADMIN, 'GET', `/api/licensing/check?tenantId=${TENANT}&userId=${u(n)}&serviceId=${SERVICE}`);
    expect((await check(2)).json).toMatchObject({ hasLicense: false, reason: 'AssignmentPending' });

    expect(
      (await as(operatorRequest(), 'PUT', `/api/admin/licensing/tenants/${TENANT}/users/${u(2)}/approval-fault`, { fail: false })).status,
    ).toBe(204);
    expect((await as(ADMIN, 'POST', `/api/licensing/batches/${batchId}/retry`)).status).toBe(202);
    expect((await settled(batchId)).map((i) => i.state)).toEqual(['Active', 'Active', 'Active']);
    expect((await check(2)).json).toMatchObject({ hasLicense: true });

    const removal = await as(ADMIN, 'POST', `/api/licensing/tenants/${TENANT}/pools/${SERVICE}/unassignments`, { userIds: [u(1), u(9)] });
    expect(removal.status).toBe(202);
    expect(removal.json['skipped']).toEqual([
      { userId: u(9), warning: { code: 'LicenseNotAssigned', message: 'The user holds no assigned license of this plan.' } },
    ]);
    expect((await settled(removal.json['batchId'] as string)).map((i) => i.state)).toEqual(['Removed']);
    expect((await check(1)).json).toMatchObject({ hasLicense: false });
    expect((await as(ADMIN, 'GET', `/api/licensing/tenants/${TENANT}/pools`)).json).toMatchObject({
      pools: [{ assigned: 2, reserved: 0, available: 2 }],
    });
    expect((await as(customerRequest('tc', 'admin'), 'GET', `/api/licensing/batches/${batchId}`)).status).toBe(403);
  }, 90_000);
});
