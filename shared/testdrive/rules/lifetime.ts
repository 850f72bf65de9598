/**
 * Times of a drive and an instance: a drive expires `durationHours` after it became active (G5); the drive's
 * durable timer waits in chunks of at most 6 days (JavaScript durable timers, G24); failed provisions are retried
 * with doubling backoff; provisions, starts and deletes that take too long are stuck.
 */

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** The longest single durable timer the drive orchestration sets (6 days). */
export const MAX_TIMER_MS = 6 * 24 * HOUR_MS;

export function expiresAt(activeAt: Date, durationHours: number): Date {
  return new Date(activeAt.getTime() + durationHours * HOUR_MS);
}

/** When the drive's next timer fires: its expiry, or 6 days from now when that is sooner. */
export function nextTimer(now: Date, expiry: Date): Date {
  return new Date(Math.min(expiry.getTime(), now.getTime() + MAX_TIMER_MS));
}

/** Provision attempts before an instance is given up (deleted and replaced). */
export const MAX_PROVISION_ATTEMPTS = 4;
export const BACKOFF_BASE_MS = MINUTE_MS;
export const BACKOFF_CAP_MS = 30 * MINUTE_MS;

/** The wait after the `attempts`-th failed provision: 1, 2, 4, … minutes, at most 30. */
export function provisionBackoffMs(attempts: number): number {
  if (attempts < 1) return 0;
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
}

export interface Timeouts {
  /** A provision (deploy, and the stop of a warm one) longer than this is stuck (G23: 120 min). */
  provisionMs: number;
  /** A warm instance's start longer than this is stuck (G23: 20 min). */
  startMs: number;
  /** A delete longer than this is driven again (G23: 30 min). */
  deleteMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { provisionMs: 120 * MINUTE_MS, startMs: 20 * MINUTE_MS, deleteMs: 30 * MINUTE_MS };

/** Whether an instance in `state` since `stateAt` has outlived its state's time-out at `now`. */
export function isStuck(state: string, stateAt: string, now: Date, timeouts: Timeouts): boolean {
  const limit =
    state === 'Provisioning' || state === 'Stopping'
      ? timeouts.provisionMs
      : state === 'Starting'
        ? timeouts.startMs
        : state === 'Deprovisioning'
          ? timeouts.deleteMs
          : undefined;
  return now.getTime() - Date.parse(stateAt) > (limit ?? Infinity);
}

/** How long ended drives and deleted instances are kept for customers and operators (decision 0709): 30 days. */
export const DEFAULT_HISTORY_MS = 30 * 24 * HOUR_MS;

/** Whether a drive that ended (an instance deleted) at `endedAt` is older than the history kept at `now`; never without an end. */
export function isPastHistory(endedAt: string | undefined, now: Date, historyMs: number): boolean {
  return endedAt !== undefined && now.getTime() - Date.parse(endedAt) > historyMs;
}

/** An active drive is over once its expiry has come (the cleanup ends it if its own timer has not). */
export function isExpired(expiry: string | undefined, now: Date): boolean {
  return Date.parse(expiry ?? '') <= now.getTime();
}

/** What the customer is told to expect while waiting (spec 2.3 step 5): hot 10 s, warm 10 min, cold 90 min. */
export function estimatedWaitMinutes(tier: string): number {
  return tier === 'warm' ? 10 : tier === 'hot' ? 0 : 90;
}
