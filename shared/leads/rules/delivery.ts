/**
 * Pure rules of the lead delivery workflow (decisions 0520–0522): the names of the orchestration and its activity
 * (persisted in users' task hubs: they never change), one orchestration instance per lead, target and generation
 * (derived id, so starting it twice is one instance), the delivery row after an attempt, a replay and a release
 * from `held`, and when the sweeper takes a delivery over.
 */
import type { Attempt, Delivery } from '../model';
import type { NextState } from './retry';

export const LEAD_DELIVERY_ORCHESTRATION = 'lead-delivery';
export const LEAD_DELIVERY_ACTIVITIES = { attempt: 'lead-delivery-attempt' } as const;

/** Activity calls per execution before continue-as-new, so the history (and each replay of it) stays small. */
export const ATTEMPTS_PER_EXECUTION = 25;
/** Attempts kept on the delivery row (newest last); `attemptCount` keeps counting. 72 h of the schedule is 20. */
export const MAX_KEPT_ATTEMPTS = 25;
/** How long a held lead waits for a destination (spec 2.5 (7): 30 days) before it is dead-lettered (decision 0527). */
export const DEFAULT_HOLD_RETENTION_MS = 30 * 24 * 3_600_000;
/** The dead-letter reason of a held lead whose retention ran out. */
export const HOLD_EXPIRED = 'hold_expired';
/** How long past its due time a pending delivery is left to its orchestration before the sweeper starts it again. */
export const DEFAULT_SWEEP_GRACE_MS = 120_000;

export interface LeadDeliveryRef {
  publisherId: string;
  offerId: string;
  leadId: string;
  generation: number;
}

/** What one call of the attempt activity tells the orchestration. */
export type AttemptResult =
  | { kind: 'done'; state: 'delivered' | 'dead_lettered' | 'held' | 'superseded' }
  /** Not owed before `until` (the next attempt of the schedule): wait on a durable timer, then call again. */
  | { kind: 'wait'; until: string };

/** `lead-<publisher>.<offer>-<leadId>-g<generation>`; the ids are URI-escaped so no `/`, `#` or `?` reaches the id. */
export function leadDeliveryInstanceId(ref: LeadDeliveryRef): string {
  return `lead-${encodeURIComponent(ref.publisherId)}.${encodeURIComponent(ref.offerId)}-${ref.leadId}-g${ref.generation}`;
}

export function refOf(delivery: Delivery): LeadDeliveryRef {
  return { publisherId: delivery.publisherId, offerId: delivery.offerId, leadId: delivery.leadId, generation: delivery.generation };
}

/** The row an orchestration of `ref` may still work on: pending, and of its generation. */
export function owns(delivery: Delivery | undefined, ref: LeadDeliveryRef): delivery is Delivery {
  return delivery !== undefined && delivery.state === 'pending' && delivery.generation === ref.generation;
}

/** Appends an attempt, keeping the newest `MAX_KEPT_ATTEMPTS`. */
export function withAttempt(attempts: readonly Attempt[], attempt: Attempt, keep = MAX_KEPT_ATTEMPTS): Attempt[] {
  return [...attempts, attempt].slice(-keep);
}

/** The row after attempt `attempt` ended in `next`. Fields of the previous state that no longer apply are dropped. */
export function afterAttempt(delivery: Delivery, attempt: Attempt, next: NextState): Delivery {
  const base: Delivery = {
    leadId: delivery.leadId,
    publisherId: delivery.publisherId,
    offerId: delivery.offerId,
    generation: delivery.generation,
    windowStartedAt: delivery.windowStartedAt,
    attempts: withAttempt(delivery.attempts, attempt),
    attemptCount: delivery.attemptCount + 1,
    state: next.state,
  };
  if (next.state === 'pending') return { ...base, nextAttemptAt: next.nextAttemptAt };
  if (next.state === 'delivered') return { ...base, deliveredAt: next.at };
  return { ...base, deadLetteredAt: next.at, reason: next.reason };
}

/** No deliverable destination on the live offer: the lead waits, kept, until one is published (spec 2.5 (7)). */
export function held(delivery: Delivery, reason: string): Delivery {
  const { nextAttemptAt: _next, deliveredAt: _d, deadLetteredAt: _dl, ...rest } = delivery;
  return { ...rest, state: 'held', reason };
}

/** Failed without an attempt (settings that cannot be used, a lead that is gone): kept, replayable. */
export function deadLettered(delivery: Delivery, at: string, reason: string): Delivery {
  const { nextAttemptAt: _next, ...rest } = delivery;
  return { ...rest, state: 'dead_lettered', deadLetteredAt: at, reason };
}

/**
 * Owed again under the next generation with a fresh window starting `at` (a replay of a dead-lettered lead, or a
 * held lead whose offer now has a destination). The attempts made so far stay visible.
 */
export function reopened(delivery: Delivery, at: string): Delivery {
  const { deliveredAt: _d, deadLetteredAt: _dl, reason: _r, ...rest } = delivery;
  return { ...rest, state: 'pending', generation: delivery.generation + 1, windowStartedAt: at, nextAttemptAt: at };
}

/** When a pending delivery is owed its next attempt (capture: at once, from the window's start). */
export function dueAt(delivery: Delivery): string {
  return delivery.nextAttemptAt ?? delivery.windowStartedAt;
}

/** Whether the sweeper should start a pending delivery's orchestration: its attempt is overdue by more than the grace. */
export function overdue(delivery: Delivery, now: Date, graceMs: number): boolean {
  return delivery.state === 'pending' && Date.parse(dueAt(delivery)) + graceMs < now.getTime();
}

/**
 * Whether a held delivery's retention has run out: `retentionMs` after its window started (the capture, or the replay
 * that held it again), at or after that instant. It is then dead-lettered, never dropped (decision 0527).
 */
export function holdExpired(delivery: Delivery, now: Date, retentionMs: number): boolean {
  return delivery.state === 'held' && Date.parse(delivery.windowStartedAt) + retentionMs <= now.getTime();
}
