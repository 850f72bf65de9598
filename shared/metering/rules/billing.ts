/**
 * Billing statements (specs/metering.md 2.4, 3.10; decision record 0304). The ISV reports only usage above the
 * included quantities (seed 004 ~7664, ~15974), so the charge of a dimension in a billing period is
 * Σ accepted quantity × price per unit (seed 004 ~19303 "the product of Price and Usage Quantity"); the included
 * quantity is shown for reference only and never subtracted (A11). Overage is billed monthly, annual terms
 * included (seed 004 ~15974), in periods anchored on the term's start day (E2: "based on the dates defined in
 * the term"). Credits from anomalies marked as anomalies reduce the period of the anomaly's usage date.
 */
import type { MeteredResource, PlanTerms, StoredUsage } from '../model';
import { creditQuantity, type Anomaly } from './anomaly';
import { toCsv, type CsvValue } from './csv';
import { quantityOf, usd } from './numbers';
import { includedQuantity } from './resource';
import { isoDate } from './time';

export interface BillingPeriod {
  start: Date;
  /** Exclusive. */
  end: Date;
}

function anchored(year: number, month: number, day: number): Date {
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, last)));
}

/** The monthly billing period containing `at`, anchored on the term start's day of month (day 1 without a term). */
export function billingPeriod(term: MeteredResource['term'], at: Date): BillingPeriod {
  const anchorDay = term ? Number(term.startDate.slice(8, 10)) : 1;
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth();
  let start = anchored(year, month, anchorDay);
  if (start.getTime() > at.getTime()) {
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
    start = anchored(year, month, anchorDay);
  }
  const end = anchored(month === 11 ? year + 1 : year, (month + 1) % 12, anchorDay);
  return { start, end };
}

export interface StatementLine {
  dimension: string;
  planId: string;
  offerVersion?: number;
  displayName?: string;
  unitOfMeasure?: string;
  pricePerUnitUSD: number;
  /** For reference: what the ISV should not have reported; `null` when the plan does not say. */
  includedQuantity: number | 'unlimited' | null;
  acceptedQuantity: number;
  eventCount: number;
  chargeUSD: number;
  /** Units credited by anomalies marked as anomalies (negative or 0). */
  adjustmentQuantity: number;
  adjustmentUSD: number;
  netChargeUSD: number;
}

export interface Statement {
  subscriptionId: string;
  publisherId: string;
  offerId: string;
  termUnit: 'P1M' | 'P1Y' | null;
  periodStart: string;
  /** Inclusive last day of the period. */
  periodEnd: string;
  currency: 'USD';
  lines: StatementLine[];
  totalChargeUSD: number;
  totalAdjustmentUSD: number;
  totalNetUSD: number;
  /** The period has ended on the project clock; usage can no longer be added to it (24-hour window). */
  closed: boolean;
  generatedAt: string;
}

export type TermsLookup = (planId: string, offerVersion: number | undefined) => PlanTerms | undefined;

function versionKey(planId: string, offerVersion: number | undefined, dimension: string): string {
  return `${planId}\u0000${offerVersion ?? ''}\u0000${dimension}`;
}

/** Builds one statement from the period's accepted events (already filtered to the resource and period). */
export function buildStatement(input: {
  resource: MeteredResource;
  period: BillingPeriod;
  events: readonly StoredUsage[];
  anomalies: readonly Anomaly[];
  termsOf: TermsLookup;
  now: Date;
}): Statement {
  const { resource, period } = input;
  const termUnit = resource.term?.termUnit;
  const lines = new Map<string, StatementLine>();
  const lineFor = (planId: string, offerVersion: number | undefined, dimension: string): StatementLine => {
    const key = versionKey(planId, offerVersion, dimension);
    let line = lines.get(key);
    if (!line) {
      const terms = input.termsOf(planId, offerVersion)?.dimensions.find((d) => d.id === dimension);
      line = {
        dimension,
        planId,
        ...(offerVersion !== undefined ? { offerVersion } : {}),
        ...(terms?.displayName ? { displayName: terms.displayName } : {}),
        ...(terms?.unitOfMeasure ? { unitOfMeasure: terms.unitOfMeasure } : {}),
        pricePerUnitUSD: terms?.pricePerUnitUSD ?? 0,
        includedQuantity: (terms && includedQuantity(terms, termUnit)) ?? null,
        acceptedQuantity: 0,
        eventCount: 0,
        chargeUSD: 0,
        adjustmentQuantity: 0,
        adjustmentUSD: 0,
        netChargeUSD: 0,
      };
      lines.set(key, line);
    }
    return line;
  };
  const inPeriod = (t: number) => t >= period.start.getTime() && t < period.end.getTime();
  for (const event of input.events) {
    if (!inPeriod(Date.parse(event.effectiveAt))) continue;
    const line = lineFor(event.planId, event.offerVersion, event.dimension);
    line.acceptedQuantity = quantityOf(line.acceptedQuantity + event.quantity);
    line.eventCount += 1;
  }
  for (const anomaly of input.anomalies) {
    const credit = creditQuantity(anomaly);
    if (credit <= 0 || anomaly.resourceKey !== resource.resourceKey) continue;
    if (!inPeriod(Date.parse(`${anomaly.usageDate}T00:00:00Z`))) continue;
    const candidates = [...lines.values()].filter((l) => l.dimension === anomaly.meterId && l.planId === anomaly.planId);
    const line = candidates[0] ?? lineFor(anomaly.planId, undefined, anomaly.meterId);
    line.adjustmentQuantity = quantityOf(line.adjustmentQuantity - credit);
    line.adjustmentUSD = usd(line.adjustmentUSD - credit * anomaly.pricePerUnitUSD);
  }
  const sorted = [...lines.values()].sort((a, b) => a.dimension.localeCompare(b.dimension) || a.planId.localeCompare(b.planId));
  for (const line of sorted) {
    line.chargeUSD = usd(line.acceptedQuantity * line.pricePerUnitUSD);
    line.netChargeUSD = usd(line.chargeUSD + line.adjustmentUSD);
  }
  const total = (pick: (l: StatementLine) => number) => usd(sorted.reduce((sum, l) => sum + pick(l), 0));
  return {
    subscriptionId: resource.resourceKey,
    publisherId: resource.publisherId,
    offerId: resource.offerId,
    termUnit: termUnit ?? null,
    periodStart: isoDate(period.start),
    periodEnd: isoDate(new Date(period.end.getTime() - 1)),
    currency: 'USD',
    lines: sorted,
    totalChargeUSD: total((l) => l.chargeUSD),
    totalAdjustmentUSD: total((l) => l.adjustmentUSD),
    totalNetUSD: total((l) => l.netChargeUSD),
    closed: input.now.getTime() >= period.end.getTime(),
    generatedAt: input.now.toISOString(),
  };
}

const CSV_COLUMNS = [
  'subscriptionId',
  'offerId',
  'periodStart',
  'periodEnd',
  'planId',
  'dimension',
  'unitOfMeasure',
  'pricePerUnitUSD',
  'includedQuantity',
  'acceptedQuantity',
  'eventCount',
  'chargeUSD',
  'adjustmentQuantity',
  'adjustmentUSD',
  'netChargeUSD',
] as const;

/** One CSV row per statement line (RFC 4180, CRLF line ends, a header row). */
export function statementsCsv(statements: readonly Statement[]): string {
  const records = statements.flatMap((s) =>
    s.lines.map((l): Record<(typeof CSV_COLUMNS)[number], CsvValue> => ({
      subscriptionId: s.subscriptionId,
      offerId: s.offerId,
      periodStart: s.periodStart,
      periodEnd: s.periodEnd,
      planId: l.planId,
      dimension: l.dimension,
      unitOfMeasure: l.unitOfMeasure,
      pricePerUnitUSD: l.pricePerUnitUSD,
      includedQuantity: l.includedQuantity,
      acceptedQuantity: l.acceptedQuantity,
      eventCount: l.eventCount,
      chargeUSD: l.chargeUSD,
      adjustmentQuantity: l.adjustmentQuantity,
      adjustmentUSD: l.adjustmentUSD,
      netChargeUSD: l.netChargeUSD,
    })),
  );
  return toCsv(CSV_COLUMNS, records);
}
