/**
 * Issue 20: statements, exports and reports hold finite, exact numbers (decision record 0311), tested at the
 * bounds: the largest accepted quantity (10^9) at the largest billable price ($10^6 per unit) in every hour of a
 * 31-day billing period, plus sums that binary doubles get wrong.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import type { PlanTerms, StoredUsage } from '../../../../shared/metering/model';
import { MAX_PRICE_PER_UNIT_USD, MAX_QUANTITY } from '../../../../shared/metering/rules/limits';
import { billingPeriod, buildStatement } from '../../../../shared/metering/rules/billing';
import { usageReportCsv, usageReportRows } from '../../../../shared/metering/rules/usage-report';
import { HOUR_MS } from '../../../../shared/metering/rules/time';
import { Billing } from '../../../../shared/metering/service/billing';
import { UsageQueries } from '../../../../shared/metering/service/query';
import { UsageReport } from '../../../../shared/metering/service/usage-report';
import {
  InMemoryAnomalies,
  InMemoryExports,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  OFFER,
  P1,
  saas,
  usageRow,
} from '../../../fixtures/metering';

const ID = 'c0ffee00-0000-4000-8000-0000000000b2';
const MAX_PLAN: PlanTerms = {
  planId: 'max',
  offerName: 'Contoso Notification Services',
  dimensions: [
    { id: 'email', enabled: true, unitOfMeasure: 'per 100 emails', pricePerUnitUSD: MAX_PRICE_PER_UNIT_USD, includedQuantityMonthly: 0 },
    { id: 'text', enabled: true, pricePerUnitUSD: 0.07, includedQuantityMonthly: 0 },
  ],
};
const TERM = { termUnit: 'P1M', startDate: '2024-03-01' } as const;
const resource = saas(ID, 'max', { term: TERM, activatedAt: '2024-03-01T00:00:00Z', customerName: 'Max Corp' });
const MARCH = billingPeriod(TERM, new Date('2024-03-15T00:00:00Z'));
const HOURS = 31 * 24; // 744: every hour of the period [2024-03-01, 2024-04-01)

/** One event per hour of March from `first` on, `quantity` each. */
function hourly(dimension: string, quantity: number, count = HOURS): StoredUsage[] {
  const start = Date.parse('2024-03-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) =>
    usageRow(ID, 'max', dimension, new Date(start + i * HOUR_MS + 15 * 60_000).toISOString(), quantity),
  );
}

/** Every number anywhere in a parsed JSON document. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbersIn);
  return [];
}

const STATEMENT_FIELDS = ['acceptedQuantity', 'chargeUSD', 'adjustmentUSD', 'netChargeUSD', 'totalChargeUSD', 'totalNetUSD'];
const REPORT_FIELDS = ['PriceCC', 'UsageQuantity', 'MeteredUsage', 'EstimatedExtendedChargeCC', 'EstimatedExtendedChargePC'];

/** The money and quantity fields hold finite numbers: never `null` (how JSON writes NaN and Infinity), NaN or Infinity. */
function expectFiniteJson(text: string, fields: readonly string[]) {
  expect(/NaN|Infinity/.test(text)).toBe(false);
  expect(fields.filter((field) => text.includes(`"${field}":null`) || text.includes(`"${field}": null`))).toEqual([]);
  expect(numbersIn(JSON.parse(text)).every((n) => Number.isFinite(n))).toBe(true);
}

const statementOf = (events: readonly StoredUsage[]) =>
  buildStatement({ resource, period: MARCH, events, anomalies: [], termsOf: () => MAX_PLAN, now: new Date('2024-04-02T00:00:00Z') });

describe('statements at the bounds', () => {
  it('bills 744 hours × 10^9 units × $10^6 as exactly 7.44 × 10^17 USD', () => {
    const statement = statementOf(hourly('email', MAX_QUANTITY));
    expect(statement.lines).toEqual([
      expect.objectContaining({
        dimension: 'email',
        eventCount: 744,
        acceptedQuantity: 744_000_000_000,
        chargeUSD: 744_000_000_000_000_000,
        netChargeUSD: 744_000_000_000_000_000,
      }),
    ]);
    expect([statement.totalChargeUSD, statement.totalAdjustmentUSD, statement.totalNetUSD]).toEqual([7.44e17, 0, 7.44e17]);
    expectFiniteJson(JSON.stringify(statement), STATEMENT_FIELDS);
  });

  it('sums quantities a double sum gets wrong: 744 × 999999999.9 is 743999999925.6', () => {
    const statement = statementOf(hourly('text', 999_999_999.9));
    // Float accumulation (rounded to 9 decimals at every step) gave 743999999925.6107.
    expect(statement.lines[0]).toMatchObject({ acceptedQuantity: 743_999_999_925.6, chargeUSD: 52_079_999_994.792 });
  });

  it('beyond 15 significant digits gives the double nearest the exact amount, not an accumulated float error', () => {
    const plan: PlanTerms = { planId: 'max', dimensions: [{ id: 'text', enabled: true, pricePerUnitUSD: 999_999.99 }] };
    const statement = buildStatement({
      resource,
      period: MARCH,
      events: hourly('text', 999_999_999.9),
      anomalies: [],
      termsOf: () => plan,
      now: new Date('2024-04-02T00:00:00Z'),
    });
    // Exactly 743999992485600000.744 USD; a JSON number holds 743999992485600000 (float arithmetic gave …610800).
    expect(statement.lines[0]?.chargeUSD).toBe(743_999_992_485_600_000);
  });

  it('keeps quantities below a billionth until they are priced: 3 × 0.0000000004 units at $10^6', () => {
    const statement = statementOf(hourly('email', 0.0000000004, 3));
    // Rounding the running sum to 9 decimals at every step lost all three (0 units, $0).
    expect(statement.lines[0]).toMatchObject({ acceptedQuantity: 0.000000001, chargeUSD: 0.0012 });
  });

  it('adds 0.1 + 0.2 as 0.3 and totals the rounded lines, so the statement adds up', () => {
    const statement = statementOf([
      ...hourly('text', 0.1, 1),
      ...hourly('email', 0.0000005, 1),
      usageRow(ID, 'max', 'text', '2024-03-02T00:15:00Z', 0.2),
    ]);
    expect(statement.lines.map((l) => [l.dimension, l.acceptedQuantity, l.chargeUSD])).toEqual([
      ['email', 0.0000005, 0.5],
      ['text', 0.3, 0.021],
    ]);
    expect(statement.totalChargeUSD).toBe(0.521);
  });

  it('bills none of the rows stored before the bounds (1e308 units, a price beyond $10^6)', () => {
    const overpriced: PlanTerms = { planId: 'max', dimensions: [{ id: 'email', enabled: true, pricePerUnitUSD: Number.MAX_VALUE }] };
    const legacy = [usageRow(ID, 'max', 'text', '2024-03-02T00:15:00Z', 1e308), usageRow(ID, 'max', 'text', '2024-03-02T01:15:00Z', 1e308)];
    const statement = statementOf([...legacy, ...hourly('text', 1, 2)]);
    expect(statement.lines.map((l) => [l.dimension, l.eventCount, l.acceptedQuantity])).toEqual([['text', 2, 2]]);
    expectFiniteJson(JSON.stringify(statement), STATEMENT_FIELDS);
    const priced = buildStatement({
      resource,
      period: MARCH,
      events: hourly('email', MAX_QUANTITY, 2),
      anomalies: [],
      termsOf: () => overpriced,
      now: new Date('2024-04-02T00:00:00Z'),
    });
    expect(priced.lines).toEqual([]);
    expect(priced.totalNetUSD).toBe(0);
  });
});

describe('exports, the usage report and the usage query at the bounds', () => {
  let usage: InMemoryUsage;
  let exports: InMemoryExports;
  let billing: Billing;
  let report: UsageReport;
  let queries: UsageQueries;

  beforeEach(async () => {
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    const anomalies = new InMemoryAnomalies();
    usage = new InMemoryUsage();
    exports = new InMemoryExports();
    await resources.put(resource);
    await plans.put(P1, OFFER, MAX_PLAN);
    for (const row of [...hourly('email', MAX_QUANTITY), ...hourly('text', 999_999_999.9)]) await usage.insert(row);
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    clock.set(new Date('2024-04-02T00:00:00Z'));
    billing = new Billing({ resources, plans, usage, anomalies, exports, clock });
    report = new UsageReport({ usage, plans, resources, anomalies, clock });
    queries = new UsageQueries({ usage, plans, clock });
  });

  it('exports JSON and CSV with the exact totals', async () => {
    const result = await billing.exportMonth(P1, '2024-03');
    // Exactly 744000052079999994.792: 21 significant digits, so the JSON number is the double nearest to it.
    expect(result).toMatchObject({ statementCount: 1, totalNetUSD: 744_000_052_079_999_994.792 });
    const json = exports.files.get(`${P1}/2024-03/statements.json`)?.body ?? '';
    expectFiniteJson(json, STATEMENT_FIELDS);
    const [statement] = (JSON.parse(json) as { statements: { lines: { acceptedQuantity: number; chargeUSD: number }[] }[] }).statements;
    expect(statement?.lines.map((l) => [l.acceptedQuantity, l.chargeUSD])).toEqual([
      [744_000_000_000, 744_000_000_000_000_000],
      [743_999_999_925.6, 52_079_999_994.792],
    ]);
    const csv = exports.files.get(`${P1}/2024-03/statements.csv`)?.body ?? '';
    expect(csv).not.toMatch(/Infinity|NaN|e\+/);
    expect(csv.split('\r\n').slice(1, 3)).toEqual([
      `${ID},${OFFER},2024-03-01,2024-03-31,max,email,per 100 emails,1000000,0,744000000000,744,744000000000000000,0,0,744000000000000000`,
      `${ID},${OFFER},2024-03-01,2024-03-31,max,text,,0.07,0,743999999925.6,744,52079999994.792,0,0,52079999994.792`,
    ]);
  });

  it('reports each day as 24 × the maximum, exactly, in JSON and CSV', async () => {
    const rows = await report.rows(P1, { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-31T00:00:00Z') });
    const email = rows.filter((r) => r.MeterId === 'email');
    expect(email).toHaveLength(31);
    expect(new Set(email.map((r) => [r.UsageQuantity, r.EstimatedExtendedChargeCC, r.EstimatedExtendedChargePC].join()))).toEqual(
      new Set(['24000000000,24000000000000000,24000000000000000']),
    );
    const text = rows.find((r) => r.MeterId === 'text');
    expect([text?.UsageQuantity, text?.EstimatedExtendedChargeCC]).toEqual([23_999_999_997.6, 1_679_999_999.832]);
    expectFiniteJson(JSON.stringify({ value: rows }), REPORT_FIELDS);
    const csv = usageReportCsv(rows);
    expect(csv).not.toMatch(/Infinity|NaN/);
    expect(csv).toContain(',24000000000,24000000000,24000000000000000,24000000000000000,email,');
  });

  it('answers the usage query with exact daily sums and leaves out rows beyond the bounds', async () => {
    await usage.insert(usageRow(ID, 'max', 'legacy', '2024-03-05T00:15:00Z', 1e308));
    await usage.insert(usageRow(ID, 'max', 'legacy', '2024-03-05T01:15:00Z', 1e308));
    const rows = await queries.list(P1, { start: new Date('2024-03-05T00:00:00Z'), end: new Date('2024-03-05T00:00:00Z') });
    expect(rows.map((r) => [r.dimension, r.submittedQuantity, r.submittedCount])).toEqual([
      ['email', 24_000_000_000, 24],
      ['text', 23_999_999_997.6, 24],
    ]);
  });
});

describe('usageReportRows', () => {
  it('skips rows beyond the bounds instead of summing them to Infinity', () => {
    const rows = usageReportRows({
      events: [usageRow(ID, 'max', 'text', '2024-03-02T00:15:00Z', 1e308), usageRow(ID, 'max', 'text', '2024-03-02T01:15:00Z', 1e308)],
      anomalies: [],
      termsOf: () => MAX_PLAN,
      resourceOf: () => resource,
    });
    expect(rows).toEqual([]);
  });
});
