/**
 * Issue 20, part 1: a quantity must be a finite number in (0, 10^9], and metering bills prices up to $10^6 per
 * unit (shared/metering/rules/limits.ts, decision record 0311). `quantity: 1e308` used to be Accepted and turned
 * every statement sum into Infinity (JSON `null`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { noFaults } from '../../../../shared/faults';
import { parseUsageEvent } from '../../../../shared/metering/http/request';
import { batchItem } from '../../../../shared/metering/http/views';
import {
  checkQuantity,
  isBillablePrice,
  isBillableQuantity,
  MAX_PRICE_PER_UNIT_USD,
  MAX_QUANTITY,
} from '../../../../shared/metering/rules/limits';
import { billableDimension } from '../../../../shared/metering/rules/resource';
import { UsageIngestion, type Outcome } from '../../../../shared/metering/service/ingest';
import {
  event,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  NOW,
  OFFER,
  P1,
  saas,
  seedMetering,
  type Fixture,
} from '../../../fixtures/metering';

/** The smallest double above a positive `x`. */
function nextUp(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] = (bits[0] as bigint) + 1n;
  return new Float64Array(bits.buffer)[0] as number;
}

const ABOVE_MAX_QUANTITY = nextUp(MAX_QUANTITY); // 1000000000.0000001

describe('checkQuantity', () => {
  it('states the maximum: 10^9 units per event (one resource, dimension and hour)', () => {
    expect(MAX_QUANTITY).toBe(1_000_000_000);
    expect(ABOVE_MAX_QUANTITY).toBe(1000000000.0000001);
  });

  it.each([
    [NaN, 'notFinite'],
    [-Infinity, 'notPositive'],
    [-1, 'notPositive'],
    [-Number.MIN_VALUE, 'notPositive'],
    [-0, 'notPositive'],
    [0, 'notPositive'], // the last rejected at the bottom (T28)
    [Number.MIN_VALUE, 'ok'], // the first accepted
    [0.000001, 'ok'],
    [1000000.5, 'ok'], // T32
    [MAX_QUANTITY, 'ok'], // the last accepted
    [ABOVE_MAX_QUANTITY, 'tooLarge'], // the first rejected
    [1e308, 'tooLarge'], // the quantity
    [Number.MAX_VALUE, 'tooLarge'],
    [Infinity, 'notFinite'],
  ])('%s → %s', (quantity, expected) => {
    expect(checkQuantity(quantity)).toBe(expected);
    expect(isBillableQuantity(quantity)).toBe(expected === 'ok');
  });
});

describe('isBillablePrice', () => {
  it('states the maximum: $10^6 per unit', () => {
    expect(MAX_PRICE_PER_UNIT_USD).toBe(1_000_000);
  });

  it.each([
    [undefined, true], // no price: free
    [-Number.MIN_VALUE, false],
    [0, true],
    [0.02, true],
    [MAX_PRICE_PER_UNIT_USD, true],
    [nextUp(MAX_PRICE_PER_UNIT_USD), false],
    [Number.MAX_VALUE, false], // the largest price the catalog's `priceUsd` (finite, ≥ 0) lets through
    [Infinity, false],
    [NaN, false],
  ])('%s → %s', (price, expected) => {
    expect(isBillablePrice(price)).toBe(expected);
  });

  it('makes a dimension priced above it unbillable', () => {
    const dims = [
      { id: 'max', enabled: true, pricePerUnitUSD: MAX_PRICE_PER_UNIT_USD },
      { id: 'over', enabled: true, pricePerUnitUSD: nextUp(MAX_PRICE_PER_UNIT_USD) },
    ];
    expect(billableDimension(dims, 'max', 'P1M')?.id).toBe('max');
    expect(billableDimension(dims, 'over', 'P1M')).toBeUndefined();
  });
});

describe('parseUsageEvent', () => {
  it('lets any JSON number through to the rules, 1e400 (Infinity) included', () => {
    const parsed = parseUsageEvent(
      JSON.parse(JSON.stringify(event('0b7f2a44-0000-4000-8000-000000000001')).replace('"quantity":5', '"quantity":1e400')),
    );
    expect(parsed.ok && parsed.input.quantity).toBe(Infinity);
    expect(parseUsageEvent(event('0b7f2a44-0000-4000-8000-000000000001', { quantity: 1e308 })).ok).toBe(true);
  });
});

describe('ingestion of quantities (InvalidQuantity, the documented status)', () => {
  let usage: InMemoryUsage;
  let plans: InMemoryPlans;
  let resources: InMemoryResources;
  let f: Fixture;
  let ingestion: UsageIngestion;

  beforeEach(async () => {
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    clock.set(new Date(NOW));
    resources = new InMemoryResources();
    plans = new InMemoryPlans();
    usage = new InMemoryUsage();
    f = await seedMetering(resources, plans);
    ingestion = new UsageIngestion({ resources, plans, usage, clock, faults: noFaults });
  });

  const input = (body: Record<string, unknown>) => {
    const parsed = parseUsageEvent(body);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
    return parsed.input;
  };

  it('accepts exactly the maximum', async () => {
    const outcome = await ingestion.submit(P1, input(event(f.S1, { quantity: MAX_QUANTITY })));
    expect(outcome).toMatchObject({ status: 'Accepted', event: { quantity: 1_000_000_000 } });
  });

  it.each([
    ['the smallest double above the maximum', ABOVE_MAX_QUANTITY, 'The quantity must be at most 1000000000 for one hour.'],
    ["the issue's 1e308", 1e308, 'The quantity must be at most 1000000000 for one hour.'],
    ['Infinity (JSON 1e400)', Infinity, 'The quantity must be a finite number.'],
    ['0, as before (T28)', 0, 'The quantity must be greater than 0.'],
  ])('rejects %s with InvalidQuantity on Quantity and stores nothing', async (_name, quantity, message) => {
    const outcome = await ingestion.submit(P1, input(event(f.S1, { quantity })));
    expect(outcome).toEqual({ status: 'InvalidQuantity', target: 'Quantity', message });
    expect(usage.rows.size).toBe(0);
  });

  it('judges batch items the same way: one InvalidQuantity item each, the rest accepted (T75)', async () => {
    const at = (h: number) => `2024-03-10T${String(h).padStart(2, '0')}:15:00Z`;
    const items = [
      event(f.S1, { quantity: MAX_QUANTITY, effectiveStartTime: at(1) }),
      event(f.S1, { quantity: ABOVE_MAX_QUANTITY, effectiveStartTime: at(2) }),
      event(f.S1, { quantity: 1e308, effectiveStartTime: at(3) }),
      event(f.S1, { quantity: Infinity, effectiveStartTime: at(4) }),
    ];
    const outcomes = await ingestion.submitBatch(P1, items.map(input));
    expect(outcomes.map((o) => o.status)).toEqual(['Accepted', 'InvalidQuantity', 'InvalidQuantity', 'InvalidQuantity']);
    expect(usage.rows.size).toBe(1);
    // The per-item body the batch API documents (specs/metering.md 1.2, A13), the finite quantity echoed.
    const item = batchItem(outcomes[2] as Outcome, {
      resourceId: f.S1,
      quantity: 1e308,
      dimension: 'email',
      effectiveStartTime: at(3),
      planId: 'basic',
    });
    expect(item).toEqual({
      status: 'InvalidQuantity',
      messageTime: '0001-01-01T00:00:00Z',
      error: { message: 'The quantity must be at most 1000000000 for one hour.', code: 'InvalidQuantity' },
      resourceId: f.S1,
      quantity: 1e308,
      dimension: 'email',
      effectiveStartTime: at(3),
      planId: 'basic',
    });
  });

  it('keeps the precedence of A12: an unknown dimension is InvalidDimension before the quantity is looked at', async () => {
    const outcome = await ingestion.submit(P1, input(event(f.S1, { dimension: 'fax', quantity: 1e308 })));
    expect(outcome.status).toBe('InvalidDimension');
  });

  it('bills a dimension priced at the maximum and refuses usage on one priced above it (InvalidDimension)', async () => {
    await plans.put(P1, OFFER, {
      planId: 'max',
      dimensions: [
        { id: 'email', enabled: true, pricePerUnitUSD: MAX_PRICE_PER_UNIT_USD },
        { id: 'over', enabled: true, pricePerUnitUSD: nextUp(MAX_PRICE_PER_UNIT_USD) },
        { id: 'catalog-max', enabled: true, pricePerUnitUSD: Number.MAX_VALUE },
      ],
    });
    const id = 'f00dcafe-0000-4000-8000-000000000001';
    await resources.put(saas(id, 'max'));
    const send = (dimension: string) => ingestion.submit(P1, input(event(id, { planId: 'max', dimension, quantity: MAX_QUANTITY })));
    expect((await send('email')).status).toBe('Accepted');
    expect(await send('over')).toMatchObject({ status: 'InvalidDimension', target: 'Dimension' });
    expect(await send('catalog-max')).toMatchObject({ status: 'InvalidDimension', target: 'Dimension' });
  });
});
