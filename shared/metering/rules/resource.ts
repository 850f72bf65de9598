/**
 * Which resource may be billed, under which plan and dimension (specs/metering.md 2.5, 2.8, A7, A8, A17).
 */
import type { DimensionTerms, MeteredResource, PlanPeriod } from '../model';
import { isBillablePrice } from './limits';
import { HOUR_MS } from './time';

/**
 * The plan in force at an instant: the latest history entry that started at or before it. An instant before the
 * first entry gets the first plan: usage is accepted from the start of the hour the resource was subscribed in
 * (`usageStart`), which can be minutes before the purchase was recorded; earlier hours are refused before the
 * plan is asked for.
 */
export function planAt(resource: MeteredResource, at: Date): PlanPeriod | undefined {
  const sorted = [...resource.plans].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  let current = sorted[0];
  for (const period of sorted) {
    if (Date.parse(period.from) <= at.getTime()) current = period;
  }
  return current;
}

export interface ActivityOptions {
  /**
   * Accept usage of an Unsubscribed SaaS subscription for hours before its cancellation (the metering FAQ, E2;
   * A7). Off = the strict seed reading (seed 004 ~7851): only Subscribed resources.
   */
  acceptBeforeCancellation: boolean;
}

/**
 * When the resource started to be subscribed: its activation (a SaaS subscription's first `Subscribed`), else,
 * for resources that record no activation (the interim table), the start of its first plan. Decision 0311.
 */
export function subscribedSince(resource: MeteredResource): Date | undefined {
  if (resource.activatedAt !== undefined) return new Date(resource.activatedAt);
  const starts = resource.plans.map((p) => Date.parse(p.from)).filter((t) => !Number.isNaN(t));
  return starts.length > 0 ? new Date(Math.min(...starts)) : undefined;
}

/**
 * The first instant usage may be reported for: the start of the UTC hour the resource was subscribed in, since
 * usage is bucketed by hour (seed 004 ~7784) and the hour of activation is one the customer used. Undefined when
 * the resource has no start at all (never to be billed).
 */
export function usageStart(resource: MeteredResource): Date | undefined {
  const since = subscribedSince(resource);
  return since && new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS);
}

/** Whether `at` lies in or after the hour the resource was subscribed in (before it there was no plan to bill). */
export function startedBy(resource: MeteredResource, at: Date): boolean {
  const start = usageStart(resource);
  return start !== undefined && at.getTime() >= start.getTime();
}

/**
 * "emit usage events against an active resource (subscribed)" (seed 004 ~7780), with the E2 exception, and only
 * for hours from the one it was subscribed in (decision 0311).
 */
export function isActiveFor(resource: MeteredResource, at: Date, options: ActivityOptions): boolean {
  if (!startedBy(resource, at)) return false;
  if (resource.status === 'Subscribed') return true;
  if (resource.status === 'Unsubscribed' && options.acceptBeforeCancellation && resource.canceledAt) {
    return at.getTime() < Date.parse(resource.canceledAt);
  }
  return false;
}

/** The included quantity that applies to the resource's term: annual for P1Y, monthly otherwise (A10). */
export function includedQuantity(dimension: DimensionTerms, termUnit: 'P1M' | 'P1Y' | undefined): number | 'unlimited' | undefined {
  return termUnit === 'P1Y' ? (dimension.includedQuantityAnnual ?? dimension.includedQuantityMonthly) : dimension.includedQuantityMonthly;
}

/**
 * A dimension usage can be reported on: defined for the plan, enabled on it (seed 004 ~7708, ~16007), not
 * infinite, since an infinite dimension "will never incur a charge" (seed 004 ~7711; A8), and priced within what
 * metering bills (rules/limits.ts, decision 0311). IDs match case-sensitively.
 */
export function billableDimension(
  dimensions: readonly DimensionTerms[],
  id: string,
  termUnit: 'P1M' | 'P1Y' | undefined,
): DimensionTerms | undefined {
  const dimension = dimensions.find((d) => d.id === id);
  if (!dimension || !dimension.enabled) return undefined;
  if (!isBillablePrice(dimension.pricePerUnitUSD)) return undefined;
  if (includedQuantity(dimension, termUnit) === 'unlimited') return undefined;
  return dimension;
}
