/**
 * Ingestion rules against in-memory ports (specs/metering.md 3.3–3.8): the outcome a publisher sees for each
 * conformance case. HTTP status codes and bodies are checked end to end in test/e2e/metering.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { noFaults } from '../../../../shared/faults';
import type { MeteredResource } from '../../../../shared/metering/model';
import { parseUsageEvent } from '../../../../shared/metering/http/request';
import { UsageIngestion, type Outcome } from '../../../../shared/metering/service/ingest';
import { event, InMemoryPlans, InMemoryResources, InMemoryUsage, NOW, P1, P2, seedMetering, type Fixture } from '../../../fixtures/metering';

let clock: AdjustableClock;
let resources: InMemoryResources;
let usage: InMemoryUsage;
let plans: InMemoryPlans;
let f: Fixture;
let ingestion: UsageIngestion;

beforeEach(async () => {
  clock = new AdjustableClock({ adjustable: true, realNow: () => 0 }); // frozen: the 24-hour boundary is exact
  clock.set(new Date(NOW));
  resources = new InMemoryResources();
  plans = new InMemoryPlans();
  usage = new InMemoryUsage();
  f = await seedMetering(resources, plans);
  ingestion = new UsageIngestion({ resources, plans, usage, clock, faults: noFaults });
});

function input(body: Record<string, unknown>) {
  const parsed = parseUsageEvent(body);
  if (!parsed.ok) throw new Error(`fixture event is invalid: ${JSON.stringify(parsed.violations)}`);
  return parsed.input;
}

const submit = (body: Record<string, unknown>, publisherId = P1) => ingestion.submit(publisherId, input(body));
const status = async (body: Record<string, unknown>, publisherId = P1) => (await submit(body, publisherId)).status;
const acceptedId = (o: Outcome) =>
  o.status === 'Accepted' ? o.event.usageEventId : o.status === 'Duplicate' ? o.accepted.usageEventId : undefined;

describe('single events', () => {
  it('accepts E0 with the seed fields (T1)', async () => {
    const outcome = await submit(event(f.S1));
    expect(outcome).toMatchObject({
      status: 'Accepted',
      event: { resourceId: f.S1, quantity: 5, dimension: 'email', effectiveStartTime: '2024-03-10T11:15:00Z', planId: 'basic' },
    });
    expect(outcome.status === 'Accepted' && outcome.event.messageTime).toMatch(/^2024-03-10T12:30:00\.\d{7}Z$/);
  });

  it.each([
    ['quantity 0 (T28)', { quantity: 0 }, 'InvalidQuantity', 'Quantity'],
    ['quantity -1 (T29)', { quantity: -1 }, 'InvalidQuantity', 'Quantity'],
    ['24 h + 1 s old (T34)', { effectiveStartTime: '2024-03-09T12:29:59Z' }, 'Expired', 'EffectiveStartTime'],
    ['30 days old (T35)', { effectiveStartTime: '2024-02-09T12:00:00Z' }, 'Expired', 'EffectiveStartTime'],
    ['in the future (T37)', { effectiveStartTime: '2024-03-10T13:30:00Z' }, 'BadArgument', 'EffectiveStartTime'],
    ['another plan than the resource has (T57)', { planId: 'premium' }, 'BadArgument', 'PlanId'],
    ['an unknown plan (T58)', { planId: 'nonexistent' }, 'BadArgument', 'PlanId'],
    ['an unknown dimension (T59)', { dimension: 'fax' }, 'InvalidDimension', 'Dimension'],
    ['a dimension not enabled on the plan (T60)', { dimension: 'sms' }, 'InvalidDimension', 'Dimension'],
    ['a dimension in the wrong case (T62)', { dimension: 'Email' }, 'InvalidDimension', 'Dimension'],
    ["another offer's dimension (T63)", { dimension: 'gold-only' }, 'InvalidDimension', 'Dimension'],
  ])('rejects %s', async (_name, overrides, expected, target) => {
    expect(await submit(event(f.S1, overrides))).toMatchObject({ status: expected, target });
    expect(usage.rows.size).toBe(0);
  });

  it.each([
    ['exactly 24 h old (T33)', { effectiveStartTime: '2024-03-09T12:30:00Z' }],
    ['now (T36)', { effectiveStartTime: NOW }],
    ['without an offset (T38)', { effectiveStartTime: '2024-03-10T11:15:00' }],
    ['a tiny decimal (T30)', { quantity: 0.000001 }],
    ['an integer (T31)', { quantity: 7 }],
    ['a large decimal (T32)', { quantity: 1000000.5 }],
  ])('accepts %s', async (_name, overrides) => {
    const outcome = await submit(event(f.S1, overrides));
    expect(outcome.status).toBe('Accepted');
    if (outcome.status === 'Accepted' && 'quantity' in overrides) expect(outcome.event.quantity).toBe(overrides.quantity);
  });

  it.each([
    ['an unknown subscription (T50)', () => event('0b7f2a44-0000-4000-8000-000000000000'), 'ResourceNotFound'],
    ['a suspended subscription (T51)', () => event(f.S3), 'ResourceNotActive'],
    ['a never-activated subscription (T52)', () => event(f.S4), 'ResourceNotActive'],
    ['usage after the cancellation (T53)', () => event(f.S5), 'ResourceNotActive'],
    ["another publisher's subscription (T55)", () => event(f.S7, { planId: 'gold' }), 'ResourceNotAuthorized'],
    ['an infinite dimension (T61)', () => event(f.S6, { planId: 'enterprise' }), 'InvalidDimension'],
  ])('rejects %s', async (_name, body, expected) => {
    expect(await status(body())).toBe(expected);
  });

  it('accepts usage of an Unsubscribed subscription for hours before its cancellation (T54, E2)', async () => {
    expect(await status(event(f.S5, { effectiveStartTime: '2024-03-10T10:15:00Z' }))).toBe('Accepted');
  });

  it('follows the strict seed reading when the pre-cancellation exception is off (T54 flag)', async () => {
    const strict = new UsageIngestion({ resources, plans, usage, clock, faults: noFaults, options: { acceptBeforeCancellation: false } });
    expect((await strict.submit(P1, input(event(f.S5, { effectiveStartTime: '2024-03-10T10:15:00Z' })))).status).toBe('ResourceNotActive');
  });

  it('accepts usage again once a suspended subscription is reinstated (T56)', async () => {
    await resources.put({ ...(f.resources[f.S3] as MeteredResource), status: 'Subscribed' });
    expect(await status(event(f.S3))).toBe('Accepted');
  });

  it('validates the plan at the effective time against the plan history (T64)', async () => {
    await resources.put({
      ...(f.resources[f.S1] as MeteredResource),
      plans: [
        { planId: 'basic', from: '2024-01-01T00:00:00Z' },
        { planId: 'premium', from: '2024-03-10T12:00:00Z' },
      ],
    });
    expect(await status(event(f.S1, { planId: 'premium', effectiveStartTime: '2024-03-10T12:10:00Z' }))).toBe('Accepted');
    expect(await status(event(f.S1, { planId: 'basic', effectiveStartTime: '2024-03-10T11:30:00Z' }))).toBe('Accepted');
    expect(await submit(event(f.S1, { planId: 'basic', effectiveStartTime: '2024-03-10T12:10:00Z', dimension: 'text' }))).toMatchObject({
      status: 'BadArgument',
      target: 'PlanId',
    });
  });

  it('accepts a zero-priced dimension (T65)', async () => {
    expect(await status(event(f.S8, { planId: 'dev_test' }))).toBe('Accepted');
  });

  it('checks the resource before the plan, dimension, quantity and time (A12, T48)', async () => {
    expect(await status(event(f.S3, { quantity: 0, dimension: 'fax' }))).toBe('ResourceNotActive');
    expect(await status(event(f.S1, { dimension: 'fax', quantity: 0 }))).toBe('InvalidDimension');
    expect(await status(event(f.S1, { quantity: 0, effectiveStartTime: '2024-03-01T00:00:00Z' }))).toBe('InvalidQuantity');
  });
});

describe('duplicates and hour buckets (specs/metering.md 3.5)', () => {
  it('answers a resend with the ORIGINAL accepted event (T40, T41)', async () => {
    const first = await submit(event(f.S1));
    const again = await submit(event(f.S1, { quantity: 9, effectiveStartTime: '2024-03-10T11:59:59Z' }));
    expect(again).toMatchObject({ status: 'Duplicate', accepted: { quantity: 5, effectiveStartTime: '2024-03-10T11:15:00Z' } });
    expect(acceptedId(again)).toBe(acceptedId(first));
    expect(usage.rows.size).toBe(1);
  });

  it.each([
    [
      'the start and the end of one hour (T42)',
      { effectiveStartTime: '2024-03-10T11:00:00Z' },
      { effectiveStartTime: '2024-03-10T11:59:59.999Z' },
      'Duplicate',
    ],
    ['an offset that lands in the same UTC hour (T39)', {}, { effectiveStartTime: '2024-03-10T13:15:00+02:00' }, 'Duplicate'],
    [
      'two sides of an hour boundary (T43)',
      { effectiveStartTime: '2024-03-10T11:59:59Z' },
      { effectiveStartTime: '2024-03-10T12:00:00Z' },
      'Accepted',
    ],
    ['another dimension in the same hour (T44)', {}, { dimension: 'text' }, 'Accepted'],
    [
      'the same hour of another day (T46)',
      { effectiveStartTime: '2024-03-09T12:40:00Z' },
      { effectiveStartTime: '2024-03-10T12:10:00Z' },
      'Accepted',
    ],
  ])('%s: the second event is %s', async (_name, first, second, expected) => {
    expect(await status(event(f.S1, first))).toBe('Accepted');
    expect(await status(event(f.S1, second))).toBe(expected);
  });

  it('lets another resource report the same hour (T45)', async () => {
    await submit(event(f.S1));
    expect(await status(event(f.S2, { planId: 'premium' }))).toBe('Accepted');
  });

  it('does not let a rejected event occupy the hour (T47)', async () => {
    expect(await status(event(f.S1, { quantity: 0 }))).toBe('InvalidQuantity');
    expect(await status(event(f.S1))).toBe('Accepted');
  });

  it('says Expired, not Duplicate, once the hour has left the window (T48)', async () => {
    await submit(event(f.S1));
    clock.set(new Date('2024-03-11T11:16:00Z'));
    expect(await status(event(f.S1))).toBe('Expired');
  });
});

describe('batches (specs/metering.md 3.8)', () => {
  const batch = (bodies: Record<string, unknown>[], publisherId = P1) => ingestion.submitBatch(publisherId, bodies.map(input));

  it('accepts two valid events with distinct ids, in request order (T66)', async () => {
    const out = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T10:15:00Z' }),
      event(f.S2, { dimension: 'text', effectiveStartTime: '2024-03-10T10:15:00Z', planId: 'premium' }),
    ]);
    expect(out.map((o) => o.status)).toEqual(['Accepted', 'Accepted']);
    expect(new Set(out.map(acceptedId)).size).toBe(2);
  });

  it('accepts 25 distinct hours spanning the exact 24-hour window (T67)', async () => {
    const start = Date.parse('2024-03-09T12:30:00Z');
    const bodies = Array.from({ length: 25 }, (_, i) =>
      event(f.S1, {
        quantity: 1,
        effectiveStartTime: new Date(i === 0 ? start : Date.parse('2024-03-09T13:00:00Z') + (i - 1) * 3_600_000).toISOString(),
      }),
    );
    expect((await batch(bodies)).every((o) => o.status === 'Accepted')).toBe(true);
  });

  it('makes later items of the same hour Duplicates of the first (T73)', async () => {
    const out = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T09:10:00Z' }),
      event(f.S1, { effectiveStartTime: '2024-03-10T09:50:00Z', quantity: 2 }),
    ]);
    expect(out[0]?.status).toBe('Accepted');
    expect(out[1]).toMatchObject({ status: 'Duplicate', accepted: { quantity: 5 } });
    expect(acceptedId(out[1] as Outcome)).toBe(acceptedId(out[0] as Outcome));
  });

  it('reports a Duplicate of an earlier single event (T74) and replays as all Duplicates (T84)', async () => {
    const single = await submit(event(f.S1));
    const first = await batch([event(f.S1), event(f.S2, { planId: 'premium' })]);
    expect(first.map((o) => o.status)).toEqual(['Duplicate', 'Accepted']);
    expect(acceptedId(first[0] as Outcome)).toBe(acceptedId(single));
    const replay = await batch([event(f.S1), event(f.S2, { planId: 'premium' })]);
    expect(replay.map((o) => o.status)).toEqual(['Duplicate', 'Duplicate']);
    expect(replay.map(acceptedId)).toEqual([acceptedId(single), acceptedId(first[1] as Outcome)]);
  });

  it('judges each item on its own (T75–T80, T86)', async () => {
    const out = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T08:05:00Z' }),
      event(f.S1, { quantity: 0, effectiveStartTime: '2024-03-10T07:05:00Z' }),
      event(f.S1, { quantity: -3, effectiveStartTime: '2024-03-10T06:05:00Z' }),
      event(f.S1, { effectiveStartTime: '2024-03-09T12:29:59Z' }),
      event('0b7f2a44-0000-4000-8000-000000000000'),
      event(f.S7, { planId: 'gold' }),
      event(f.S3),
      event(f.S4),
      event(f.S1, { dimension: 'fax' }),
      event(f.S1, { dimension: 'sms' }),
      event(f.S6, { planId: 'enterprise' }),
      event(f.S1, { effectiveStartTime: '2024-03-10T13:00:00Z' }),
    ]);
    expect(out.map((o) => o.status)).toEqual([
      'Accepted',
      'InvalidQuantity',
      'InvalidQuantity',
      'Expired',
      'ResourceNotFound',
      'ResourceNotAuthorized',
      'ResourceNotActive',
      'ResourceNotActive',
      'InvalidDimension',
      'InvalidDimension',
      'InvalidDimension',
      'BadArgument',
    ]);
  });

  it('accepts several hours of one resource and dimension (T83)', async () => {
    const out = await batch(['08:05', '09:05', '10:05'].map((t) => event(f.S1, { effectiveStartTime: `2024-03-10T${t}:00Z` })));
    expect(out.map((o) => o.status)).toEqual(['Accepted', 'Accepted', 'Accepted']);
  });

  it("accepts the other publisher's items from that publisher (ownership is per resource, T78)", async () => {
    const out = await batch([event(f.S7, { planId: 'gold' }), event(f.S1)], P2);
    expect(out.map((o) => o.status)).toEqual(['Accepted', 'ResourceNotAuthorized']);
  });
});
