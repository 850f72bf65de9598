/**
 * Billing statements (shared/metering/rules/billing.ts; specs/metering.md 2.4, 3.10; decision record 0304): which
 * usage and which anomaly credits land on a statement, on which line, and the period's boundaries.
 */
import { describe, expect, it } from 'vitest';
import type { MeteredResource, PlanTerms, StoredUsage } from '../../../../shared/metering/model';
import type { Anomaly } from '../../../../shared/metering/rules/anomaly';
import { billingPeriod, buildStatement, type TermsLookup } from '../../../../shared/metering/rules/billing';
import { OFFER, P1, PLANS, saas, usageRow } from '../../../fixtures/metering';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const plan = (planId: string) => PLANS.find((p) => p.planId === planId) as PlanTerms;
const byPlan: TermsLookup = (planId) => PLANS.find((p) => p.planId === planId);

const S1 = 's1';
const resource: MeteredResource = saas(S1, 'basic', { term: { termUnit: 'P1M', startDate: '2024-03-01' } });
const MARCH = billingPeriod(resource.term, new Date('2024-03-15T00:00:00Z')); // [2024-03-01, 2024-04-01)
const DURING = new Date('2024-03-20T00:00:00Z');

function statement(
  events: readonly StoredUsage[],
  anomalies: readonly Anomaly[] = [],
  extra: Partial<Parameters<typeof buildStatement>[0]> = {},
) {
  return buildStatement({ resource, period: MARCH, events, anomalies, termsOf: byPlan, now: DURING, ...extra });
}

/** An anomaly on S1's basic email usage of 2024-03-09, marked as an anomaly: 1000 reported, 150 kept. */
function marked(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    anomalyId: 'a1',
    publisherId: P1,
    offerId: OFFER,
    planId: 'basic',
    resourceKey: S1,
    meterId: 'email',
    usageDate: '2024-03-09',
    reportedUsage: 1000,
    expectedUsage: 100,
    pricePerUnitUSD: 1,
    flaggedAt: '2024-03-11T02:00:00Z',
    decision: 'MarkedAsAnomaly',
    newReportedUsage: 150,
    ...overrides,
  };
}

const email1000 = usageRow(S1, 'basic', 'email', '2024-03-09T10:00:00Z', 1000);
const text500 = usageRow(S1, 'basic', 'text', '2024-03-09T11:00:00Z', 500);

type Line = ReturnType<typeof statement>['lines'][number];
const credits = (lines: readonly Line[]) =>
  lines.map((l) => [l.dimension, l.planId, l.adjustmentQuantity, l.adjustmentUSD, l.netChargeUSD]);

describe('billingPeriod across the turn of the year', () => {
  it.each([
    ['2024-01-20', '2024-01-05T00:00:00Z', '2023-12-20', '2024-01-20'],
    ['2024-01-20', '2023-12-25T00:00:00Z', '2023-12-20', '2024-01-20'],
    ['2024-01-31', '2024-12-31T12:00:00Z', '2024-12-31', '2025-01-31'],
    ['2024-01-31', '2025-01-15T12:00:00Z', '2024-12-31', '2025-01-31'],
    ['2024-01-01', '2024-12-31T23:59:59.999Z', '2024-12-01', '2025-01-01'],
  ])('a term from %s at %s bills [%s, %s)', (startDate, at, start, end) => {
    const period = billingPeriod({ termUnit: 'P1M', startDate }, new Date(at));
    expect([iso(period.start), iso(period.end)]).toEqual([start, end]);
  });
});

describe('buildStatement: the period', () => {
  it('bills usage from the first millisecond of the period up to, not including, the first of the next', () => {
    const s = statement([
      usageRow(S1, 'basic', 'email', '2024-02-29T23:59:59.999Z', 1), // February's
      usageRow(S1, 'basic', 'email', '2024-03-01T00:00:00.000Z', 2),
      usageRow(S1, 'basic', 'email', '2024-03-31T23:59:59.999Z', 4),
      usageRow(S1, 'basic', 'email', '2024-04-01T00:00:00.000Z', 8), // April's
    ]);
    expect(s.lines.map((l) => [l.dimension, l.eventCount, l.acceptedQuantity, l.chargeUSD])).toEqual([['email', 2, 6, 6]]);
    expect([s.periodStart, s.periodEnd]).toEqual(['2024-03-01', '2024-03-31']);
  });

  it('is closed from the first instant of the next period, and open until then', () => {
    expect(statement([email1000], [], { now: new Date('2024-04-01T00:00:00.000Z') }).closed).toBe(true);
    expect(statement([email1000], [], { now: new Date('2024-03-31T23:59:59.999Z') }).closed).toBe(false);
  });

  it('states the currency, the term unit and when it was generated, and has no term unit without a term', () => {
    expect(statement([email1000])).toMatchObject({
      subscriptionId: S1,
      publisherId: P1,
      offerId: OFFER,
      termUnit: 'P1M',
      currency: 'USD',
      generatedAt: '2024-03-20T00:00:00.000Z',
    });
    const annual = statement([email1000], [], { resource: { ...resource, term: { termUnit: 'P1Y', startDate: '2024-03-01' } } });
    expect(annual.termUnit).toBe('P1Y');
    const termless = statement([email1000], [], { resource: { ...resource, term: undefined } });
    expect(termless.termUnit).toBeNull();
  });
});

/** The statement line of `email1000` on the basic plan: 1,000 emails at $1, 10,000 included for reference. */
const EMAIL_1000_LINE = {
  dimension: 'email',
  planId: 'basic',
  displayName: 'email message',
  unitOfMeasure: 'per 100 emails',
  pricePerUnitUSD: 1,
  includedQuantity: 10000,
  acceptedQuantity: 1000,
  eventCount: 1,
  chargeUSD: 1000,
  adjustmentQuantity: 0,
  adjustmentUSD: 0,
  netChargeUSD: 1000,
};

describe('buildStatement: lines', () => {
  it('names each line with its dimension, unit and price, and the included quantity for reference', () => {
    const [line] = statement([email1000]).lines;
    expect(line).toStrictEqual(EMAIL_1000_LINE);
  });

  it('keeps a line per catalog version of the plan, each at its own price', () => {
    const termsOf: TermsLookup = (planId, offerVersion) =>
      planId === 'basic' && offerVersion !== undefined
        ? { planId, dimensions: [{ id: 'email', enabled: true, pricePerUnitUSD: offerVersion }] }
        : plan(planId);
    const s = statement(
      [
        { ...usageRow(S1, 'basic', 'email', '2024-03-02T10:00:00Z', 10), offerVersion: 2 },
        { ...usageRow(S1, 'basic', 'email', '2024-03-03T10:00:00Z', 10), offerVersion: 3 },
        { ...usageRow(S1, 'basic', 'email', '2024-03-04T10:00:00Z', 5), offerVersion: 3 },
        usageRow(S1, 'basic', 'email', '2024-03-05T10:00:00Z', 10),
      ],
      [],
      { termsOf },
    );
    expect(s.lines.map((l) => [l.offerVersion, l.eventCount, l.pricePerUnitUSD, l.chargeUSD])).toEqual([
      [2, 1, 2, 20],
      [3, 2, 3, 45],
      [undefined, 1, 1, 10],
    ]);
    expect(Object.keys(s.lines[2] as Line)).not.toContain('offerVersion'); // no version: no field, not `undefined`
    expect(s.totalChargeUSD).toBe(75);
  });

  it('lists usage under a plan the catalog no longer knows at $0, with no unit or included quantity', () => {
    const s = statement([usageRow(S1, 'retired', 'email', '2024-03-09T10:00:00Z', 7), email1000]);
    expect(s.lines).toStrictEqual([
      EMAIL_1000_LINE,
      {
        dimension: 'email',
        planId: 'retired',
        pricePerUnitUSD: 0,
        includedQuantity: null,
        acceptedQuantity: 7,
        eventCount: 1,
        chargeUSD: 0,
        adjustmentQuantity: 0,
        adjustmentUSD: 0,
        netChargeUSD: 0,
      },
    ]);
  });
});

describe('buildStatement: anomaly credits', () => {
  it('credits an anomaly marked as anomaly on the line of its meter', () => {
    const s = statement(
      [email1000, text500],
      [marked({ meterId: 'text', reportedUsage: 500, newReportedUsage: 100, pricePerUnitUSD: 0.02 })],
    );
    expect(credits(s.lines)).toEqual([
      ['email', 'basic', 0, 0, 1000],
      ['text', 'basic', -400, -8, 2],
    ]);
    expect([s.totalChargeUSD, s.totalAdjustmentUSD, s.totalNetUSD]).toEqual([1010, -8, 1002]);
  });

  it('credits the line of the anomaly’s plan when the meter was used under two plans in the period', () => {
    const s = statement(
      [email1000, usageRow(S1, 'premium', 'email', '2024-03-20T10:00:00Z', 1000)],
      [marked({ planId: 'premium', usageDate: '2024-03-20', pricePerUnitUSD: 0.5 })],
    );
    expect(credits(s.lines)).toEqual([
      ['email', 'basic', 0, 0, 1000],
      ['email', 'premium', -850, -425, 75],
    ]);
  });

  it("does not credit another customer's anomaly", () => {
    const s = statement([email1000], [marked({ resourceKey: 's2' })]);
    expect(credits(s.lines)).toEqual([['email', 'basic', 0, 0, 1000]]);
    expect(s.totalAdjustmentUSD).toBe(0);
  });

  it.each([
    ['the last day of the previous period', '2024-02-29', false],
    ['the first day of the period', '2024-03-01', true],
    ['the last day of the period', '2024-03-31', true],
    ['the first day of the next period', '2024-04-01', false],
  ])('credits an anomaly of %s (%s): %s', (_name, usageDate, credited) => {
    const s = statement([email1000], [marked({ usageDate })]);
    expect(s.totalAdjustmentUSD).toBe(credited ? -850 : 0);
    expect(s.lines).toHaveLength(1);
  });

  it('credits the line of the usage’s catalog version, without adding a line', () => {
    const s = statement([{ ...email1000, offerVersion: 2 }], [marked()]);
    expect(s.lines.map((l) => [l.offerVersion, l.adjustmentQuantity, l.netChargeUSD])).toEqual([[2, -850, 150]]);
  });

  it('shows a credit for a meter with no usage left in the period as a line of its own', () => {
    const s = statement([email1000], [marked({ meterId: 'text', reportedUsage: 500, newReportedUsage: 100, pricePerUnitUSD: 0.02 })]);
    expect(credits(s.lines)).toEqual([
      ['email', 'basic', 0, 0, 1000],
      ['text', 'basic', -400, -8, -8],
    ]);
    expect(s.lines[1]).toMatchObject({ acceptedQuantity: 0, eventCount: 0, chargeUSD: 0 });
  });

  it('adds no line and no credit for "Not an anomaly" or an undecided flag', () => {
    const s = statement(
      [email1000],
      [
        marked({ meterId: 'text', decision: 'NotAnAnomaly', newReportedUsage: undefined }),
        marked({ meterId: 'text', decision: undefined, newReportedUsage: undefined }),
      ],
    );
    expect(credits(s.lines)).toEqual([['email', 'basic', 0, 0, 1000]]);
  });

  it('adds no credit priced beyond what metering bills', () => {
    const s = statement([email1000], [marked({ pricePerUnitUSD: Number.MAX_VALUE })]);
    expect(credits(s.lines)).toEqual([['email', 'basic', 0, 0, 1000]]);
  });
});
