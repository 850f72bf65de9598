/**
 * Pure rules of the SaaS life cycle (specs/saas-licensing.md A1.6, A2): term dates, when a subscription is due,
 * the free-cancellation window, which transitions the table allows, and the histories a change extends.
 */
import type { SaasStatus, SubscriptionRecord, TermUnit } from '../model';

const DAY_MS = 86_400_000;

/** Grace period before a suspended subscription is cancelled [004:25303]. */
export const SUSPENSION_GRACE_MS = 30 * DAY_MS;

export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `date` (YYYY-MM-DD) plus `months`, clamped to the last day of the target month [DEC-A8]. */
export function addMonthsClamped(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return utcDate(new Date(Date.UTC(year, month, Math.min(d, last))));
}

function minusOneDay(date: string): string {
  return utcDate(new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS));
}

/** Term k of a subscription activated on `anchor`: from add(A, k·m) to add(A, (k+1)·m) − 1 day [DEC-A8]. */
export function termDates(anchor: string, unit: TermUnit, k: number): { startDate: string; endDate: string } {
  const m = unit === 'P1Y' ? 12 : 1;
  return { startDate: addMonthsClamped(anchor, k * m), endDate: minusOneDay(addMonthsClamped(anchor, (k + 1) * m)) };
}

/**
 * The current term: during a free trial the trial month from activation [004:2575] (a trial plan switch keeps the
 * clock [004:2581], because the activation date does not move); afterwards term k from the anchor, which is the
 * activation date, or the conversion date once a trial has converted (decision 0415).
 */
export function currentTerm(sub: SubscriptionRecord): { startDate: string; endDate: string } | undefined {
  if (!sub.activatedOn) return undefined;
  // Stryker disable next-line StringLiteral: termDates reads every unit but P1Y as monthly, so '' and 'P1M' agree
  if (sub.isFreeTrial) return termDates(sub.activatedOn, 'P1M', 0);
  return termDates(sub.termAnchor ?? sub.activatedOn, sub.termUnit, sub.termIndex);
}

/** The instant the current term (or the trial) ends (start of the day after endDate): renewal, conversion or expiry. */
export function termEndsAt(sub: SubscriptionRecord): Date | undefined {
  const term = currentTerm(sub);
  return term ? new Date(Date.parse(`${term.endDate}T00:00:00Z`) + DAY_MS) : undefined;
}

/**
 * When the due-work timer must next look at a subscription ('' = never): pending expiry (DEC-A33), the end of the
 * trial or term while Subscribed, the end of the grace period while Suspended.
 */
export function subscriptionDueAt(sub: SubscriptionRecord): string {
  if (sub.status === 'PendingFulfillmentStart') return sub.pendingExpiresAt ?? '';
  if (sub.status === 'Subscribed') return termEndsAt(sub)?.toISOString() ?? '';
  if (sub.status === 'Suspended' && sub.suspendedAt) return new Date(Date.parse(sub.suspendedAt) + SUSPENSION_GRACE_MS).toISOString();
  return '';
}

/** No charge when cancelled within 24 h (monthly) or 14 days (yearly) after billing started [004:25894-25897]. */
export function freeCancellationWindowMs(unit: TermUnit): number {
  return unit === 'P1Y' ? 14 * DAY_MS : DAY_MS;
}

/**
 * Whether cancelling at `at` charges the customer: never during a free trial (billing has not started [004:2577])
 * or before activation; otherwise only once the free-cancellation window after billing started has passed.
 */
export function cancellationCharged(sub: SubscriptionRecord, at: Date): boolean {
  if (sub.isFreeTrial) return false;
  const since = sub.paidSince ?? sub.statusHistory.find((s) => s.status === 'Subscribed')?.at;
  // Stryker disable next-line ConditionalExpression: without it Date.parse(undefined) is NaN and the comparison below is false too
  if (!since) return false;
  return at.getTime() - Date.parse(since) >= freeCancellationWindowMs(sub.termUnit);
}

/** The subscription with a new status, its history extended. */
export function withStatus(sub: SubscriptionRecord, status: SaasStatus, at: string): SubscriptionRecord {
  return { ...sub, status, statusHistory: [...sub.statusHistory, { status, at }] };
}

/** The subscription with a new plan/quantity, its plan history extended (metering asks "plan at time t"). */
export function withPlan(sub: SubscriptionRecord, planId: string, quantity: number | undefined, at: string): SubscriptionRecord {
  const next: SubscriptionRecord = { ...sub, planId };
  if (quantity === undefined) delete next.quantity;
  else next.quantity = quantity;
  return { ...next, planHistory: [...sub.planHistory, { planId, ...(quantity !== undefined ? { quantity } : {}), from: at }] };
}

/** The plan in force at `at` (for metering), from the plan history. */
export function planAt(sub: SubscriptionRecord, at: Date): { planId: string; quantity?: number } | undefined {
  let found: { planId: string; quantity?: number } | undefined;
  for (const entry of sub.planHistory) if (Date.parse(entry.from) <= at.getTime()) found = entry;
  return found;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Subscription and operation ids are GUIDs [004:25386, 25989]; anything else is simply not found [DEC-A4]. */
export function isGuid(id: string): boolean {
  return GUID.test(id);
}
