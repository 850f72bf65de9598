import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/errors';
import type { StoredUsage } from '../../../../shared/metering/model';
import { billingPeriod, buildStatement, statementsCsv } from '../../../../shared/metering/rules/billing';
import { Billing } from '../../../../shared/metering/service/billing';
import {
  type Fixture,
  InMemoryAnomalies,
  InMemoryExports,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  OFFER,
  P1,
  P2,
  PLANS,
  seedMetering,
  usageRow,
} from '../../../fixtures/metering';

const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('billingPeriod (decision record 0304)', () => {
  it.each([
    // T106: a monthly term renewed on the 1st: the last half hour of March and the first of April part ways.
    [{ termUnit: 'P1M', startDate: '2024-03-01' }, '2024-03-31T23:30:00Z', '2024-03-01', '2024-04-01'],
    [{ termUnit: 'P1M', startDate: '2024-03-01' }, '2024-04-01T00:30:00Z', '2024-04-01', '2024-05-01'],
    // T105: an annual term bills overage monthly, in months anchored on the term's start day.
    [{ termUnit: 'P1Y', startDate: '2024-01-15' }, '2024-02-20T10:00:00Z', '2024-02-15', '2024-03-15'],
    [{ termUnit: 'P1Y', startDate: '2024-01-15' }, '2024-03-15T00:00:00Z', '2024-03-15', '2024-04-15'],
    [{ termUnit: 'P1Y', startDate: '2024-01-15' }, '2024-01-14T23:59:59Z', '2023-12-15', '2024-01-15'],
    // A start on the 31st clamps to the end of shorter months.
    [{ termUnit: 'P1M', startDate: '2024-01-31' }, '2024-02-29T10:00:00Z', '2024-02-29', '2024-03-31'],
    [{ termUnit: 'P1M', startDate: '2024-01-31' }, '2024-02-28T10:00:00Z', '2024-01-31', '2024-02-29'],
    [undefined, '2024-12-31T10:00:00Z', '2024-12-01', '2025-01-01'],
  ] as const)('term %j at %s → [%s, %s)', (term, at, start, end) => {
    const period = billingPeriod(term, new Date(at));
    expect([iso(period.start), iso(period.end)]).toEqual([start, end]);
  });
});

describe('buildStatement', () => {
  const basic = PLANS.find((p) => p.planId === 'basic');
  const resource = {
    resourceKey: 's1',
    kind: 'saas',
    publisherId: P1,
    offerId: OFFER,
    status: 'Subscribed',
    plans: [{ planId: 'basic', from: '2024-01-01T00:00:00Z' }],
    term: { termUnit: 'P1M', startDate: '2024-03-01' },
  } as const;
  const period = billingPeriod(resource.term, new Date('2024-03-15T00:00:00Z'));

  it('charges accepted quantity × price and never subtracts the included quantity (T104, A11)', () => {
    const statement = buildStatement({
      resource: { ...resource, plans: [...resource.plans] },
      period,
      events: [
        usageRow('s1', 'basic', 'email', '2024-03-02T10:00:00Z', 2.5),
        usageRow('s1', 'basic', 'email', '2024-03-09T10:00:00Z', 3),
        usageRow('s1', 'basic', 'text', '2024-03-05T10:00:00Z', 100),
        usageRow('s1', 'basic', 'text', '2024-04-01T00:30:00Z', 7), // next period: not here (T106)
      ],
      anomalies: [],
      termsOf: () => basic,
      now: new Date('2024-04-01T01:00:00Z'),
    });
    expect(statement.lines.map((l) => [l.dimension, l.acceptedQuantity, l.includedQuantity, l.pricePerUnitUSD, l.chargeUSD])).toEqual([
      ['email', 5.5, 10000, 1, 5.5],
      ['text', 100, 1000, 0.02, 2],
    ]);
    expect(statement).toMatchObject({
      periodStart: '2024-03-01',
      periodEnd: '2024-03-31',
      totalChargeUSD: 7.5,
      totalNetUSD: 7.5,
      closed: true,
    });
  });

  it('credits an anomaly marked as anomaly in the period of its usage date (T118)', () => {
    const statement = buildStatement({
      resource: { ...resource, plans: [...resource.plans] },
      period,
      events: [usageRow('s1', 'basic', 'email', '2024-03-09T10:00:00Z', 1000)],
      anomalies: [
        {
          anomalyId: 'a',
          publisherId: P1,
          offerId: OFFER,
          planId: 'basic',
          resourceKey: 's1',
          meterId: 'email',
          usageDate: '2024-03-09',
          reportedUsage: 1000,
          expectedUsage: 100,
          pricePerUnitUSD: 1,
          flaggedAt: '2024-03-11T02:00:00Z',
          decision: 'MarkedAsAnomaly',
          newReportedUsage: 150,
        },
      ],
      termsOf: () => basic,
      now: new Date('2024-03-20T00:00:00Z'),
    });
    expect(statement.lines[0]).toMatchObject({ chargeUSD: 1000, adjustmentQuantity: -850, adjustmentUSD: -850, netChargeUSD: 150 });
    expect(statement.closed).toBe(false);
  });

  it('writes one CSV row per line with a header (RFC 4180)', () => {
    const statement = buildStatement({
      resource: { ...resource, plans: [...resource.plans] },
      period,
      events: [usageRow('s1', 'basic', 'email', '2024-03-02T10:00:00Z', 2.5)],
      anomalies: [],
      termsOf: () => basic,
      now: new Date('2024-03-20T00:00:00Z'),
    });
    const [header, row] = statementsCsv([statement]).split('\r\n');
    expect(header?.split(',')).toContain('chargeUSD');
    expect(row).toBe('s1,contoso-cns,2024-03-01,2024-03-31,basic,email,per 100 emails,1,10000,2.5,1,2.5,0,0,2.5');
  });
});

describe('Billing service', () => {
  let f: Fixture;
  let usage: InMemoryUsage;
  let exports: InMemoryExports;
  let billing: Billing;
  const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });

  beforeEach(async () => {
    clock.set(new Date('2024-04-02T00:00:00Z'));
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    usage = new InMemoryUsage();
    exports = new InMemoryExports();
    f = await seedMetering(resources, plans);
    billing = new Billing({ resources, plans, usage, anomalies: new InMemoryAnomalies(), exports, clock });
    const add = (r: StoredUsage) => usage.insert(r);
    await add(usageRow(f.S2, 'premium', 'email', '2024-02-20T10:00:00Z', 10));
    await add(usageRow(f.S2, 'premium', 'email', '2024-03-20T10:00:00Z', 4));
    await add(usageRow(f.S1, 'basic', 'email', '2024-03-31T23:30:00Z', 5.5));
    await add(usageRow(f.S1, 'basic', 'text', '2024-04-01T00:30:00Z', 100));
    await add(usageRow(f.S8, 'dev_test', 'email', '2024-03-05T00:30:00Z', 42));
  });

  it('bills an annual term monthly, one statement per billing cycle (T105)', async () => {
    const feb = await billing.statement(P1, f.S2, new Date('2024-02-20T00:00:00Z'));
    const mar = await billing.statement(P1, f.S2, new Date('2024-03-20T00:00:00Z'));
    expect([feb.periodStart, feb.lines[0]?.chargeUSD, feb.lines[0]?.includedQuantity]).toEqual(['2024-02-15', 5, 5000000]);
    expect([mar.periodStart, mar.lines[0]?.chargeUSD]).toEqual(['2024-03-15', 2]);
  });

  it('attributes usage to the term it falls in (T106) and the current one by default', async () => {
    const march = await billing.statement(P1, f.S1, new Date('2024-03-31T00:00:00Z'));
    expect(march.lines.map((l) => l.dimension)).toEqual(['email']);
    const current = await billing.statement(P1, f.S1);
    expect([current.periodStart, current.lines.map((l) => l.dimension)]).toEqual(['2024-04-01', ['text']]);
  });

  it('shows zero-priced usage as a $0 line (T107)', async () => {
    const s = await billing.statement(P1, f.S8, new Date('2024-03-05T00:00:00Z'));
    expect(s.lines[0]).toMatchObject({ acceptedQuantity: 42, chargeUSD: 0 });
  });

  it("treats another publisher's subscription as not found", async () => {
    await expect(billing.statement(P2, f.S1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('exports the statements of the periods starting in a month as JSON and CSV', async () => {
    const result = await billing.exportMonth(P1, '2024-03');
    // S1 [03-01, 04-01), S8 [03-01, 04-01) and S2 [03-15, 04-15); S2's February cycle starts in February.
    expect(result.statementCount).toBe(3);
    expect(result.files.map((x) => x.blob).sort()).toEqual([`${P1}/2024-03/statements.csv`, `${P1}/2024-03/statements.json`]);
    const json = JSON.parse(exports.files.get(`${P1}/2024-03/statements.json`)?.body ?? '{}') as {
      statements: { subscriptionId: string; totalNetUSD: number }[];
    };
    expect(json.statements.map((s) => [s.subscriptionId, s.totalNetUSD]).sort()).toEqual(
      [
        [f.S1, 5.5],
        [f.S2, 2],
        [f.S8, 0],
      ].sort(),
    );
    expect(exports.files.get(`${P1}/2024-03/statements.csv`)?.body.trim().split('\r\n')).toHaveLength(4);
  });
});
