/**
 * Managed-application metering over the built host (issue 17; specs/metering.md T87–T95; decisions 0313, 0314):
 * contoso sells a managed application plan with two dimensions; a customer deploys it on ARM's path; the ISV
 * reports usage by resourceUsageId or resourceUri with its Entra app token, the application's managed identity
 * reports single events for its own app only, and batches need the Entra app token. Ids include test GUIDs that
 * are not RFC 4122 variants (11111111-…), which the marketplace accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRequest } from '../../shared/auth/tokens';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const APPS = 'microsoft-azure-applications';
const MP = 'microsoft-azure-marketplace';
const SUB = '11111111-1111-1111-1111-111111111111';
const R1 = `/subscriptions/${SUB}/resourceGroups/rg-coa-1/providers/Microsoft.Solutions/applications/coa-1`;
const MRG1 = `/subscriptions/${SUB}/resourceGroups/mrg-coa-1`;
const R2 = `/subscriptions/${SUB}/resourceGroups/rg-coa-2/providers/Microsoft.Solutions/applications/coa-2`;
const MRG2 = `/subscriptions/${SUB}/resourceGroups/mrg-coa-2`;

let host: TestHost;
let keyFile: string;

beforeAll(async () => {
  const env = testEnv({});
  keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
  host = await startTestHost(env);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

const identity = (resourceId: string): TokenRequest => ({
  kind: 'managedIdentity',
  tenantId: '22222222-2222-2222-2222-222222222222',
  resourceId,
});

async function call(method: string, path: string, who: TokenRequest | 'none', body?: unknown) {
  const headers: Record<string, string> = {};
  if (who !== 'none') headers['authorization'] = `Bearer ${await tokenFor(keyFile, who)}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

function coaOffer(planType = 'managedApplication') {
  return {
    publisherId: 'contoso',
    offerTypeId: APPS,
    id: 'contoso-coa',
    definition: {
      displayText: 'Contoso Analytics',
      offer: {
        [`${MP}.title`]: 'Contoso Analytics',
        [`${APPS}.aadTenantId`]: SUB,
        [`${APPS}.aadAppId`]: '33333333-3333-3333-3333-333333333333',
        [`${APPS}.meteredDimensions`]: [
          { id: 'gb', displayName: 'GB analysed', unitOfMeasure: 'per 1 GB' },
          { id: 'reports', displayName: 'Reports', unitOfMeasure: 'per report' },
        ],
      },
      plans: [
        {
          planId: 'base',
          [`${APPS}.planName`]: 'Base',
          [`${APPS}.planType`]: planType,
          [`${APPS}.pricing`]: {
            monthlyPriceUSD: 0,
            dimensions: [
              { id: 'gb', pricePerUnitUSD: 10, includedQuantityMonthly: 100 },
              { id: 'reports', pricePerUnitUSD: 1, includedQuantityMonthly: 100 },
            ],
          },
        },
      ],
    },
  };
}

const deployBody = (mrg: string, plan = 'base') => ({
  kind: 'MarketPlace',
  location: 'westus2',
  plan: { publisher: 'contoso', product: 'contoso-coa', name: plan, version: '1' },
  properties: { managedResourceGroupId: mrg },
});
const appPath = (id: string) => `${id}?api-version=2019-07-01`;
const single = (who: TokenRequest, body: unknown) => call('POST', '/api/usageEvent?api-version=2018-08-31', who, body);
const batch = (who: TokenRequest, request: unknown[]) => call('POST', '/api/batchUsageEvent?api-version=2018-08-31', who, { request });

describe('managed application metering', () => {
  let U1 = '';
  let at = '';

  it('a customer deploys a managed application plan and gets its resourceUsageId and identity', async () => {
    const put = await call(
      'PUT',
      '/api/publishers/contoso/offers/contoso-coa?api-version=2017-10-31',
      publisherRequest('contoso'),
      coaOffer(),
    );
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    const freeze = await call('POST', '/api/admin/offers/contoso/contoso-coa/freeze', operatorRequest());
    expect(freeze.status, JSON.stringify(freeze.json)).toBe(201);

    const customer = customerRequest('fabrikam', 'ann');
    const deployed = await call('PUT', appPath(R1), customer, deployBody(MRG1));
    expect(deployed.status, JSON.stringify(deployed.json)).toBe(201);
    expect(deployed.json).toMatchObject({
      id: R1,
      name: 'coa-1',
      type: 'Microsoft.Solutions/applications',
      kind: 'MarketPlace',
      plan: { publisher: 'contoso', product: 'contoso-coa', name: 'base', version: '1' },
      identity: { type: 'SystemAssigned' },
      properties: { provisioningState: 'Succeeded', managedResourceGroupId: MRG1 },
    });
    const props = deployed.json['properties'] as { billingDetails: { resourceUsageId: string }; createdAt: string };
    U1 = props.billingDetails.resourceUsageId;
    at = props.createdAt;
    expect(U1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    // The same deployment again is the same application (200); another plan or group for the id is a conflict.
    const again = await call('PUT', appPath(R1), customer, deployBody(MRG1));
    expect(again.status).toBe(200);
    expect((again.json['properties'] as typeof props).billingDetails.resourceUsageId).toBe(U1);
    expect((await call('PUT', appPath(R1), customer, deployBody(MRG2))).status).toBe(409);
    // A managed resource group must be another group of the same subscription.
    const own = await call('PUT', appPath(R2), customer, deployBody(`/subscriptions/${SUB}/resourceGroups/rg-coa-2`));
    expect(own.status).toBe(400);
    expect((await call('PUT', appPath(R2), customer, deployBody(MRG2, 'nope'))).status).toBe(404);
    expect((await call('PUT', appPath(R2), customer, deployBody(MRG2))).status).toBe(201);

    // The application's own identity reads it, as the seed's script does, to find its resourceUsageId.
    const read = await call('GET', appPath(R1), identity(`${MRG1}/providers/Microsoft.Compute/virtualMachines/vm1`));
    expect(read.status, JSON.stringify(read.json)).toBe(200);
    expect((read.json['properties'] as typeof props).billingDetails.resourceUsageId).toBe(U1);
    expect((await call('GET', appPath(R1), identity(`${MRG2}/providers/Microsoft.Compute/virtualMachines/vm1`))).status).toBe(403);
    expect((await call('GET', appPath(R1), customerRequest('contoso-not-customer', 'x'))).status).toBe(404);
  });

  it('the Entra app token reports by resourceUsageId (T87), the same hour by resourceUri is a duplicate (T93)', async () => {
    const event = { resourceId: U1, quantity: 2.5, dimension: 'gb', effectiveStartTime: at, planId: 'base' };
    const first = await single(publisherRequest('contoso'), event);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ status: 'Accepted', resourceId: U1, quantity: 2.5, dimension: 'gb', planId: 'base' });
    const { resourceId: _, ...rest } = event;
    const byUri = await single(publisherRequest('contoso'), { ...rest, resourceUri: R1, quantity: 7 });
    expect(byUri.status).toBe(409);
    expect(byUri.json).toMatchObject({ additionalInfo: { acceptedMessage: { usageEventId: first.json['usageEventId'], quantity: 2.5 } } });
  });

  it("the application's managed identity reports single events for its own app (T88) and only for it (T94)", async () => {
    const event = { resourceUri: R1, quantity: 1, dimension: 'reports', effectiveStartTime: at, planId: 'base' };
    const vm1 = identity(`${MRG1}/providers/Microsoft.Compute/virtualMachines/vm1`);
    const ok = await single(vm1, event);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ status: 'Accepted', resourceUri: R1, dimension: 'reports' });
    expect((await single(identity(R1), { ...event, resourceUri: undefined, resourceId: U1, dimension: 'gb' })).status).toBe(409);
    const other = await single(identity(`${MRG2}/providers/Microsoft.Compute/virtualMachines/vm1`), { ...event, dimension: 'gb' });
    expect(other.status).toBe(403);
    // A managed identity cannot report for a SaaS subscription or in a batch (T90).
    expect((await batch(vm1, [event])).status).toBe(403);
  });

  it('batch by resourceUri with the Entra app token (T89, T91, T95), and another publisher gets ResourceNotAuthorized', async () => {
    const next = new Date(Date.parse(at) + 3600_000 > Date.now() ? Date.parse(at) : Date.parse(at) + 3600_000).toISOString();
    const items = [
      { resourceUri: R2, quantity: 1, dimension: 'reports', effectiveStartTime: next, planId: 'base' },
      { resourceUri: R1, resourceId: U1, quantity: 1, dimension: 'reports', effectiveStartTime: next, planId: 'base' },
      { resourceUri: `${R1}x`, quantity: 1, dimension: 'reports', effectiveStartTime: next, planId: 'base' },
    ];
    const res = await batch(publisherRequest('contoso'), items);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const result = res.json['result'] as { status: string; resourceUri?: string }[];
    expect(result.map((r) => r.status)).toEqual(['Accepted', 'BadArgument', 'ResourceNotFound']);
    expect(result[0]?.resourceUri).toBe(R2);
    const foreign = await batch(publisherRequest('fabrikam'), [items[0]]);
    expect((foreign.json['result'] as { status: string }[])[0]?.status).toBe('ResourceNotAuthorized');
  });

  it('both identifiers or neither on the single endpoint are the seed’s 400s (T91)', async () => {
    const base = { quantity: 1, dimension: 'gb', effectiveStartTime: at, planId: 'base' };
    const both = await single(publisherRequest('contoso'), { ...base, resourceId: U1, resourceUri: R1 });
    expect(both.status).toBe(400);
    expect(both.json).toMatchObject({
      code: 'BadArgument',
      target: 'usageEventRequest',
      details: [{ code: 'BadArgument', target: 'ResourceId' }],
    });
    const neither = await single(publisherRequest('contoso'), base);
    expect(neither.json).toEqual({
      message: 'One or more errors have occurred.',
      target: 'usageEventRequest',
      details: [{ message: 'The resourceId is required.', target: 'ResourceId', code: 'BadArgument' }],
      code: 'BadArgument',
    });
  });

  it('a solution template plan cannot carry dimensions, so it is never sold with them', async () => {
    const offer = { ...coaOffer('solutionTemplate'), id: 'contoso-st' };
    expect(
      (await call('PUT', '/api/publishers/contoso/offers/contoso-st?api-version=2017-10-31', publisherRequest('contoso'), offer)).status,
    ).toBe(201);
    const freeze = await call('POST', '/api/admin/offers/contoso/contoso-st/freeze', operatorRequest());
    expect(freeze.status).toBe(422);
    expect(JSON.stringify(freeze.json)).toContain('metered dimensions apply to managed application plans only');
  });
});
