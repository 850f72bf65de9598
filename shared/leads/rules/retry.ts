/**
 * Retry rules of lead delivery (specs/leads.md 2.5 (4)–(6); decision 0520): how an HTTP answer is classified, when
 * the next attempt is due (the backoff schedule with jitter and the target's Retry-After), how long a lead is
 * retried (the window, 72 h by default), and where a delivery stands after an attempt. Pure: time and randomness
 * are passed in.
 */
import type { AttemptOutcome, AttemptOutcomeKind } from '../model';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays after failed attempt 1, 2, ... 9 (spec 2.5 (5)); every later one waits `STEADY_DELAY_MS`. */
export const BACKOFF_MS: readonly number[] = [
  30 * SECOND,
  1 * MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
];
export const STEADY_DELAY_MS = 6 * HOUR;
/** Jitter: each scheduled delay is moved by up to ±20%. */
export const JITTER = 0.2;
/** A target's Retry-After is honoured up to this long (spec 2.5 (5)). */
export const MAX_RETRY_AFTER_MS = 6 * HOUR;
/** The retry window when the setting is absent (spec 2.5 (5): 72 h). */
export const DEFAULT_WINDOW_HOURS = 72;

/** Statuses that are worth another try: the target was busy, throttled or failed, not the request (spec 2.5 (4)). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429]);

/** 2xx succeeds; 408, 425, 429 and 5xx are retried; 1xx, 3xx (never followed) and every other 4xx are permanent. */
export function classifyStatus(status: number): AttemptOutcomeKind {
  if (status >= 200 && status <= 299) return 'success';
  if (RETRYABLE_STATUSES.has(status) || (status >= 500 && status <= 599)) return 'retryable';
  return 'permanent';
}

/** The category word of an HTTP answer: `delivered` for 2xx, else `http_<status>`. */
export function statusCategory(status: number): string {
  return classifyStatus(status) === 'success' ? 'delivered' : `http_${status}`;
}

/**
 * A Retry-After header in ms from `now`: delay-seconds (digits only) or an HTTP-date; a date in the past is 0.
 * Anything else (absent, negative, fractional, garbage) is undefined: the schedule alone applies.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  // An HTTP-date names a weekday and a time: a bare number such as "-5" or "1.5" is not one.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** The schedule's delay after failed attempt `attempt` (1-based), before jitter. */
export function scheduledDelayMs(attempt: number): number {
  return BACKOFF_MS[Math.max(1, attempt) - 1] ?? STEADY_DELAY_MS;
}

/** `delay` moved by ±JITTER: `random` in [0, 1) maps 0 → -20%, 0.5 → 0, 1 → +20%; whole milliseconds. */
export function withJitter(delayMs: number, random: number): number {
  return Math.round(delayMs * (1 + JITTER * (2 * random - 1)));
}

/**
 * How long to wait after failed attempt `attempt`: the jittered schedule, or the target's Retry-After when that
 * is longer (Retry-After capped at 6 h, so a target cannot park a lead for days).
 */
export function retryDelayMs(attempt: number, random: number, retryAfterMs?: number): number {
  const scheduled = withJitter(scheduledDelayMs(attempt), random);
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

export function windowMs(hours: number): number {
  return hours * HOUR;
}

/** Where a delivery stands after one attempt. */
export type NextState =
  | { state: 'delivered'; at: string }
  | { state: 'pending'; nextAttemptAt: string }
  | { state: 'dead_lettered'; at: string; reason: string };

/** The reason recorded when retries ran out of the window (the attempts keep each answer's category). */
export const WINDOW_EXPIRED = 'window_expired';

/**
 * After attempt `attempt` ended at `endedAt` with `outcome`: success → delivered; permanent → dead-lettered with
 * the outcome's category; retryable → pending until the next attempt, unless that attempt would fall after the
 * window (`windowStartedAt` + `windowMs`) → dead-lettered `window_expired`. An attempt due exactly at the window's
 * end still happens.
 */
export function nextState(input: {
  outcome: Pick<AttemptOutcome, 'outcome' | 'category' | 'retryAfterMs'>;
  attempt: number;
  endedAt: Date;
  windowStartedAt: string;
  windowMs: number;
  random: number;
}): NextState {
  const at = input.endedAt.toISOString();
  const { outcome } = input;
  if (outcome.outcome === 'success') return { state: 'delivered', at };
  if (outcome.outcome === 'permanent') return { state: 'dead_lettered', at, reason: outcome.category };
  const next = input.endedAt.getTime() + retryDelayMs(input.attempt, input.random, outcome.retryAfterMs);
  if (next > Date.parse(input.windowStartedAt) + input.windowMs) return { state: 'dead_lettered', at, reason: WINDOW_EXPIRED };
  return { state: 'pending', nextAttemptAt: new Date(next).toISOString() };
}
