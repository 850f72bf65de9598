/**
 * Billing statements (specs/metering.md 2.4, 3.10; decision record 0304). The ISV reports only usage above the
 * included quantities (seed 004 ~7664, ~15974), so the charge of a dimension in a billing period is
 * Σ accepted quantity × price per unit (seed 004 ~19303 "the product of Price and Usage Quantity"); the included
 * quantity is shown for reference only and never subtracted (A11). Overage is billed monthly, annual terms
 * included (seed 004 ~15974), in periods anchored on the term's start day (E2: "based on the dates defined in
 * the term"). Credits from anomalies marked as anomalies reduce the period of the anomaly's usage date.
 * Sums and products are exact and rounded once per line; totals add the rounded lines, so a statement always
 * adds up. Usage before the hour the resource was subscribed in is never billed (decision record 0311).
 */
import type { MeteredResource, PlanTerms, StoredUsage } from '../model';
import { creditQuantity, type Anomaly } from './anomaly';
import { toCsv, type CsvValue } from './csv';
import { Decimal } from './decimal';
import { isBillablePrice, isBillableQuantity } from './limits';
import { chargeOf, QUANTITY_DIGITS, USD_DIGITS } from './numbers';
import { includedQuantity, startedBy } from './resource';
import { isoDate } from './time';

export interface BillingPeriod {
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** The day-th of a month (clamped to its last day); `month` may be -1 or 12, which Date.UTC rolls into the next year. */
function anchored(year: number, month: number, day: number): Date {
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, last)));
}

/** The monthly billing period containing `at`, anchored on the term start's day of month (day 1 without a term). */
export function billingPeriod(term: MeteredResource['term'], at: Date): BillingPeriod {
  const anchorDay = term ? Number(term.startDate.slice(8, 10)) : 1;
  const year = at.getUTCFullYear();
  let month = at.getUTCMonth();
  if (anchored(year, month, anchorDay).getTime() > at.getTime()) month -= 1;
  return { start: anchored(year, month, anchorDay), end: anchored(year, month + 1, anchorDay) };
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
  return JSON.stringify([planId, offerVersion, dimension]);
}

/**
 * Whether an accepted event is billed on the resource's statements: only from the hour the resource was
 * subscribed in, and only with a quantity within the bounds (rows stored before decision 0311 may break either).
 */
export function isBilledEvent(resource: MeteredResource, event: Pick<StoredUsage, 'effectiveAt' | 'quantity'>): boolean {
  return isBillableQuantity(event.quantity) && startedBy(resource, new Date(event.effectiveAt));
}

/** A line's exact running sums; the line shows them rounded once (decision 0311). */
interface Sums {
  quantity: Decimal;
  credit: Decimal;
  creditUSD: Decimal;
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
  const lines = new Map<string, { line: StatementLine; sums: Sums }>();
  const termsFor = (planId: string, offerVersion: number | undefined, dimension: string) =>
    input.termsOf(planId, offerVersion)?.dimensions.find((d) => d.id === dimension);
  const lineFor = (planId: string, offerVersion: number | undefined, dimension: string) => {
    const key = versionKey(planId, offerVersion, dimension);
    let entry = lines.get(key);
    if (!entry) {
      const terms = termsFor(planId, offerVersion, dimension);
      const line: StatementLine = {
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
      entry = { line, sums: { quantity: Decimal.ZERO, credit: Decimal.ZERO, creditUSD: Decimal.ZERO } };
      lines.set(key, entry);
    }
    return entry;
  };
  const inPeriod = (t: number) => t >= period.start.getTime() && t < period.end.getTime();
  for (const event of input.events) {
    if (!inPeriod(Date.parse(event.effectiveAt)) || !isBilledEvent(resource, event)) continue;
    if (!isBillablePrice(termsFor(event.planId, event.offerVersion, event.dimension)?.pricePerUnitUSD)) continue;
    const { line, sums } = lineFor(event.planId, event.offerVersion, event.dimension);
    sums.quantity = sums.quantity.plus(Decimal.of(event.quantity));
    line.eventCount += 1;
  }
  for (const anomaly of input.anomalies) {
    const credit = creditQuantity(anomaly);
    if (credit <= 0 || anomaly.resourceKey !== resource.resourceKey || !isBillablePrice(anomaly.pricePerUnitUSD)) continue;
    if (!inPeriod(Date.parse(`${anomaly.usageDate}T00:00:00Z`))) continue;
    const candidates = [...lines.values()].filter(({ line }) => line.dimension === anomaly.meterId && line.planId === anomaly.planId);
    const { sums } = candidates[0] ?? lineFor(anomaly.planId, undefined, anomaly.meterId);
    sums.credit = sums.credit.plus(Decimal.of(credit));
    sums.creditUSD = sums.creditUSD.plus(Decimal.of(credit).times(Decimal.of(anomaly.pricePerUnitUSD)));
  }
  const sorted = [...lines.values()].sort(
    (a, b) => a.line.dimension.localeCompare(b.line.dimension) || a.line.planId.localeCompare(b.line.planId),
  );
  let totalCharge = Decimal.ZERO;
  let totalAdjustment = Decimal.ZERO;
  for (const { line, sums } of sorted) {
    const charge = chargeOf(sums.quantity, line.pricePerUnitUSD);
    const adjustment = sums.creditUSD.round(USD_DIGITS).negate();
    line.acceptedQuantity = sums.quantity.round(QUANTITY_DIGITS).toNumber();
    line.chargeUSD = charge.toNumber();
    line.adjustmentQuantity = sums.credit.round(QUANTITY_DIGITS).negate().toNumber();
    line.adjustmentUSD = adjustment.toNumber();
    line.netChargeUSD = charge.plus(adjustment).toNumber();
    totalCharge = totalCharge.plus(charge);
    totalAdjustment = totalAdjustment.plus(adjustment);
  }
  return {
    subscriptionId: resource.resourceKey,
    publisherId: resource.publisherId,
    offerId: resource.offerId,
    termUnit: termUnit ?? null,
    periodStart: isoDate(period.start),
    periodEnd: isoDate(new Date(period.end.getTime() - 1)),
    currency: 'USD',
    lines: sorted.map(({ line }) => line),
    totalChargeUSD: totalCharge.toNumber(),
    totalAdjustmentUSD: totalAdjustment.toNumber(),
    totalNetUSD: totalCharge.plus(totalAdjustment).toNumber(),
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
