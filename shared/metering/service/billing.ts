/**
 * Billing statements per subscription and billing period, and the export of a month's statements to Blob as
 * CSV and JSON (rules/billing.ts; decision record 0304).
 */
import type { Clock } from '../../clock';
import { NotFoundError } from '../../errors';
import type { MeteredResource, PlanTerms, StoredUsage } from '../model';
import type { AnomalyStore, ExportFile, ExportSink, PlanDimensions, ResourceDirectory, UsageStore } from '../ports';
import type { Anomaly } from '../rules/anomaly';
import { billingPeriod, buildStatement, isBilledEvent, statementsCsv, type BillingPeriod, type Statement } from '../rules/billing';
import { sumUsd } from '../rules/numbers';
import { daysBetween, DAY_MS } from '../rules/time';
import { mapLimit } from '../../concurrency';

export interface BillingDeps {
  resources: ResourceDirectory;
  plans: PlanDimensions;
  usage: UsageStore;
  anomalies: AnomalyStore;
  exports: ExportSink;
  clock: Clock;
}

export interface ExportResult {
  period: string;
  statementCount: number;
  totalNetUSD: number;
  files: { name: string; blob: string }[];
}

export const EXPORT_FORMATS = {
  csv: { name: 'statements.csv', contentType: 'text/csv; charset=utf-8' },
  json: { name: 'statements.json', contentType: 'application/json; charset=utf-8' },
} as const;

export class Billing {
  readonly #deps: BillingDeps;

  constructor(deps: BillingDeps) {
    this.#deps = deps;
  }

  /** The statement of the billing period that contains `at` (now when omitted). */
  async statement(publisherId: string, subscriptionId: string, at?: Date): Promise<Statement> {
    const resource = await this.#deps.resources.lookup({ kind: 'resourceId', resourceId: subscriptionId });
    // Another publisher's subscription is "not found": a publisher never learns of others' data.
    if (!resource || resource.publisherId !== publisherId)
      throw new NotFoundError(`The subscription ${subscriptionId} was not found.`, 'SubscriptionNotFound');
    const period = billingPeriod(resource.term, at ?? this.#deps.clock.now());
    const days = daysBetween(period.start, new Date(period.end.getTime() - 1));
    const events = (await mapLimit(days, 8, (day) => this.#deps.usage.listDay(publisherId, day, resource.resourceKey))).flat();
    const anomalies = await this.#deps.anomalies.list(publisherId);
    return this.#build(resource, period, events, anomalies);
  }

  /**
   * Exports the statements of every billing period that starts in `month` (YYYY-MM), for every subscription of
   * the publisher with usage in it. A period starts in the month and lasts one month, so the days read are the
   * month plus the following 31 days.
   */
  async exportMonth(publisherId: string, month: string): Promise<ExportResult> {
    const statements = await this.statementsForMonth(publisherId, month);
    const generatedAt = this.#deps.clock.now().toISOString();
    const files: ExportFile[] = [
      { ...EXPORT_FORMATS.json, body: JSON.stringify({ publisherId, period: month, generatedAt, currency: 'USD', statements }, null, 2) },
      { ...EXPORT_FORMATS.csv, body: statementsCsv(statements) },
    ];
    const written = await this.#deps.exports.write(publisherId, month, files);
    const totalNetUSD = sumUsd(statements.map((st) => st.totalNetUSD));
    return { period: month, statementCount: statements.length, totalNetUSD, files: written };
  }

  async readExport(publisherId: string, month: string, format: keyof typeof EXPORT_FORMATS): Promise<ExportFile> {
    const found = await this.#deps.exports.read(publisherId, month, EXPORT_FORMATS[format].name);
    if (!found) throw new NotFoundError(`No export of ${month} exists; POST /api/billing/exports first.`, 'ExportNotFound');
    return found;
  }

  async statementsForMonth(publisherId: string, month: string): Promise<Statement[]> {
    const monthStart = new Date(`${month}-01T00:00:00Z`);
    const monthEnd = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1));
    const days = daysBetween(monthStart, new Date(monthEnd.getTime() + 31 * DAY_MS - 1));
    const events = (await mapLimit(days, 8, (day) => this.#deps.usage.listDay(publisherId, day))).flat();
    const byResource = new Map<string, StoredUsage[]>();
    for (const e of events) byResource.set(e.resourceKey, [...(byResource.get(e.resourceKey) ?? []), e]);
    const anomalies = await this.#deps.anomalies.list(publisherId);
    const statements: Statement[] = [];
    for (const [resourceKey, list] of [...byResource].sort(([a], [b]) => a.localeCompare(b))) {
      const resource =
        (await this.#deps.resources.lookup({ kind: 'resourceId', resourceId: resourceKey })) ?? orphan(resourceKey, publisherId, list);
      const periods = new Map<number, BillingPeriod>();
      for (const e of list) {
        if (!isBilledEvent(resource, e)) continue; // no statement for usage that is never billed
        const period = billingPeriod(resource.term, new Date(e.effectiveAt));
        if (period.start >= monthStart && period.start < monthEnd) periods.set(period.start.getTime(), period);
      }
      for (const period of [...periods.values()].sort((a, b) => a.start.getTime() - b.start.getTime())) {
        statements.push(await this.#build(resource, period, list, anomalies));
      }
    }
    return statements;
  }

  async #build(
    resource: MeteredResource,
    period: BillingPeriod,
    events: readonly StoredUsage[],
    anomalies: readonly Anomaly[],
  ): Promise<Statement> {
    const terms = new Map<string, PlanTerms | undefined>();
    const keyOf = (planId: string, version: number | undefined) => `${planId}\u0000${version ?? ''}`;
    const wanted = [
      ...events.map((e) => [e.planId, e.offerVersion] as const),
      ...anomalies.filter((a) => a.resourceKey === resource.resourceKey).map((a) => [a.planId, undefined] as const),
    ];
    for (const [planId, version] of wanted) {
      const key = keyOf(planId, version);
      if (!terms.has(key)) terms.set(key, await this.#deps.plans.terms(resource.publisherId, resource.offerId, planId, version));
    }
    return buildStatement({
      resource,
      period,
      events,
      anomalies,
      termsOf: (planId, version) => terms.get(keyOf(planId, version)),
      now: this.#deps.clock.now(),
    });
  }
}

/** A resource the directory no longer knows still gets its statement, in calendar months, from its first usage. */
function orphan(resourceKey: string, publisherId: string, events: readonly StoredUsage[]): MeteredResource {
  const sample = events.reduce((first, e) => (Date.parse(e.effectiveAt) < Date.parse(first.effectiveAt) ? e : first));
  return {
    resourceKey,
    kind: sample.resourceKind,
    publisherId,
    offerId: sample.offerId,
    status: 'Unsubscribed',
    plans: [{ planId: sample.planId, from: sample.effectiveAt }],
  };
}
