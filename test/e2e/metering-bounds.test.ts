/**
 * Issue 20 over HTTP (decision record 0311): quantities beyond 10^9 (or not finite) get the documented
 * InvalidQuantity, usage for hours before the subscription started gets ResourceNotActive, and the largest
 * accepted quantity at the largest billable price, hour after hour, leaves statements, exports and the usage
 * report with finite, exact numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanTerms } from '../../shared/metering/model';
import { contractsAvailable } from '../fixtures/contracts';
import { event, OFFER, P1, saas } from '../fixtures/metering';
import { meteringContract, startMeteringHost, type MeteringHost } from '../fixtures/metering-host';

const V = '?api-version=2018-08-31';
const MAX_QUANTITY = 1_000_000_000;
const ABOVE_MAX_QUANTITY = 1000000000.0000001; // the smallest double above it
const MAX_PRICE = 1_000_000;
let m: MeteringHost;

beforeAll(async () => {
  m = await startMeteringHost(); // the test clock at NOW, 2024-03-10T12:30:00Z (and running)
  await m.seed(); // the fixture's plans (basic, …)
  await m.plans.put(P1, OFFER, {
    planId: 'max',
    dimensions: [{ id: 'email', enabled: true, pricePerUnitUSD: MAX_PRICE, includedQuantityMonthly: 0, unitOfMeasure: 'per email' }],
  } satisfies PlanTerms);
}, 60_000);
afterAll(async () => {
  await m?.stop();
});

const single = (body: unknown) => m.call('POST', `/api/usageEvent${V}`, { body });
const batch = (request: unknown[]) => m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
const raw = (path: string, text: string) => m.call('POST', `${path}${V}`, { raw: text, headers: { 'content-type': 'application/json' } });

function expectContract(path: '/usageEvent' | '/batchUsageEvent', status: number, body: unknown) {
  if (contractsAvailable) expect(meteringContract('post', path, status, body)).toBeUndefined();
}

const invalidQuantity = (message: string) => ({
  message: 'One or more errors have occurred.',
  target: 'usageEventRequest',
  details: [{ message, target: 'Quantity', code: 'InvalidQuantity' }],
  code: 'BadArgument',
});
const TOO_LARGE = 'The quantity must be at most 1000000000 for one hour.';

describe('quantities', () => {
  const id = 'b0b0b0b0-0000-4000-8000-000000000001';
  beforeAll(async () => {
    await m.resources.put(saas(id, 'max'));
  });

  it('accepts exactly 10^9 and answers the documented 400 InvalidQuantity above it, as for 0 (T28)', async () => {
    const ok = await single(event(id, { planId: 'max', quantity: MAX_QUANTITY, effectiveStartTime: '2024-03-10T01:15:00Z' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'Accepted', quantity: 1000000000 });
    const cases: [number, string][] = [
      [ABOVE_MAX_QUANTITY, TOO_LARGE],
      [1e308, TOO_LARGE],
      [0, 'The quantity must be greater than 0.'],
    ];
    for (const [quantity, message] of cases) {
      const res = await single(event(id, { planId: 'max', quantity, effectiveStartTime: '2024-03-10T02:15:00Z' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalidQuantity(message));
      expectContract('/usageEvent', 400, res.body);
    }
  });

  it('answers InvalidQuantity for a number JSON cannot hold as a double (1e400), not a malformed field', async () => {
    const text = JSON.stringify(event(id, { planId: 'max', effectiveStartTime: '2024-03-10T02:15:00Z' })).replace(
      '"quantity":5',
      '"quantity":1e400',
    );
    const res = await raw('/api/usageEvent', text);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidQuantity('The quantity must be a finite number.'));
  });

  it('gives batch items the per-item InvalidQuantity status, echoing the finite quantities (T75)', async () => {
    const items = [
      event(id, { planId: 'max', quantity: MAX_QUANTITY, effectiveStartTime: '2024-03-10T03:15:00Z' }),
      event(id, { planId: 'max', quantity: ABOVE_MAX_QUANTITY, effectiveStartTime: '2024-03-10T04:15:00Z' }),
      event(id, { planId: 'max', quantity: 1e308, effectiveStartTime: '2024-03-10T05:15:00Z' }),
      event(id, { planId: 'max', quantity: 7, effectiveStartTime: '2024-03-10T06:15:00Z' }),
    ];
    const res = await raw('/api/batchUsageEvent', JSON.stringify({ request: items }).replace('"quantity":7', '"quantity":1e400'));
    expect(res.status).toBe(200);
    const result = (res.body as { result: Record<string, unknown>[] }).result;
    expect(result.map((r) => r['status'])).toEqual(['Accepted', 'InvalidQuantity', 'InvalidQuantity', 'InvalidQuantity']);
    expect(result[1]).toEqual({
      status: 'InvalidQuantity',
      messageTime: '0001-01-01T00:00:00Z',
      error: { message: TOO_LARGE, code: 'InvalidQuantity' },
      resourceId: id,
      quantity: ABOVE_MAX_QUANTITY,
      dimension: 'email',
      effectiveStartTime: '2024-03-10T04:15:00Z',
      planId: 'max',
    });
    expect(result[2]).toMatchObject({ quantity: 1e308, error: { code: 'InvalidQuantity' } });
    expect(result[3]).not.toHaveProperty('quantity');
    expectContract('/batchUsageEvent', 200, res.body);
  });
});

describe('the start of a subscription', () => {
  const bought = 'b0b0b0b0-0000-4000-8000-000000000002';
  const early = 'b0b0b0b0-0000-4000-8000-000000000003';
  beforeAll(async () => {
    // Bought at 15:40, activated at 15:45: usage is accepted from 15:00 that day.
    await m.resources.put(
      saas(bought, 'basic', { activatedAt: '2024-03-09T15:45:00Z', plans: [{ planId: 'basic', from: '2024-03-09T15:40:00Z' }] }),
    );
    // The case: bought today at 10:00, activated at 10:05.
    await m.resources.put(
      saas(early, 'basic', { activatedAt: '2024-03-10T10:05:00Z', plans: [{ planId: 'basic', from: '2024-03-10T10:00:00Z' }] }),
    );
  });

  it('refuses 15:45 the day before the purchase with 400 ResourceNotActive', async () => {
    const res = await single(event(early, { effectiveStartTime: '2024-03-09T15:45:00Z' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', details: [{ code: 'ResourceNotActive', target: 'ResourceId' }] });
    expectContract('/usageEvent', 400, res.body);
  });

  it('refuses the hour before the start and accepts the hour of activation, single and batch', async () => {
    const before = await single(event(bought, { effectiveStartTime: '2024-03-09T14:59:59.999Z' }));
    expect(before.status).toBe(400);
    expect(before.body).toMatchObject({ details: [{ code: 'ResourceNotActive', target: 'ResourceId' }] });
    const first = await single(event(bought, { effectiveStartTime: '2024-03-09T15:00:00Z' }));
    expect(first.status, first.text).toBe(200);
    const res = await batch([
      event(bought, { dimension: 'text', effectiveStartTime: '2024-03-09T14:59:59Z' }),
      event(bought, { dimension: 'text', effectiveStartTime: '2024-03-09T15:59:59Z' }),
    ]);
    expect((res.body as { result: { status: string }[] }).result.map((r) => r.status)).toEqual(['ResourceNotActive', 'Accepted']);
  });
});

describe('statements, exports and the usage report at the bounds', () => {
  const id = 'b0b0b0b0-0000-4000-8000-000000000004';
  const HOUR = 3_600_000;
  const hours = (first: string, count: number) =>
    Array.from({ length: count }, (_, i) =>
      event(id, { planId: 'max', quantity: MAX_QUANTITY, effectiveStartTime: new Date(Date.parse(first) + i * HOUR).toISOString() }),
    );

  beforeAll(async () => {
    await m.resources.put(
      saas(id, 'max', {
        activatedAt: '2024-03-09T13:10:00Z',
        term: { termUnit: 'P1M', startDate: '2024-03-01' },
        customerName: 'Max Corp',
      }),
    );
    // 48 hours at 10^9 units and $10^6 a unit: 24 hourly buckets of the 24-hour window, twice.
    for (const [now, first] of [
      ['2024-03-10T12:30:00Z', '2024-03-09T13:15:00Z'],
      ['2024-03-11T12:30:00Z', '2024-03-10T13:15:00Z'],
    ] as const) {
      await m.setClock({ now });
      const res = await batch(hours(first, 24));
      expect(new Set((res.body as { result: { status: string }[] }).result.map((r) => r.status)), res.text).toEqual(new Set(['Accepted']));
    }
  }, 60_000);

  it('bills 48 × 10^9 × $10^6 = $4.8 × 10^16 exactly in the statement', async () => {
    const res = await m.call('GET', `/api/billing/statements/${id}?date=2024-03-10`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      periodStart: '2024-03-01',
      periodEnd: '2024-03-31',
      lines: [
        {
          dimension: 'email',
          eventCount: 48,
          acceptedQuantity: 48_000_000_000,
          pricePerUnitUSD: MAX_PRICE,
          chargeUSD: 4.8e16,
          netChargeUSD: 4.8e16,
        },
      ],
      totalChargeUSD: 4.8e16,
      totalNetUSD: 4.8e16,
    });
    expect(res.text).toContain('"chargeUSD":48000000000000000');
    expect(res.text).not.toMatch(/null|NaN|Infinity/);
  });

  it('exports the month as JSON and CSV with the same exact numbers', async () => {
    const created = await m.call('POST', '/api/billing/exports', { body: { period: '2024-03' } });
    expect(created.status).toBe(201);
    const mine = await m.call('GET', '/api/billing/exports/2024-03/statements.json');
    const statement = (mine.body as { statements: { subscriptionId: string; totalNetUSD: number }[] }).statements.find(
      (s) => s.subscriptionId === id,
    );
    expect(statement?.totalNetUSD).toBe(4.8e16);
    expect(mine.text).not.toMatch(/NaN|Infinity|"(acceptedQuantity|chargeUSD|netChargeUSD|total\w+)": null/);
    const csv = await m.call('GET', '/api/billing/exports/2024-03/statements.csv');
    expect(csv.text).toContain(
      `${id},${OFFER},2024-03-01,2024-03-31,max,email,per email,1000000,0,48000000000,48,48000000000000000,0,0,48000000000000000`,
    );
  });

  it('reports each day exactly in JSON and CSV', async () => {
    const res = await m.call('GET', `/api/billing/usage-report?startDate=2024-03-09&endDate=2024-03-11`);
    expect(res.status).toBe(200);
    const rows = (
      res.body as { value: { AssetId: string; UsageDate: string; UsageQuantity: number; EstimatedExtendedChargeCC: number }[] }
    ).value
      .filter((r) => r.AssetId === id)
      .map((r) => [r.UsageDate, r.UsageQuantity, r.EstimatedExtendedChargeCC]);
    // 11 hours on the 9th (from 13:15), 24 on the 10th, 13 on the 11th (to 12:15).
    expect(rows).toEqual([
      ['2024-03-09', 11e9, 1.1e16],
      ['2024-03-10', 24e9, 2.4e16],
      ['2024-03-11', 13e9, 1.3e16],
    ]);
    const csv = await m.call('GET', `/api/billing/usage-report?startDate=2024-03-09&endDate=2024-03-11&format=csv`);
    expect(csv.text).not.toMatch(/NaN|Infinity/);
    expect(csv.text).toContain(',24000000000,24000000000,24000000000000000,24000000000000000,email,');
  });
});
