/**
 * A managed application's statement and anomaly through the API over the built host (issue 17: "the same
 * statements and anomaly detection as SaaS usage"; decision 0314): a customer deploys contoso's managed application
 * plan, the ISV reports a day's usage for 15 days on the test clock — by resourceUri on even days and by
 * resourceUsageId on odd days, one series either way — with a spike on the last day. The operator's on-demand
 * detection flags that day for the application's resourceUsageId; the publisher marks it and the application's
 * monthly statement (from the deployment's day, A10) carries the credit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRequest } from '../../shared/auth/tokens';
import { DAY_MS } from '../../shared/metering/rules/time';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const APPS = 'microsoft-azure-applications';
const MP = 'microsoft-azure-marketplace';
const SUB = '11111111-1111-1111-1111-111111111111';
const APP = `/subscriptions/${SUB}/resourceGroups/rg-bill/providers/Microsoft.Solutions/applications/coa-bill`;
const MRG = `/subscriptions/${SUB}/resourceGroups/mrg-coa-bill`;
const V = 'api-version=2018-08-31';
const SPIKE_DAY = 14;
const usualDay = (i: number) => 100 + ((i * 7) % 11) - 5;

let host: TestHost;
let keyFile: string;
// Day 0 is tomorrow (UTC): the clock only moves forward from real time.
const FIRST_DAY = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
const at = (day: number, time: string) => new Date(FIRST_DAY + day * DAY_MS).toISOString().replace('00:00:00.000Z', `${time}Z`);
const dayOf = (day: number) => at(day, '').slice(0, 10);

beforeAll(async () => {
  const env = testEnv({});
  keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
  host = await startTestHost(env);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

/** Tokens valid over the whole series on the project clock. */
const tokens = new Map<string, string>();
async function tokenOf(who: TokenRequest): Promise<string> {
  const key = JSON.stringify(who);
  if (!tokens.has(key)) tokens.set(key, await tokenFor(keyFile, who, { now: new Date(Date.now() - 60_000), lifetimeSeconds: 40 * 86_400 }));
  return tokens.get(key) as string;
}

async function call(method: string, path: string, who: TokenRequest, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(who)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function setClock(now: string) {
  const res = await call('PUT', '/api/admin/clock', operatorRequest(), { now });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}

const offer = {
  publisherId: 'contoso',
  offerTypeId: APPS,
  id: 'contoso-bill',
  definition: {
    displayText: 'Contoso Billing Analytics',
    offer: {
      [`${MP}.title`]: 'Contoso Billing Analytics',
      [`${APPS}.aadTenantId`]: SUB,
      [`${APPS}.aadAppId`]: '33333333-3333-3333-3333-333333333333',
      [`${APPS}.meteredDimensions`]: [{ id: 'gb', displayName: 'GB analysed', unitOfMeasure: 'per 1 GB' }],
    },
    plans: [
      {
        planId: 'base',
        [`${APPS}.planName`]: 'Base',
        [`${APPS}.planType`]: 'managedApplication',
        [`${APPS}.pricing`]: { monthlyPriceUSD: 0, dimensions: [{ id: 'gb', pricePerUnitUSD: 10, includedQuantityMonthly: 100 }] },
      },
    ],
  },
};

interface Line {
  dimension: string;
  acceptedQuantity: number;
  includedQuantity: number;
  chargeUSD: number;
  adjustmentUSD: number;
  netChargeUSD: number;
}

describe("a managed application's statement and anomaly", () => {
  let usageId = '';

  beforeAll(async () => {
    await setClock(at(0, '10:00:00'));
    const put = await call('PUT', `/api/publishers/contoso/offers/contoso-bill?api-version=2017-10-31`, publisherRequest('contoso'), offer);
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    expect((await call('POST', '/api/admin/offers/contoso/contoso-bill/freeze', operatorRequest())).status).toBe(201);
    const deployed = await call('PUT', `${APP}?api-version=2019-07-01`, customerRequest('fabrikam', 'ann'), {
      kind: 'MarketPlace',
      location: 'westus2',
      plan: { publisher: 'contoso', product: 'contoso-bill', name: 'base', version: '1' },
      properties: { managedResourceGroupId: MRG },
    });
    expect(deployed.status, JSON.stringify(deployed.json)).toBe(201);
    usageId = (deployed.json['properties'] as { billingDetails: { resourceUsageId: string } }).billingDetails.resourceUsageId;

    for (let day = 0; day <= SPIKE_DAY; day += 1) {
      await setClock(at(day, '12:00:00'));
      const quantity = day === SPIKE_DAY ? 1000 : usualDay(day);
      const resource = day % 2 === 0 ? { resourceUri: APP } : { resourceId: usageId };
      const res = await call('POST', `/api/usageEvent?${V}`, publisherRequest('contoso'), {
        ...resource,
        quantity,
        dimension: 'gb',
        effectiveStartTime: at(day, '11:15:00'),
        planId: 'base',
      });
      expect(res.status, `day ${day}: ${JSON.stringify(res.json)}`).toBe(200);
    }
    // Two days later the spike's day is closed: the operator's on-demand run judges it (the weekly timer may too).
    await setClock(at(SPIKE_DAY + 2, '12:00:00'));
    const run = await call('POST', '/api/admin/metering/anomaly-detection', operatorRequest());
    expect(run.status, JSON.stringify(run.json)).toBe(200);
  }, 120_000);

  const statement = async (who = publisherRequest('contoso')) =>
    call('GET', `/api/billing/statements/${usageId}?date=${dayOf(SPIKE_DAY)}`, who);

  it('flags the spike for the application by its resourceUsageId, meter and day', async () => {
    const list = await call('GET', '/api/metering/anomalies', publisherRequest('contoso'));
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    const value = list.json['value'] as {
      subscriptionId: string;
      meterId: string;
      usageDate: string;
      reportedUsage: number;
      expectedUsage: number;
    }[];
    expect(value.map((a) => [a.subscriptionId, a.meterId, a.usageDate, a.reportedUsage])).toEqual([
      [usageId, 'gb', dayOf(SPIKE_DAY), 1000],
    ]);
    // Expected: the median of the 14 days before the spike (rules/anomaly.ts).
    const history = Array.from({ length: SPIKE_DAY }, (_, i) => usualDay(i)).sort((a, b) => a - b);
    expect(value[0]?.expectedUsage).toBe(((history[6] as number) + (history[7] as number)) / 2);
    // Another publisher sees none of it.
    const other = await call('GET', '/api/metering/anomalies?impact=all', publisherRequest('fabrikam'));
    expect(other.json['value']).toEqual([]);
  });

  it("bills the month from the deployment's day, both identifiers in one line, and credits the marked anomaly (usage is billed on top of the included quantity)", async () => {
    const before = await statement();
    expect(before.status, JSON.stringify(before.json)).toBe(200);
    expect(String(before.json['periodStart']).slice(0, 10)).toBe(dayOf(0));
    const accepted = Array.from({ length: SPIKE_DAY }, (_, i) => usualDay(i)).reduce((a, b) => a + b, 0) + 1000;
    const gb = (before.json['lines'] as Line[]).find((l) => l.dimension === 'gb');
    expect(gb).toMatchObject({ acceptedQuantity: accepted, includedQuantity: 100, chargeUSD: accepted * 10, adjustmentUSD: 0 });

    const list = await call('GET', '/api/metering/anomalies', publisherRequest('contoso'));
    const id = (list.json['value'] as { anomalyId: string }[])[0]?.anomalyId as string;
    const marked = await call('POST', `/api/metering/anomalies/${id}/markAsAnomaly`, publisherRequest('contoso'), {
      newReportedUsage: 100,
    });
    expect(marked.status, JSON.stringify(marked.json)).toBe(200);
    const after = await statement();
    const credited = (after.json['lines'] as Line[]).find((l) => l.dimension === 'gb');
    expect(credited).toMatchObject({ adjustmentUSD: -9000, netChargeUSD: accepted * 10 - 9000 });
    expect((await statement(publisherRequest('fabrikam'))).status).toBe(404);
  });
});
