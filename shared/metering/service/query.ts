/**
 * `GET /api/usageEvents` (specs/metering.md 1.3, EXTERNAL E1): a publisher's accepted usage aggregated per day,
 * resource, dimension and plan, with `submittedCount` = number of accepted events and `submittedQuantity` their
 * sum. The simulated reconciliation pass runs at once, so rows are `Accepted` with `processedQuantity =
 * submittedQuantity` (decision record 0303).
 */
import type { Clock } from '../../clock';
import { ValidationError } from '../../errors';
import type { StoredUsage } from '../model';
import type { PlanDimensions, UsageStore } from '../ports';
import { Decimal } from '../rules/decimal';
import { isBillableQuantity } from '../rules/limits';
import { QUANTITY_DIGITS } from '../rules/numbers';
import { checkQueryRange, MAX_QUERY_DAYS } from '../rules/ranges';
import { daysBetween, isoDate } from '../rules/time';
import { mapLimit } from '../../concurrency';

export const RECON_STATUSES = ['Submitted', 'Accepted', 'Rejected', 'Mismatch', 'TestHeaders', 'DryRun'] as const;
export type ReconStatus = (typeof RECON_STATUSES)[number];

export interface UsageFilter {
  start: Date;
  /** Now when omitted. */
  end?: Date;
  offerId?: string;
  planId?: string;
  dimension?: string;
  azureSubscriptionId?: string;
  reconStatus?: ReconStatus;
}

export interface UsageRow {
  usageDate: string;
  usageResourceId: string;
  dimension: string;
  planId: string;
  planName?: string;
  offerId: string;
  offerName?: string;
  offerType: string;
  azureSubscriptionId?: string;
  reconStatus: ReconStatus;
  submittedQuantity: number;
  processedQuantity: number;
  submittedCount: number;
}

export class UsageQueries {
  readonly #usage: UsageStore;
  readonly #plans: PlanDimensions;
  readonly #clock: Clock;

  constructor(deps: { usage: UsageStore; plans: PlanDimensions; clock: Clock }) {
    this.#usage = deps.usage;
    this.#plans = deps.plans;
    this.#clock = deps.clock;
  }

  async list(publisherId: string, filter: UsageFilter): Promise<UsageRow[]> {
    const end = filter.end ?? this.#clock.now();
    const problem = (message: string) =>
      new ValidationError('One or more errors have occurred.', [{ path: 'UsageEndDate', message, code: 'BadArgument' }]);
    switch (checkQueryRange(filter.start, end)) {
      case 'reversed':
        throw problem('The UsageEndDate must not be before the usageStartDate.');
      case 'tooLong':
        throw problem(`The date range must not exceed ${MAX_QUERY_DAYS} days.`);
    }
    if (filter.reconStatus !== undefined && filter.reconStatus !== 'Accepted') return [];
    const days = daysBetween(filter.start, end);
    const perDay = await mapLimit(days, 8, (day) => this.#usage.listDay(publisherId, day));
    const groups = new Map<string, { first: StoredUsage; quantity: Decimal; count: number; day: string }>();
    for (const events of perDay) {
      for (const e of events) {
        if (!isBillableQuantity(e.quantity)) continue; // rows stored before decision 0311 may be out of bounds
        if (filter.offerId !== undefined && e.offerId !== filter.offerId) continue;
        if (filter.planId !== undefined && e.planId !== filter.planId) continue;
        if (filter.dimension !== undefined && e.dimension !== filter.dimension) continue;
        if (filter.azureSubscriptionId !== undefined && e.azureSubscriptionId?.toLowerCase() !== filter.azureSubscriptionId.toLowerCase())
          continue;
        const day = isoDate(new Date(e.effectiveAt));
        const key = `${day}|${e.resourceKey}|${e.dimension}|${e.planId}`;
        const group = groups.get(key);
        if (group) {
          group.quantity = group.quantity.plus(Decimal.of(e.quantity));
          group.count += 1;
        } else groups.set(key, { first: e, quantity: Decimal.of(e.quantity), count: 1, day });
      }
    }
    const rows: UsageRow[] = [];
    for (const g of groups.values()) {
      const e = g.first;
      const quantity = g.quantity.round(QUANTITY_DIGITS).toNumber();
      const terms = await this.#plans.terms(publisherId, e.offerId, e.planId, e.offerVersion).catch(() => undefined);
      rows.push({
        usageDate: `${g.day}T00:00:00Z`,
        usageResourceId: e.resourceKey,
        dimension: e.dimension,
        planId: e.planId,
        ...(terms?.planName ? { planName: terms.planName } : {}),
        offerId: e.offerId,
        ...(terms?.offerName ? { offerName: terms.offerName } : {}),
        offerType: e.resourceKind === 'saas' ? 'SaaS' : 'ManagedApplication',
        ...(e.azureSubscriptionId ? { azureSubscriptionId: e.azureSubscriptionId } : {}),
        reconStatus: 'Accepted',
        submittedQuantity: quantity,
        processedQuantity: quantity,
        submittedCount: g.count,
      });
    }
    return rows.sort(
      (a, b) =>
        a.usageDate.localeCompare(b.usageDate) ||
        a.usageResourceId.localeCompare(b.usageResourceId) ||
        a.dimension.localeCompare(b.dimension) ||
        a.planId.localeCompare(b.planId),
    );
  }
}
