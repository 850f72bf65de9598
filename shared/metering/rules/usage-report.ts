/**
 * The metered-usage report of Partner Center's usage analytics (seed 004 ~19281–19315; specs/metering.md 2.4,
 * 2.10, T107, T127), with the column names of its programmatic access reports. One row per UTC usage day,
 * customer resource, meter and plan (anomalies are judged per customer, meter and day, seed 004 ~22446, so a
 * flag lands on exactly the rows of its day). Only the columns that metered usage fills are kept; VM columns
 * (core size, normalized/raw usage) have nothing to say here.
 *
 * The six anomaly columns are "Applicable for offers with custom meter dimensions" and null otherwise (seed 004
 * ~19306–19315). For a row whose offer has custom meters: PartnerCenterDetectedAnomaly is 1 on a flagged row and
 * 0 on the rest (T127); EstimatedFinancialImpactUSD is the flag's impact; PublisherMarkedAnomaly (1 marked as
 * anomaly, 0 marked not an anomaly), NewReportedUsage, ActionTakenAt and ActionTakenBy stay null until the
 * publisher has acted, since the seed defines no value for "not acted" (decision record 0306).
 */
import type { MeteredResource, PlanTerms, StoredUsage } from '../model';
import type { Anomaly } from './anomaly';
import { isBilledEvent } from './billing';
import { financialImpactUSD } from './anomaly';
import { toCsv, type CsvValue } from './csv';
import { Decimal } from './decimal';
import { isBillablePrice, isBillableQuantity } from './limits';
import { chargeOf, QUANTITY_DIGITS } from './numbers';
import { isoDate } from './time';

export const USAGE_REPORT_COLUMNS = [
  'MarketplaceSubscriptionId',
  'MonthStartDate',
  'OfferType',
  'OfferName',
  'SKU',
  'CustomerCompanyName',
  'UsageDate',
  'UsageType',
  'CustomerCurrencyCC',
  'PriceCC',
  'PayoutCurrencyPC',
  'EstimatedPricePC',
  'UsageUnit',
  'UsageQuantity',
  'MeteredUsage',
  'EstimatedExtendedChargeCC',
  'EstimatedExtendedChargePC',
  'MeterId',
  'PartnerCenterDetectedAnomaly',
  'PublisherMarkedAnomaly',
  'NewReportedUsage',
  'ActionTakenAt',
  'ActionTakenBy',
  'EstimatedFinancialImpactUSD',
  'AssetId',
] as const;

export interface UsageReportRow {
  /** The customer's Azure subscription, when the resource records one. */
  MarketplaceSubscriptionId: string | null;
  MonthStartDate: string;
  OfferType: 'SaaS' | 'Azure Application';
  OfferName: string | null;
  /** The plan. */
  SKU: string;
  CustomerCompanyName: string | null;
  UsageDate: string;
  UsageType: 'Metered usage';
  /** This backend prices in USD only: customer and payout currency are USD, and the prices equal. */
  CustomerCurrencyCC: 'USD';
  PriceCC: number;
  PayoutCurrencyPC: 'USD';
  EstimatedPricePC: number;
  UsageUnit: string | null;
  UsageQuantity: number;
  MeteredUsage: number;
  /** "The product of Price (CC) and Usage Quantity" (seed 004 ~19303). */
  EstimatedExtendedChargeCC: number;
  EstimatedExtendedChargePC: number;
  MeterId: string;
  PartnerCenterDetectedAnomaly: 0 | 1 | null;
  PublisherMarkedAnomaly: 0 | 1 | null;
  NewReportedUsage: number | null;
  ActionTakenAt: string | null;
  ActionTakenBy: string | null;
  EstimatedFinancialImpactUSD: number | null;
  /** The SaaS subscription (the customer's order) the usage was reported against. */
  AssetId: string;
}

export interface ReportInput {
  events: readonly StoredUsage[];
  anomalies: readonly Anomaly[];
  termsOf: (offerId: string, planId: string, offerVersion: number | undefined) => PlanTerms | undefined;
  resourceOf: (resourceKey: string) => MeteredResource | undefined;
}

const anomalyKey = (resourceKey: string, meterId: string, day: string) => `${resourceKey}\u0000${meterId}\u0000${day}`;

/**
 * Whether an accepted event counts in the report: as on the statements (rules/billing.ts `isBilledEvent`), only
 * quantities within the bounds, priced within them, and from the hour its resource was subscribed in (when the
 * directory still knows the resource), so that no row can sum to Infinity (decision record 0311).
 */
function reported(input: ReportInput, e: StoredUsage): boolean {
  const price = input.termsOf(e.offerId, e.planId, e.offerVersion)?.dimensions.find((d) => d.id === e.dimension)?.pricePerUnitUSD;
  if (!isBillablePrice(price)) return false;
  const resource = input.resourceOf(e.resourceKey);
  return resource === undefined ? isBillableQuantity(e.quantity) : isBilledEvent(resource, e);
}

/** The report rows of the given accepted events, sorted by day, customer, meter and plan. */
export function usageReportRows(input: ReportInput): UsageReportRow[] {
  const groups = new Map<string, { first: StoredUsage; day: string; quantity: Decimal }>();
  for (const e of input.events) {
    if (!reported(input, e)) continue;
    const day = isoDate(new Date(e.effectiveAt));
    const key = JSON.stringify([day, e.resourceKey, e.dimension, e.planId, e.offerVersion]);
    const group = groups.get(key);
    if (group) group.quantity = group.quantity.plus(Decimal.of(e.quantity));
    else groups.set(key, { first: e, day, quantity: Decimal.of(e.quantity) });
  }
  const flags = new Map(input.anomalies.map((a) => [anomalyKey(a.resourceKey, a.meterId, a.usageDate), a]));
  const rows = [...groups.values()].map(({ first: e, day, quantity: exact }): UsageReportRow => {
    const terms = input.termsOf(e.offerId, e.planId, e.offerVersion);
    const dimension = terms?.dimensions.find((d) => d.id === e.dimension);
    const price = dimension?.pricePerUnitUSD ?? 0;
    const resource = input.resourceOf(e.resourceKey);
    const quantity = exact.round(QUANTITY_DIGITS).toNumber();
    const charge = chargeOf(exact, price).toNumber();
    const customMeters = (terms?.dimensions.length ?? 0) > 0;
    const flag = customMeters ? flags.get(anomalyKey(e.resourceKey, e.dimension, day)) : undefined;
    const decided = flag?.decision !== undefined ? flag : undefined;
    return {
      MarketplaceSubscriptionId: e.azureSubscriptionId ?? resource?.azureSubscriptionId ?? null,
      MonthStartDate: `${day.slice(0, 7)}-01`,
      OfferType: e.resourceKind === 'saas' ? 'SaaS' : 'Azure Application',
      OfferName: terms?.offerName ?? null,
      SKU: e.planId,
      CustomerCompanyName: resource?.customerName ?? null,
      UsageDate: day,
      UsageType: 'Metered usage',
      CustomerCurrencyCC: 'USD',
      PriceCC: price,
      PayoutCurrencyPC: 'USD',
      EstimatedPricePC: price,
      UsageUnit: dimension?.unitOfMeasure ?? null,
      UsageQuantity: quantity,
      MeteredUsage: quantity,
      EstimatedExtendedChargeCC: charge,
      EstimatedExtendedChargePC: charge,
      MeterId: e.dimension,
      PartnerCenterDetectedAnomaly: customMeters ? (flag ? 1 : 0) : null,
      PublisherMarkedAnomaly: decided ? (decided.decision === 'MarkedAsAnomaly' ? 1 : 0) : null,
      NewReportedUsage: decided?.decision === 'MarkedAsAnomaly' ? (decided.newReportedUsage ?? null) : null,
      ActionTakenAt: decided?.actionTakenAt ?? null,
      ActionTakenBy: decided?.actionTakenBy ?? null,
      EstimatedFinancialImpactUSD: flag ? financialImpactUSD(flag) : null,
      AssetId: e.resourceKey,
    };
  });
  return rows.sort(
    (a, b) =>
      a.UsageDate.localeCompare(b.UsageDate) ||
      a.AssetId.localeCompare(b.AssetId) ||
      a.MeterId.localeCompare(b.MeterId) ||
      a.SKU.localeCompare(b.SKU),
  );
}

export function usageReportCsv(rows: readonly UsageReportRow[]): string {
  return toCsv(USAGE_REPORT_COLUMNS, rows as readonly Record<(typeof USAGE_REPORT_COLUMNS)[number], CsvValue>[]);
}
