/**
 * Anomaly detection (a weekly timer, plus an on-demand run) and the publisher's decisions on flagged anomalies
 * (specs/metering.md 2.10, 3.13; rules/anomaly.ts).
 */
import { nameGuid } from '../../auth/tokens';
import type { Clock } from '../../clock';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { StoredUsage } from '../model';
import type { AnomalyStore, PlanDimensions, ResourceDirectory, UsageStore } from '../ports';
import {
  actionExpiry,
  checkDecision,
  decisionLabel,
  defaultDetector,
  deviationPercent,
  financialImpactUSD,
  judgeDay,
  type Anomaly,
  type AnomalyDecision,
  type DetectorOptions,
} from '../rules/anomaly';
import { toCsv } from '../rules/csv';
import { isBillablePrice, isBillableQuantity } from '../rules/limits';
import { chargeOf, roundTo, sumQuantities } from '../rules/numbers';
import { DAY_MS, daysBetween, isoDate, startOfDay } from '../rules/time';
import { mapLimit } from '../../concurrency';

export interface AnomalyDeps {
  usage: UsageStore;
  plans: PlanDimensions;
  resources: ResourceDirectory;
  anomalies: AnomalyStore;
  clock: Clock;
  detector?: DetectorOptions;
}

/** The model "runs weekly" (seed 004 ~24491): a first run judges the last 7 complete days. */
export const DAYS_PER_RUN = 7;
/** A run after missed weeks (a host down, a skipped occurrence) catches up on at most this many days. */
export const MAX_CATCH_UP_DAYS = 35;

export interface RunSummary {
  judgedDays: string[];
  publishers: number;
  series: number;
  flagged: number;
}

export interface AnomalyListFilter {
  /** Usage dates in the last 30, 60 or 90 days (seed 004 ~22527). */
  periodDays: 30 | 60 | 90;
  /** Default: only an estimated financial impact over 100 USD (seed 004 ~22493; signed, A14). */
  impact: 'gt100' | 'all';
  offerId?: string;
  meterId?: string;
  state?: 'unacknowledged' | 'acted';
}

/**
 * An anomaly as the publisher sees it. Field names are the camelCase of the seed's columns: the unacknowledged
 * list (seed 004 ~22499: Offer Name, Meter Id, Customer Company Name, Action Expiry Date, Usage Date, Estimated
 * Extended Charge (PC), Estimated Financial Impact, Reported Usage), the action log (~22504: New Reported Usage,
 * Date of Action Taken, Anomaly Decision), the "Mark as anomaly" dialog (~22513: Expected Usage, Deviation) and the
 * usage report's anomaly columns (~19306–19315: PartnerCenterDetectedAnomaly … EstimatedFinancialImpactUSD).
 * The payout currency is USD: this backend prices in USD only.
 */
export interface AnomalyView {
  anomalyId: string;
  offerId: string;
  offerName: string | null;
  planId: string;
  subscriptionId: string;
  customerCompanyName: string | null;
  meterId: string;
  usageDate: string;
  flaggedAt: string;
  actionExpiryDate: string;
  reportedUsage: number;
  expectedUsage: number;
  /** |reported − expected| / expected × 100 (a local definition, spec A14). */
  deviation: number;
  pricePerUnitUSD: number;
  payoutCurrency: 'USD';
  estimatedExtendedChargePC: number;
  estimatedFinancialImpactUSD: number;
  state: 'unacknowledged' | 'acted';
  partnerCenterDetectedAnomaly: 1;
  publisherMarkedAnomaly: 0 | 1 | null;
  anomalyDecision: string | null;
  newReportedUsage: number | null;
  reason: string | null;
  actionTakenAt: string | null;
  actionTakenBy: string | null;
  /** The action log's "Date of Action Taken" (YYYY-MM-DD). */
  dateOfActionTaken: string | null;
}

export function viewOf(a: Anomaly): AnomalyView {
  return {
    anomalyId: a.anomalyId,
    offerId: a.offerId,
    offerName: a.offerName ?? null,
    planId: a.planId,
    subscriptionId: a.resourceKey,
    customerCompanyName: a.customerName ?? null,
    meterId: a.meterId,
    usageDate: a.usageDate,
    flaggedAt: a.flaggedAt,
    actionExpiryDate: isoDate(actionExpiry(a)),
    reportedUsage: a.reportedUsage,
    expectedUsage: a.expectedUsage,
    deviation: deviationPercent(a),
    pricePerUnitUSD: a.pricePerUnitUSD,
    payoutCurrency: 'USD',
    estimatedExtendedChargePC: chargeOf(a.reportedUsage, a.pricePerUnitUSD).toNumber(),
    estimatedFinancialImpactUSD: financialImpactUSD(a),
    state: a.decision ? 'acted' : 'unacknowledged',
    partnerCenterDetectedAnomaly: 1,
    publisherMarkedAnomaly: a.decision === undefined ? null : a.decision === 'MarkedAsAnomaly' ? 1 : 0,
    anomalyDecision: a.decision ? decisionLabel(a.decision) : null,
    newReportedUsage: a.newReportedUsage ?? null,
    reason: a.reason ?? null,
    actionTakenAt: a.actionTakenAt ?? null,
    actionTakenBy: a.actionTakenBy ?? null,
    dateOfActionTaken: a.actionTakenAt ? a.actionTakenAt.slice(0, 10) : null,
  };
}

/**
 * The anomaly list as a CSV download, with the seed's column names in its order: the unacknowledged list's
 * (seed 004 ~22499, without the "Actions" buttons) then the action log's additions (~22504). "Anomaly Id" comes
 * last, a local addition: the API's decisions are addressed by it.
 */
export const ANOMALY_CSV_COLUMNS = [
  'Offer Name',
  'Meter Id',
  'Customer Company Name',
  'Action Expiry Date',
  'Usage Date',
  'Estimated Extended Charge (PC)',
  'Estimated Financial Impact',
  'Reported Usage',
  'New Reported Usage',
  'Date of Action Taken',
  'Anomaly Decision',
  'Anomaly Id',
] as const;

export function anomaliesCsv(views: readonly AnomalyView[]): string {
  return toCsv(
    ANOMALY_CSV_COLUMNS,
    views.map((v) => ({
      'Offer Name': v.offerName ?? v.offerId,
      'Meter Id': v.meterId,
      'Customer Company Name': v.customerCompanyName,
      'Action Expiry Date': v.actionExpiryDate,
      'Usage Date': v.usageDate,
      'Estimated Extended Charge (PC)': v.estimatedExtendedChargePC,
      'Estimated Financial Impact': v.estimatedFinancialImpactUSD,
      'Reported Usage': v.reportedUsage,
      'New Reported Usage': v.newReportedUsage,
      'Date of Action Taken': v.dateOfActionTaken,
      'Anomaly Decision': v.anomalyDecision,
      'Anomaly Id': v.anomalyId,
    })),
  );
}

interface Series {
  resourceKey: string;
  dimension: string;
  values: Map<string, number>;
  /** The plan, version and offer of each day's last event (for the price). */
  context: Map<string, StoredUsage>;
}

export class Anomalies {
  readonly #deps: AnomalyDeps;
  readonly #detector: DetectorOptions;

  constructor(deps: AnomalyDeps) {
    this.#deps = deps;
    this.#detector = deps.detector ?? defaultDetector;
  }

  /**
   * Judges, for every publisher's series, each closed day since the last run: the last 7 at least (the last 35
   * at most, after missed weeks). A day is closed once no usage can be added to it any more, 24 hours after its
   * end (seed 004 ~7784), so a late event never turns a partial day into a false dip. Idempotent: an anomaly's
   * id is derived from (publisher, resource, meter, day) and inserted once, so runs may repeat or overlap.
   */
  async run(): Promise<RunSummary> {
    const now = this.#deps.clock.now();
    const lastClosed = new Date(startOfDay(now).getTime() - 2 * DAY_MS);
    const last = await this.#deps.anomalies.lastJudgedDay();
    const atLeast = lastClosed.getTime() - (DAYS_PER_RUN - 1) * DAY_MS;
    const atMost = lastClosed.getTime() - (MAX_CATCH_UP_DAYS - 1) * DAY_MS;
    const from = last === undefined ? atLeast : Math.min(atLeast, Math.max(atMost, Date.parse(`${last}T00:00:00Z`) + DAY_MS));
    const judged = daysBetween(new Date(from), lastClosed);
    const history = daysBetween(new Date(from - this.#detector.historyDays * DAY_MS), lastClosed);
    const publishers = await this.#deps.usage.publishersWithUsage(judged);
    const summary: RunSummary = { judgedDays: judged.map(isoDate), publishers: publishers.length, series: 0, flagged: 0 };
    for (const publisherId of publishers) {
      const events = (await mapLimit(history, 8, (day) => this.#deps.usage.listDay(publisherId, day))).flat();
      const series = seriesOf(events);
      summary.series += series.length;
      for (const s of series) {
        for (const day of summary.judgedDays) {
          const verdict = judgeDay(s.values, day, this.#detector);
          if (!verdict?.anomalous) continue;
          if (await this.#flag(publisherId, s, day, verdict.expected, now)) summary.flagged += 1;
        }
      }
    }
    await this.#deps.anomalies.setLastJudgedDay(isoDate(lastClosed));
    return summary;
  }

  async list(publisherId: string, filter: AnomalyListFilter): Promise<AnomalyView[]> {
    const today = startOfDay(this.#deps.clock.now());
    const since = isoDate(new Date(today.getTime() - filter.periodDays * DAY_MS));
    return (await this.#deps.anomalies.list(publisherId))
      .map(viewOf)
      .filter((a) => a.usageDate >= since)
      .filter((a) => filter.impact === 'all' || a.estimatedFinancialImpactUSD > 100)
      .filter((a) => filter.offerId === undefined || a.offerId === filter.offerId)
      .filter((a) => filter.meterId === undefined || a.meterId === filter.meterId)
      .filter((a) => filter.state === undefined || a.state === filter.state)
      .sort((a, b) => b.usageDate.localeCompare(a.usageDate) || a.anomalyId.localeCompare(b.anomalyId));
  }

  async get(publisherId: string, anomalyId: string): Promise<AnomalyView> {
    const found = await this.#deps.anomalies.get(publisherId, anomalyId);
    if (!found) throw new NotFoundError(`The anomaly ${anomalyId} was not found.`, 'AnomalyNotFound');
    return viewOf(found.anomaly);
  }

  /**
   * Records the publisher's decision. Read, check, then replace with If-Match on the ETag read: if another
   * decision landed in between, the replace fails and the check runs again on the new state.
   */
  async decide(
    publisherId: string,
    anomalyId: string,
    decision: AnomalyDecision,
    input: { newReportedUsage?: number; reason?: string },
    actor: string,
  ): Promise<AnomalyView> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.#deps.anomalies.get(publisherId, anomalyId);
      if (!found) throw new NotFoundError(`The anomaly ${anomalyId} was not found.`, 'AnomalyNotFound');
      const now = this.#deps.clock.now();
      const problem = checkDecision(found.anomaly, decision, now, input.newReportedUsage);
      if (problem?.kind === 'invalid') {
        throw new ValidationError(`The ${problem.field} ${problem.message}.`, [{ path: `$.${problem.field}`, message: problem.message }]);
      }
      if (problem?.kind === 'conflict') throw new ConflictError(problem.message, problem.code);
      const updated: Anomaly = { ...found.anomaly, decision, actionTakenAt: now.toISOString(), actionTakenBy: actor };
      // "Not an anomaly" carries no corrected usage; a reason is kept only when one is given for this decision.
      delete updated.newReportedUsage;
      delete updated.reason;
      if (decision === 'MarkedAsAnomaly') updated.newReportedUsage = input.newReportedUsage; // checked above: 0 ≤ new < reported
      if (input.reason) updated.reason = input.reason;
      if (await this.#deps.anomalies.replace(updated, found.etag)) return viewOf(updated);
    }
    throw new ConflictError('The anomaly is being changed by another request; retry.', 'ConcurrentUpdate');
  }

  async #flag(publisherId: string, s: Series, day: string, expected: number, now: Date): Promise<boolean> {
    const context = s.context.get(day) as StoredUsage;
    const terms = await this.#deps.plans.terms(publisherId, context.offerId, context.planId, context.offerVersion);
    const price = terms?.dimensions.find((d) => d.id === s.dimension)?.pricePerUnitUSD ?? 0;
    if (!isBillablePrice(price)) return false; // never billed, so no financial impact to flag (decision 0311)
    const resource = await this.#deps.resources.lookup({ kind: 'resourceId', resourceId: s.resourceKey }).catch(() => undefined);
    const anomaly: Anomaly = {
      anomalyId: nameGuid('metering-anomaly', `${publisherId}|${s.resourceKey}|${s.dimension}|${day}`),
      publisherId,
      offerId: context.offerId,
      ...(terms?.offerName ? { offerName: terms.offerName } : {}),
      planId: context.planId,
      resourceKey: s.resourceKey,
      ...(resource?.customerName ? { customerName: resource.customerName } : {}),
      meterId: s.dimension,
      usageDate: day,
      reportedUsage: s.values.get(day) as number,
      expectedUsage: roundTo(expected, 6),
      pricePerUnitUSD: price,
      flaggedAt: now.toISOString(),
    };
    return this.#deps.anomalies.create(anomaly);
  }
}

/** Daily accepted quantity per (resource, meter): only accepted events exist in the store, so only they count (T116). */
function seriesOf(events: readonly StoredUsage[]): Series[] {
  const map = new Map<string, Series>();
  for (const e of events) {
    if (!isBillableQuantity(e.quantity)) continue; // rows stored before decision 0311 may be out of bounds
    const key = `${e.resourceKey}|${e.dimension}`;
    let s = map.get(key);
    if (!s) {
      s = { resourceKey: e.resourceKey, dimension: e.dimension, values: new Map(), context: new Map() };
      map.set(key, s);
    }
    const day = isoDate(new Date(e.effectiveAt));
    s.values.set(day, sumQuantities([s.values.get(day) ?? 0, e.quantity]));
    s.context.set(day, e);
  }
  return [...map.values()];
}
