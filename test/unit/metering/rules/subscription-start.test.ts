/**
 * Issue 20, part 2: usage is accepted and billed only from the UTC hour the resource was subscribed in (a SaaS
 * subscription's activation; the hour of activation counts), never before (decision record 0311). An event for
 * 15:45 the day before a purchase used to be Accepted and billed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { noFaults } from '../../../../shared/faults';
import type { MeteredResource } from '../../../../shared/metering/model';
import { parseUsageEvent } from '../../../../shared/metering/http/request';
import { billingPeriod, buildStatement, isBilledEvent } from '../../../../shared/metering/rules/billing';
import { isActiveFor, startedBy, subscribedSince, usageStart } from '../../../../shared/metering/rules/resource';
import { usageReportRows } from '../../../../shared/metering/rules/usage-report';
import { Billing } from '../../../../shared/metering/service/billing';
import { UsageIngestion } from '../../../../shared/metering/service/ingest';
import { toMeteredResource } from '../../../../shared/metering/store/saas-resources';
import type { SubscriptionRecord } from '../../../../shared/saas/model';
import {
  event,
  InMemoryAnomalies,
  InMemoryExports,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  NOW,
  P1,
  PLANS,
  saas,
  seedPlans,
  usageRow,
} from '../../../fixtures/metering';

const ID = 'c0ffee00-0000-4000-8000-0000000000a1';
const at = (iso: string) => new Date(iso);
const always = { acceptBeforeCancellation: true };

describe('usageStart and startedBy', () => {
  const activated = (activatedAt: string, extra: Partial<MeteredResource> = {}) => saas(ID, 'basic', { activatedAt, ...extra });

  it('starts at the beginning of the activation hour: 15:45 opens 15:00', () => {
    const r = activated('2024-03-09T15:45:00Z');
    expect(usageStart(r)?.toISOString()).toBe('2024-03-09T15:00:00.000Z');
    expect(startedBy(r, at('2024-03-09T14:59:59.999Z'))).toBe(false); // the last instant rejected
    expect(startedBy(r, at('2024-03-09T15:00:00.000Z'))).toBe(true); // the first instant accepted
    expect(startedBy(r, at('2024-03-09T15:44:59.999Z'))).toBe(true); // before activation, but in its hour
  });

  it('keeps an activation exactly on the hour', () => {
    const r = activated('2024-03-09T15:00:00.000Z');
    expect(startedBy(r, at('2024-03-09T14:59:59.999Z'))).toBe(false);
    expect(startedBy(r, at('2024-03-09T15:00:00.000Z'))).toBe(true);
  });

  it('takes the activation, not an earlier purchase (the first plan)', () => {
    const r = activated('2024-03-09T16:10:00Z', { plans: [{ planId: 'basic', from: '2024-03-09T14:50:00Z' }] });
    expect(subscribedSince(r)?.toISOString()).toBe('2024-03-09T16:10:00.000Z');
    expect(startedBy(r, at('2024-03-09T15:59:59.999Z'))).toBe(false);
    expect(startedBy(r, at('2024-03-09T16:00:00Z'))).toBe(true);
  });

  it('falls back to the earliest plan when no activation is recorded (the interim table)', () => {
    const r = saas(ID, 'premium', {
      plans: [
        { planId: 'premium', from: '2024-02-01T10:30:00Z' },
        { planId: 'basic', from: '2024-01-01T08:20:00Z' },
      ],
    });
    expect(subscribedSince(r)?.toISOString()).toBe('2024-01-01T08:20:00.000Z');
    expect(startedBy(r, at('2024-01-01T07:59:59.999Z'))).toBe(false);
    expect(startedBy(r, at('2024-01-01T08:00:00Z'))).toBe(true);
  });

  it('has no start without an activation or a plan, and then accepts nothing', () => {
    const r = saas(ID, 'basic', { plans: [] });
    expect(usageStart(r)).toBeUndefined();
    expect(startedBy(r, at('2030-01-01T00:00:00Z'))).toBe(false);
  });

  it('makes a resource inactive for hours before its start, whatever its status', () => {
    const subscribed = activated('2024-03-09T15:45:00Z');
    expect(isActiveFor(subscribed, at('2024-03-09T14:59:59.999Z'), always)).toBe(false);
    expect(isActiveFor(subscribed, at('2024-03-09T15:00:00Z'), always)).toBe(true);
    const canceled = activated('2024-03-09T15:45:00Z', { status: 'Unsubscribed', canceledAt: '2024-03-10T11:00:00Z' });
    expect(isActiveFor(canceled, at('2024-03-09T14:59:59.999Z'), always)).toBe(false);
    expect(isActiveFor(canceled, at('2024-03-09T15:00:00Z'), always)).toBe(true);
  });
});

describe('SaaS subscriptions start at activation', () => {
  const identity = { emailId: 'a@b.example', objectId: 'o', tenantId: 't', puid: 'p' };
  const record: SubscriptionRecord = {
    id: ID,
    publisherId: P1,
    offerId: 'contoso-cns',
    offerVersion: 1,
    name: 'n',
    planId: 'basic',
    beneficiary: identity,
    purchaser: identity,
    allowedCustomerOperations: ['Read'],
    isFreeTrial: false,
    isTest: false,
    status: 'Subscribed',
    termUnit: 'P1M',
    termIndex: 0,
    autoRenew: true,
    created: '2024-03-09T14:50:00.000Z',
    activatedOn: '2024-03-09',
    statusHistory: [
      { status: 'PendingFulfillmentStart', at: '2024-03-09T14:50:00.000Z' },
      { status: 'Subscribed', at: '2024-03-09T16:10:00.000Z' },
      { status: 'Suspended', at: '2024-03-09T18:00:00.000Z' },
      { status: 'Subscribed', at: '2024-03-09T19:00:00.000Z' },
    ],
    planHistory: [{ planId: 'basic', from: '2024-03-09T14:50:00.000Z' }],
  };

  it('records the first Subscribed as the activation, not the purchase or a reinstatement', () => {
    const r = toMeteredResource(record);
    expect(r.activatedAt).toBe('2024-03-09T16:10:00.000Z');
    expect(usageStart(r)?.toISOString()).toBe('2024-03-09T16:00:00.000Z');
  });

  it('accepts nothing for a subscription canceled before it was ever activated', () => {
    const r = toMeteredResource({
      ...record,
      status: 'Unsubscribed',
      statusHistory: [
        { status: 'PendingFulfillmentStart', at: '2024-03-09T14:50:00.000Z' },
        { status: 'Unsubscribed', at: '2024-03-10T11:00:00.000Z' },
      ],
    });
    expect(r.activatedAt).toBeUndefined();
    expect(r.canceledAt).toBeUndefined();
    expect(isActiveFor(r, at('2024-03-10T10:00:00Z'), always)).toBe(false);
  });
});

describe('ingestion refuses usage before the start (ResourceNotActive)', () => {
  let resources: InMemoryResources;
  let usage: InMemoryUsage;
  let ingestion: UsageIngestion;

  beforeEach(async () => {
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    clock.set(new Date(NOW)); // 2024-03-10T12:30:00Z
    resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    usage = new InMemoryUsage();
    await seedPlans(plans);
    ingestion = new UsageIngestion({ resources, plans, usage, clock, faults: noFaults });
  });

  const input = (overrides: Record<string, unknown>) => {
    const parsed = parseUsageEvent(event(ID, overrides));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
    return parsed.input;
  };

  it("refuses the issue's case: 15:45 the day before the purchase, inside the 24-hour window", async () => {
    await resources.put(
      saas(ID, 'basic', { activatedAt: '2024-03-10T10:05:00Z', plans: [{ planId: 'basic', from: '2024-03-10T10:00:00Z' }] }),
    );
    const outcome = await ingestion.submit(P1, input({ effectiveStartTime: '2024-03-09T15:45:00Z' }));
    expect(outcome).toEqual({
      status: 'ResourceNotActive',
      target: 'ResourceId',
      message: 'The effectiveStartTime is before the subscription started; usage is accepted from 2024-03-10T10:00:00.000Z.',
    });
    expect(usage.rows.size).toBe(0);
  });

  it('refuses the hour before the start and accepts the start hour (activation at 15:45 inside it)', async () => {
    await resources.put(saas(ID, 'basic', { activatedAt: '2024-03-09T15:45:00Z' }));
    expect(await ingestion.submit(P1, input({ effectiveStartTime: '2024-03-09T14:59:59.999Z' }))).toMatchObject({
      status: 'ResourceNotActive',
      target: 'ResourceId',
    });
    expect((await ingestion.submit(P1, input({ effectiveStartTime: '2024-03-09T15:00:00.000Z' }))).status).toBe('Accepted');
    expect((await ingestion.submit(P1, input({ dimension: 'text', effectiveStartTime: '2024-03-09T15:59:59Z' }))).status).toBe('Accepted');
    expect(usage.rows.size).toBe(2);
  });

  it('judges the start before the plan (A12 step 6 before 7), and in batches item by item', async () => {
    await resources.put(saas(ID, 'basic', { activatedAt: '2024-03-09T15:45:00Z' }));
    const early = await ingestion.submit(P1, input({ planId: 'premium', effectiveStartTime: '2024-03-09T14:15:00Z' }));
    expect(early.status).toBe('ResourceNotActive');
    const outcomes = await ingestion.submitBatch(P1, [
      input({ effectiveStartTime: '2024-03-09T14:59:59Z' }),
      input({ effectiveStartTime: '2024-03-09T15:00:00Z' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['ResourceNotActive', 'Accepted']);
  });
});

describe('statements and reports never bill before the start', () => {
  const basic = PLANS.find((p) => p.planId === 'basic');
  const resource = saas(ID, 'basic', { activatedAt: '2024-03-05T15:45:00Z', term: { termUnit: 'P1M', startDate: '2024-03-05' } });
  // Rows accepted before decision 0311, as an old store may still hold them.
  const events = [
    usageRow(ID, 'basic', 'email', '2024-03-05T10:00:00Z', 100),
    usageRow(ID, 'basic', 'email', '2024-03-05T14:59:59.999Z', 7),
    usageRow(ID, 'basic', 'email', '2024-03-05T15:00:00Z', 2),
    usageRow(ID, 'basic', 'email', '2024-03-06T09:00:00Z', 3),
  ];

  it('isBilledEvent draws the line at the start hour', () => {
    expect(events.map((e) => isBilledEvent(resource, e))).toEqual([false, false, true, true]);
  });

  it('leaves earlier usage off the statement', () => {
    const statement = buildStatement({
      resource,
      period: billingPeriod(resource.term, new Date('2024-03-10T00:00:00Z')),
      events,
      anomalies: [],
      termsOf: () => basic,
      now: new Date('2024-03-10T00:00:00Z'),
    });
    expect(statement.lines.map((l) => [l.dimension, l.eventCount, l.acceptedQuantity, l.chargeUSD])).toEqual([['email', 2, 5, 5]]);
    expect(statement.totalNetUSD).toBe(5);
  });

  it('leaves it off the usage report too', () => {
    const rows = usageReportRows({ events, anomalies: [], termsOf: () => basic, resourceOf: () => resource });
    expect(rows.map((r) => [r.UsageDate, r.UsageQuantity, r.EstimatedExtendedChargeCC])).toEqual([
      ['2024-03-05', 2, 2],
      ['2024-03-06', 3, 3],
    ]);
  });

  it('writes no statement for a period that only had usage before the start', async () => {
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    const usage = new InMemoryUsage();
    await seedPlans(plans);
    const late = saas(ID, 'basic', { activatedAt: '2024-03-01T00:30:00Z', term: { termUnit: 'P1M', startDate: '2024-03-01' } });
    await resources.put(late);
    await usage.insert(usageRow(ID, 'basic', 'email', '2024-02-29T23:15:00Z', 4)); // February: before the start
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    clock.set(new Date('2024-03-02T00:00:00Z'));
    const billing = new Billing({ resources, plans, usage, anomalies: new InMemoryAnomalies(), exports: new InMemoryExports(), clock });
    expect(await billing.statementsForMonth(P1, '2024-02')).toEqual([]);
    expect((await billing.statement(P1, ID, new Date('2024-02-29T00:00:00Z'))).lines).toEqual([]);
  });
});
