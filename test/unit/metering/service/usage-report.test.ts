/**
 * The metered-usage report (seed 004 ~19281–19315; specs/metering.md T107, T127; decision record 0306): one row
 * per day, customer, meter and plan, Price × Usage Quantity, and the anomaly columns that are null unless the
 * offer has custom meter dimensions.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../../shared/metering/rules/anomaly';
import { USAGE_REPORT_COLUMNS, usageReportCsv, usageReportRows } from '../../../../shared/metering/rules/usage-report';
import { UsageReport } from '../../../../shared/metering/service/usage-report';
import {
  type Fixture,
  InMemoryAnomalies,
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

const spike = (resourceKey: string, extra: Partial<Anomaly> = {}): Anomaly => ({
  anomalyId: 'an1',
  publisherId: P1,
  offerId: OFFER,
  planId: 'premium',
  resourceKey,
  meterId: 'email',
  usageDate: '2024-03-04',
  reportedUsage: 1000,
  expectedUsage: 100,
  pricePerUnitUSD: 0.5,
  flaggedAt: '2024-03-11T02:00:00.000Z',
  ...extra,
});

const ANOMALY_COLUMNS = [
  'PartnerCenterDetectedAnomaly',
  'PublisherMarkedAnomaly',
  'NewReportedUsage',
  'ActionTakenAt',
  'ActionTakenBy',
  'EstimatedFinancialImpactUSD',
] as const;

describe('UsageReport (T127, T107)', () => {
  let f: Fixture;
  let usage: InMemoryUsage;
  let store: InMemoryAnomalies;
  let report: UsageReport;
  const range = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-10T00:00:00Z') };

  beforeEach(async () => {
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    usage = new InMemoryUsage();
    store = new InMemoryAnomalies();
    f = await seedMetering(resources, plans);
    report = new UsageReport({ usage, plans, resources, anomalies: store, clock: { now: () => range.end } });
    await usage.insert(usageRow(f.S2, 'premium', 'email', '2024-03-04T09:00:00.000Z', 600));
    await usage.insert(usageRow(f.S2, 'premium', 'email', '2024-03-04T10:00:00.000Z', 400));
    await usage.insert(usageRow(f.S2, 'premium', 'email', '2024-03-03T10:00:00.000Z', 100));
    await usage.insert(usageRow(f.S2, 'premium', 'text', '2024-03-04T10:00:00.000Z', 50));
    await usage.insert(usageRow(f.S8, 'dev_test', 'email', '2024-03-04T10:00:00.000Z', 42));
  });

  it('sums a day of a customer and meter, priced as Price × Usage Quantity, with the seed column names', async () => {
    await store.create(spike(f.S2));
    const rows = await report.rows(P1, range);
    expect(rows.map((r) => [r.UsageDate, r.AssetId, r.MeterId, r.UsageQuantity])).toEqual(
      [
        ['2024-03-03', f.S2, 'email', 100],
        ['2024-03-04', f.S2, 'email', 1000],
        ['2024-03-04', f.S2, 'text', 50],
        ['2024-03-04', f.S8, 'email', 42],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
    );
    const flagged = rows.find((r) => r.UsageDate === '2024-03-04' && r.AssetId === f.S2 && r.MeterId === 'email');
    expect(flagged).toEqual({
      MarketplaceSubscriptionId: null,
      MonthStartDate: '2024-03-01',
      OfferType: 'SaaS',
      OfferName: 'Contoso Notification Services',
      SKU: 'premium',
      CustomerCompanyName: 'Woodgrove',
      UsageDate: '2024-03-04',
      UsageType: 'Metered usage',
      CustomerCurrencyCC: 'USD',
      PriceCC: 0.5,
      PayoutCurrencyPC: 'USD',
      EstimatedPricePC: 0.5,
      UsageUnit: 'per 100 emails',
      UsageQuantity: 1000,
      MeteredUsage: 1000,
      EstimatedExtendedChargeCC: 500,
      EstimatedExtendedChargePC: 500,
      MeterId: 'email',
      PartnerCenterDetectedAnomaly: 1,
      PublisherMarkedAnomaly: null,
      NewReportedUsage: null,
      ActionTakenAt: null,
      ActionTakenBy: null,
      EstimatedFinancialImpactUSD: 450,
      AssetId: f.S2,
    });
    expect(Object.keys(flagged ?? {})).toEqual([...USAGE_REPORT_COLUMNS]);
  });

  it("flags only the anomaly's rows with PartnerCenterDetectedAnomaly=1; the rest have 0 (T127)", async () => {
    await store.create(spike(f.S2));
    const rows = await report.rows(P1, range);
    const detected = rows.map((r) => [r.UsageDate, r.AssetId, r.MeterId, r.PartnerCenterDetectedAnomaly]);
    expect(detected.filter((d) => d[3] === 1)).toEqual([['2024-03-04', f.S2, 'email', 1]]);
    expect(detected.filter((d) => d[3] !== 1).every((d) => d[3] === 0)).toBe(true);
    const unflagged = rows.filter((r) => r.PartnerCenterDetectedAnomaly === 0);
    for (const column of ANOMALY_COLUMNS.slice(1)) expect(unflagged.map((r) => r[column])).toEqual(unflagged.map(() => null));
  });

  it.each([
    [
      'marked as anomaly',
      { decision: 'MarkedAsAnomaly', newReportedUsage: 150, actionTakenAt: '2024-03-12T09:00:00.000Z', actionTakenBy: 'app-1' },
      { PublisherMarkedAnomaly: 1, NewReportedUsage: 150, ActionTakenAt: '2024-03-12T09:00:00.000Z', ActionTakenBy: 'app-1' },
    ],
    [
      'marked not an anomaly',
      { decision: 'NotAnAnomaly', reason: 'campaign', actionTakenAt: '2024-03-12T09:00:00.000Z', actionTakenBy: 'app-1' },
      { PublisherMarkedAnomaly: 0, NewReportedUsage: null, ActionTakenAt: '2024-03-12T09:00:00.000Z', ActionTakenBy: 'app-1' },
    ],
  ] as const)('fills the publisher columns once %s', async (_name, decision, expected) => {
    await store.create(spike(f.S2, decision));
    const rows = await report.rows(P1, range);
    expect(rows.find((r) => r.PartnerCenterDetectedAnomaly === 1)).toMatchObject({ ...expected, EstimatedFinancialImpactUSD: 450 });
  });

  it('still shows zero-priced usage: a $0 charge with MeteredUsage > 0 (T107)', async () => {
    const row = (await report.rows(P1, range)).find((r) => r.AssetId === f.S8);
    expect(row).toMatchObject({
      SKU: 'dev_test',
      MeteredUsage: 42,
      PriceCC: 0,
      EstimatedExtendedChargePC: 0,
      PartnerCenterDetectedAnomaly: 0,
    });
  });

  it('filters by offer and meter, and shows a publisher only its own usage', async () => {
    expect((await report.rows(P1, { ...range, meterId: 'text' })).map((r) => r.MeterId)).toEqual(['text']);
    expect(await report.rows(P1, { ...range, offerId: 'contoso-coa' })).toEqual([]);
    expect(await report.rows(P2, range)).toEqual([]);
  });
});

describe('usageReportRows', () => {
  const event = usageRow('s1', 'legacy', 'email', '2024-03-04T10:00:00.000Z', 3);

  it('gives null in all six anomaly columns when the offer has no custom meter dimensions (T127)', () => {
    const [row] = usageReportRows({
      events: [event],
      anomalies: [spike('s1', { planId: 'legacy' })],
      termsOf: () => ({ planId: 'legacy', dimensions: [] }),
      resourceOf: () => undefined,
    });
    expect(ANOMALY_COLUMNS.map((c) => row?.[c])).toEqual([null, null, null, null, null, null]);
  });

  it('gives 0 and nulls for an unflagged row of an offer with custom meters', () => {
    const [row] = usageReportRows({
      events: [event],
      anomalies: [],
      termsOf: () => PLANS[0],
      resourceOf: () => undefined,
    });
    expect(ANOMALY_COLUMNS.map((c) => row?.[c])).toEqual([0, null, null, null, null, null]);
    expect(row).toMatchObject({ PriceCC: 1, EstimatedExtendedChargeCC: 3, CustomerCompanyName: null });
  });

  it('writes a CSV with the programmatic column names and empty cells for null', () => {
    const rows = usageReportRows({ events: [event], anomalies: [], termsOf: () => PLANS[0], resourceOf: () => undefined });
    const [header, line] = usageReportCsv(rows).trimEnd().split('\r\n');
    expect(header?.split(',')).toEqual([...USAGE_REPORT_COLUMNS]);
    expect(line).toBe(
      ',2024-03-01,SaaS,Contoso Notification Services,legacy,,2024-03-04,Metered usage,USD,1,USD,1,per 100 emails,3,3,3,3,email,0,,,,,,s1',
    );
  });
});
