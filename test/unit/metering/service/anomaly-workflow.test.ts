/**
 * The anomaly cases not covered by anomalies.test.ts (specs/metering.md 3.13): only accepted usage feeds the
 * model, sent through ingestion as a publisher would (T116); "Not an anomaly" and the reverse direction with
 * their effect on the statement (T121, T123); computation periods with acknowledged and unacknowledged
 * anomalies (T125); filters that match (T126); the list's CSV columns (seed 004 ~22499, ~22504).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { noFaults } from '../../../../shared/faults';
import { parseUsageEvent } from '../../../../shared/metering/http/request';
import type { Anomaly } from '../../../../shared/metering/rules/anomaly';
import { DAY_MS, isoDate } from '../../../../shared/metering/rules/time';
import { ANOMALY_CSV_COLUMNS, anomaliesCsv, Anomalies } from '../../../../shared/metering/service/anomalies';
import { Billing } from '../../../../shared/metering/service/billing';
import { UsageIngestion } from '../../../../shared/metering/service/ingest';
import {
  event,
  InMemoryAnomalies,
  InMemoryExports,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  OFFER,
  P1,
  seedMetering,
  type Fixture,
} from '../../../fixtures/metering';

const START = Date.parse('2024-02-05T00:00:00Z'); // day 0; day 28 (the spike) is 2024-03-04, judged on Monday 03-11
const at = (day: number, time = '11:15:00') => new Date(START + day * DAY_MS).toISOString().replace('T00:00:00.000Z', `T${time}Z`);

let clock: AdjustableClock;
let f: Fixture;
let usage: InMemoryUsage;
let store: InMemoryAnomalies;
let ingestion: UsageIngestion;
let anomalies: Anomalies;
let billing: Billing;

beforeEach(async () => {
  clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
  const resources = new InMemoryResources();
  const plans = new InMemoryPlans();
  usage = new InMemoryUsage();
  store = new InMemoryAnomalies();
  f = await seedMetering(resources, plans);
  ingestion = new UsageIngestion({ resources, plans, usage, clock, faults: noFaults });
  anomalies = new Anomalies({ usage, plans, resources, anomalies: store, clock });
  billing = new Billing({ resources, plans, usage, anomalies: store, exports: new InMemoryExports(), clock });
});

async function send(body: Record<string, unknown>) {
  const parsed = parseUsageEvent(body);
  if (!parsed.ok) throw new Error('fixture event is invalid');
  return (await ingestion.submit(P1, parsed.input)).status;
}

/** 29 days of usage sent day by day at noon: S1 flat 100 (email); S2 ~100 (email) with 1000 on day 28. */
async function sendSeries(): Promise<void> {
  for (let day = 0; day <= 28; day += 1) {
    clock.set(new Date(at(day, '12:00:00')));
    const s2 = day === 28 ? 1000 : 100 + ((day * 7) % 11) - 5;
    expect(await send(event(f.S1, { quantity: 100, effectiveStartTime: at(day) }))).toBe('Accepted');
    expect(await send(event(f.S2, { planId: 'premium', quantity: s2, effectiveStartTime: at(day) }))).toBe('Accepted');
  }
}

describe('only accepted usage feeds the model (T116)', () => {
  it('a rejected duplicate or expired event of 100000 adds nothing, so no anomaly results', async () => {
    await sendSeries();
    // Day 28: a resend of the same hour with a huge quantity is a Duplicate, not usage.
    expect(await send(event(f.S1, { quantity: 100000, effectiveStartTime: at(28, '11:40:00') }))).toBe('Duplicate');
    // Day 27, another hour, sent after the 24-hour window: Expired.
    expect(await send(event(f.S1, { quantity: 100000, effectiveStartTime: at(27, '09:15:00') }))).toBe('Expired');
    clock.set(new Date('2024-03-11T02:00:00Z'));
    await anomalies.run();
    const flagged = await anomalies.list(P1, { periodDays: 30, impact: 'all' });
    expect(flagged.map((a) => [a.subscriptionId, a.meterId, a.reportedUsage])).toEqual([[f.S2, 'email', 1000]]);
  });
});

describe('decisions and the statement', () => {
  let id: string;
  const creditOnSpikeDay = async () => {
    const statement = await billing.statement(P1, f.S2, new Date(at(28)));
    return statement.lines.find((l) => l.dimension === 'email')?.adjustmentUSD;
  };

  beforeEach(async () => {
    await sendSeries();
    clock.set(new Date('2024-03-11T02:00:00Z'));
    await anomalies.run();
    const [an1] = await anomalies.list(P1, { periodDays: 30, impact: 'all' });
    id = an1?.anomalyId as string;
    clock.set(new Date('2024-03-12T09:00:00Z'));
  });

  it('"Not an anomaly" is recorded in the action log with no billing adjustment (T121)', async () => {
    const view = await anomalies.decide(P1, id, 'NotAnAnomaly', { reason: 'seasonal campaign' }, 'app-1');
    expect(view).toMatchObject({
      state: 'acted',
      publisherMarkedAnomaly: 0,
      anomalyDecision: 'Not an anomaly',
      newReportedUsage: null,
      reason: 'seasonal campaign',
      actionTakenAt: '2024-03-12T09:00:00.000Z',
      dateOfActionTaken: '2024-03-12',
      actionTakenBy: 'app-1',
    });
    expect((await anomalies.list(P1, { periodDays: 30, impact: 'all', state: 'acted' })).map((a) => a.anomalyId)).toEqual([id]);
    expect(await anomalies.list(P1, { periodDays: 30, impact: 'all', state: 'unacknowledged' })).toEqual([]);
    expect(await creditOnSpikeDay()).toBe(0);
  });

  it('"Not an anomaly" may still become "Mark as anomaly" within the window, which credits the invoice (T123)', async () => {
    await anomalies.decide(P1, id, 'NotAnAnomaly', { reason: 'seasonal campaign' }, 'app-1');
    const marked = await anomalies.decide(P1, id, 'MarkedAsAnomaly', { newReportedUsage: 150 }, 'app-2');
    expect(marked).toMatchObject({ publisherMarkedAnomaly: 1, newReportedUsage: 150, reason: null, actionTakenBy: 'app-2' });
    expect(await creditOnSpikeDay()).toBe(-425); // (1000 − 150) × $0.5
  });
});

describe('listing (T125, T126) and the CSV download', () => {
  const NOW = Date.parse('2024-06-01T12:00:00Z');
  const flagged = (daysAgo: number, meterId: string, extra: Partial<Anomaly> = {}): Anomaly => {
    const usageDate = isoDate(new Date(NOW - daysAgo * DAY_MS));
    return {
      anomalyId: `an-${daysAgo}-${meterId}`,
      publisherId: P1,
      offerId: OFFER,
      offerName: 'Contoso Notification Services',
      planId: 'premium',
      resourceKey: f.S2,
      customerName: 'Woodgrove',
      meterId,
      usageDate,
      reportedUsage: 1000,
      expectedUsage: 100,
      pricePerUnitUSD: 0.5,
      flaggedAt: new Date(Date.parse(`${usageDate}T00:00:00Z`) + 7 * DAY_MS).toISOString(),
      ...extra,
    };
  };

  beforeEach(async () => {
    clock.set(new Date(NOW));
    await store.create(flagged(10, 'email'));
    await store.create(
      flagged(45, 'email', {
        decision: 'MarkedAsAnomaly',
        newReportedUsage: 150,
        actionTakenAt: '2024-04-20T08:00:00.000Z',
        actionTakenBy: 'app-1',
      }),
    );
    await store.create(flagged(80, 'text', { pricePerUnitUSD: 0.01 }));
  });

  it.each([
    [30, 1],
    [60, 2],
    [90, 3],
  ] as const)('period=%i counts acknowledged and unacknowledged anomalies of its usage dates: %i (T125)', async (periodDays, count) => {
    expect(await anomalies.list(P1, { periodDays, impact: 'all' })).toHaveLength(count);
  });

  it.each([
    ['offerId=contoso-cns', { offerId: OFFER }, ['an-10-email', 'an-45-email', 'an-80-text']],
    ['meterId=text', { meterId: 'text' }, ['an-80-text']],
    ['meterId=email', { meterId: 'email' }, ['an-10-email', 'an-45-email']],
    ['offerId=contoso-coa', { offerId: 'contoso-coa' }, []],
  ])('%s returns only matching anomalies (T126)', async (_name, filter, ids) => {
    const found = await anomalies.list(P1, { periodDays: 90, impact: 'all', ...filter });
    expect(found.map((a) => a.anomalyId).sort()).toEqual(ids);
  });

  it("writes the seed's list and action-log columns, in the seed's order", async () => {
    const csv = anomaliesCsv(await anomalies.list(P1, { periodDays: 60, impact: 'all' }));
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header).toBe(
      'Offer Name,Meter Id,Customer Company Name,Action Expiry Date,Usage Date,Estimated Extended Charge (PC),' +
        'Estimated Financial Impact,Reported Usage,New Reported Usage,Date of Action Taken,Anomaly Decision,Anomaly Id',
    );
    expect(ANOMALY_CSV_COLUMNS).toHaveLength(12);
    expect(rows).toEqual([
      // newest usage date first; an unacknowledged anomaly leaves the action-log cells empty
      'Contoso Notification Services,email,Woodgrove,2024-06-28,2024-05-22,500,450,1000,,,,an-10-email',
      'Contoso Notification Services,email,Woodgrove,2024-05-24,2024-04-17,500,450,1000,150,2024-04-20,Marked as Anomaly,an-45-email',
    ]);
  });
});
