/**
 * The rows of the metered-usage report (shared/metering/rules/usage-report.ts; seed 004 ~19281–19315; decision
 * records 0306, 0311): each meter priced at its own price, one row per day, customer, meter, plan and catalog
 * version, and the anomaly columns filled from the publisher's decision.
 */
import { describe, expect, it } from 'vitest';
import type { MeteredResource, PlanTerms, StoredUsage } from '../../../../shared/metering/model';
import type { Anomaly } from '../../../../shared/metering/rules/anomaly';
import { usageReportCsv, usageReportRows, type ReportInput } from '../../../../shared/metering/rules/usage-report';
import { OFFER, P1, PLANS, saas, usageRow } from '../../../fixtures/metering';

const S1 = 's1';
const basic = PLANS.find((p) => p.planId === 'basic') as PlanTerms;
const resource: MeteredResource = saas(S1, 'basic', { customerName: 'Fabrikam Ltd', azureSubscriptionId: 'az-of-resource' });

function rows(events: readonly StoredUsage[], extra: Partial<ReportInput> = {}) {
  return usageReportRows({ events, anomalies: [], termsOf: () => basic, resourceOf: () => resource, ...extra });
}

const flag = (overrides: Partial<Anomaly> = {}): Anomaly => ({
  anomalyId: 'a1',
  publisherId: P1,
  offerId: OFFER,
  planId: 'basic',
  resourceKey: S1,
  meterId: 'email',
  usageDate: '2024-03-04',
  reportedUsage: 1000,
  expectedUsage: 100,
  pricePerUnitUSD: 1,
  flaggedAt: '2024-03-06T02:00:00.000Z',
  ...overrides,
});

const email1000 = usageRow(S1, 'basic', 'email', '2024-03-04T10:00:00Z', 1000);

describe('usageReportRows: prices', () => {
  it('prices each meter at its own price, not the first dimension’s', () => {
    const r = rows([email1000, usageRow(S1, 'basic', 'text', '2024-03-04T10:00:00Z', 500)]);
    expect(r.map((x) => [x.MeterId, x.PriceCC, x.EstimatedPricePC, x.UsageUnit, x.EstimatedExtendedChargeCC])).toEqual([
      ['email', 1, 1, 'per 100 emails', 1000],
      ['text', 0.02, 0.02, 'for 1 text message', 10],
    ]);
  });

  it('leaves out only the meter priced beyond what metering bills, whichever comes first in the plan', () => {
    const plans: PlanTerms[] = [
      {
        planId: 'basic',
        dimensions: [
          { id: 'email', enabled: true, pricePerUnitUSD: 1 },
          { id: 'text', enabled: true, pricePerUnitUSD: Number.MAX_VALUE },
        ],
      },
      {
        planId: 'basic',
        dimensions: [
          { id: 'text', enabled: true, pricePerUnitUSD: Number.MAX_VALUE },
          { id: 'email', enabled: true, pricePerUnitUSD: 1 },
        ],
      },
    ];
    for (const terms of plans) {
      const r = rows([email1000, usageRow(S1, 'basic', 'text', '2024-03-04T10:00:00Z', 500)], { termsOf: () => terms });
      expect(r.map((x) => [x.MeterId, x.PriceCC, x.EstimatedExtendedChargeCC])).toEqual([['email', 1, 1000]]);
    }
  });

  it('reports usage under a plan the catalog no longer knows at $0, with no offer name, unit or anomaly columns', () => {
    const [row] = rows([email1000], { termsOf: () => undefined, anomalies: [flag()] });
    expect(row).toMatchObject({
      OfferName: null,
      PriceCC: 0,
      UsageUnit: null,
      UsageQuantity: 1000,
      EstimatedExtendedChargeCC: 0,
      PartnerCenterDetectedAnomaly: null,
      EstimatedFinancialImpactUSD: null,
    });
  });
});

describe('usageReportRows: grouping and columns', () => {
  it('keeps a row per catalog version of the plan', () => {
    const termsOf = (_offer: string, planId: string, offerVersion: number | undefined): PlanTerms => ({
      planId,
      dimensions: [{ id: 'email', enabled: true, pricePerUnitUSD: offerVersion ?? 1 }],
    });
    const r = rows(
      [
        { ...usageRow(S1, 'basic', 'email', '2024-03-04T09:00:00Z', 10), offerVersion: 2 },
        { ...usageRow(S1, 'basic', 'email', '2024-03-04T10:00:00Z', 10), offerVersion: 3 },
        { ...usageRow(S1, 'basic', 'email', '2024-03-04T11:00:00Z', 5), offerVersion: 3 },
      ],
      { termsOf },
    );
    expect(r.map((x) => [x.UsageQuantity, x.PriceCC, x.EstimatedExtendedChargeCC])).toEqual([
      [10, 2, 20],
      [15, 3, 45],
    ]);
  });

  it("takes the Azure subscription the event recorded, else the resource's", () => {
    const r = rows([{ ...email1000, azureSubscriptionId: 'az-of-event' }, usageRow(S1, 'basic', 'text', '2024-03-04T10:00:00Z', 1)]);
    expect(r.map((x) => [x.MeterId, x.MarketplaceSubscriptionId])).toEqual([
      ['email', 'az-of-event'],
      ['text', 'az-of-resource'],
    ]);
    expect(rows([email1000], { resourceOf: () => undefined })[0]?.MarketplaceSubscriptionId).toBeNull();
  });

  it('names the offer type: SaaS, or Azure Application for a managed app', () => {
    const r = rows([email1000, { ...usageRow('app1', 'basic', 'email', '2024-03-04T10:00:00Z', 1), resourceKind: 'managedApp' }]);
    expect(r.map((x) => [x.AssetId, x.OfferType])).toEqual([
      ['app1', 'Azure Application'],
      [S1, 'SaaS'],
    ]);
  });
});

describe('usageReportRows: the anomaly columns (decision record 0306)', () => {
  const anomalyColumns = (anomaly: Anomaly) => {
    const [row] = rows([email1000], { anomalies: [anomaly] });
    return [
      row?.PartnerCenterDetectedAnomaly,
      row?.PublisherMarkedAnomaly,
      row?.NewReportedUsage,
      row?.ActionTakenAt,
      row?.ActionTakenBy,
      row?.EstimatedFinancialImpactUSD,
    ];
  };
  const acted = { actionTakenAt: '2024-03-07T09:00:00.000Z', actionTakenBy: 'ops@contoso.example' };

  it('flags the row and shows the impact, the decision columns empty until the publisher acts', () => {
    expect(anomalyColumns(flag())).toEqual([1, null, null, null, null, 900]);
  });

  it('shows "Mark as anomaly" as 1 with the corrected usage, when and by whom', () => {
    expect(anomalyColumns(flag({ decision: 'MarkedAsAnomaly', newReportedUsage: 150, ...acted }))).toEqual([
      1,
      1,
      150,
      '2024-03-07T09:00:00.000Z',
      'ops@contoso.example',
      900,
    ]);
  });

  it('shows "Not an anomaly" as 0, when and by whom, and no corrected usage even if the record carries one', () => {
    expect(anomalyColumns(flag({ decision: 'NotAnAnomaly', newReportedUsage: 150, ...acted }))).toEqual([
      1,
      0,
      null,
      '2024-03-07T09:00:00.000Z',
      'ops@contoso.example',
      900,
    ]);
  });

  it('leaves the time and actor empty when a decision does not record them', () => {
    expect(anomalyColumns(flag({ decision: 'MarkedAsAnomaly' }))).toEqual([1, 1, null, null, null, 900]);
  });

  it("flags only the flag's customer, meter and day", () => {
    expect(anomalyColumns(flag({ resourceKey: 's2' }))).toEqual([0, null, null, null, null, null]);
    expect(anomalyColumns(flag({ meterId: 'text' }))).toEqual([0, null, null, null, null, null]);
    expect(anomalyColumns(flag({ usageDate: '2024-03-05' }))).toEqual([0, null, null, null, null, null]);
  });
});

describe('usageReportCsv', () => {
  it('quotes a customer name with a comma, so the row keeps its 25 columns', () => {
    const csv = usageReportCsv(rows([email1000], { resourceOf: () => ({ ...resource, customerName: 'Fabrikam, "Ltd"' }) }));
    const [, line] = csv.split('\r\n');
    expect(line).toContain(',"Fabrikam, ""Ltd""",');
    expect(line?.replace('"Fabrikam, ""Ltd"""', 'X').split(',')).toHaveLength(25);
  });
});
