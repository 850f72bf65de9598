/**
 * The publisher's metered-usage report (rules/usage-report.ts; seed 004 ~19281–19315): accepted usage of a date
 * range, per day, customer, meter and plan, with charges and the anomaly columns.
 */
import type { Clock } from '../../clock';
import { mapLimit } from '../../concurrency';
import { ValidationError } from '../../errors';
import type { MeteredResource, PlanTerms } from '../model';
import type { AnomalyStore, PlanDimensions, ResourceDirectory, UsageStore } from '../ports';
import { usageReportRows, type UsageReportRow } from '../rules/usage-report';
import { checkReportRange, MAX_REPORT_DAYS } from '../rules/ranges';
import { daysBetween, startOfDay } from '../rules/time';

export interface UsageReportDeps {
  usage: UsageStore;
  plans: PlanDimensions;
  resources: ResourceDirectory;
  anomalies: AnomalyStore;
  clock: Clock;
}

export interface UsageReportFilter {
  /** First and last UTC day, inclusive; the last is today when omitted. */
  start: Date;
  end?: Date;
  offerId?: string;
  meterId?: string;
}

export class UsageReport {
  readonly #deps: UsageReportDeps;

  constructor(deps: UsageReportDeps) {
    this.#deps = deps;
  }

  async rows(publisherId: string, filter: UsageReportFilter): Promise<UsageReportRow[]> {
    const end = filter.end ?? startOfDay(this.#deps.clock.now());
    switch (checkReportRange(filter.start, end)) {
      case 'reversed':
        throw rangeError('must not be before startDate');
      case 'tooLong':
        throw rangeError(`must be within ${MAX_REPORT_DAYS} days of startDate`);
    }
    const days = daysBetween(filter.start, end);
    const events = (await mapLimit(days, 8, (day) => this.#deps.usage.listDay(publisherId, day)))
      .flat()
      .filter(
        (e) =>
          (filter.offerId === undefined || e.offerId === filter.offerId) &&
          (filter.meterId === undefined || e.dimension === filter.meterId),
      );
    const anomalies = await this.#deps.anomalies.list(publisherId);
    const terms = new Map<string, PlanTerms | undefined>();
    const termsKey = (offerId: string, planId: string, version: number | undefined) => JSON.stringify([offerId, planId, version ?? null]);
    const resources = new Map<string, MeteredResource | undefined>();
    for (const e of events) {
      const key = termsKey(e.offerId, e.planId, e.offerVersion);
      if (!terms.has(key)) terms.set(key, await this.#deps.plans.terms(publisherId, e.offerId, e.planId, e.offerVersion));
      if (!resources.has(e.resourceKey)) {
        // A resource the directory no longer knows still reports its usage, without a customer name.
        const found = await this.#deps.resources.lookup({ kind: 'resourceId', resourceId: e.resourceKey }).catch(() => undefined);
        resources.set(e.resourceKey, found?.publisherId === publisherId ? found : undefined);
      }
    }
    return usageReportRows({
      events,
      anomalies,
      termsOf: (offerId, planId, version) => terms.get(termsKey(offerId, planId, version)),
      resourceOf: (key) => resources.get(key),
    });
  }
}

function rangeError(message: string): ValidationError {
  return new ValidationError(`The endDate ${message}.`, [{ path: 'endDate', message }]);
}
