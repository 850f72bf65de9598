/**
 * The webhook delivery orchestration (decision 0411): one instance per outbox row and generation. It calls one
 * attempt at a time (an activity), waits between attempts with durable timers on the project clock, and ends by
 * settling the row: accepted → the ACK window starts and a durable timer closes it; retries exhausted → the change
 * fails with WebhookDeliveryFailed [DEC-A29]. Orchestrator code must be deterministic: everything it decides comes
 * from its input, the replayed clock and activity results.
 *
 * The schedule is fixed from the first attempt: attempt n+1 is due `retryDelayMs(n)` after attempt n was due, and
 * the delivery ends after `maxAttempts` attempts or when the next one would fall outside `retryPeriodMs`. An attempt
 * whose time has already passed (a host outage, a moved test clock) runs at once, so advancing the clock by 8 h
 * drains the whole schedule: 500 attempts by default, as "500 retries over 8 hours" [004:26167].
 */
import type { DurableOrchestrationContext, Task } from 'durable-functions';
import { retryDelayMs, type AttemptOutcome, type DeliveryRef } from './outbox';

export const DELIVERY_ORCHESTRATION = 'saas-webhook-delivery';
export const DELIVERY_ACTIVITIES = {
  attempt: 'saas-webhook-attempt',
  settle: 'saas-webhook-settle',
  ackTimeout: 'saas-webhook-ack-timeout',
} as const;

/** Attempts per execution before continue-as-new, so the history (and each replay) stays small. */
export const ATTEMPTS_PER_EXECUTION = 50;

export interface DeliveryInput extends DeliveryRef {
  maxAttempts: number;
  retryPeriodMs: number;
  /** Carried over by continue-as-new: attempts made, when attempt 1 was due, when the next one is due. */
  attempts?: number;
  firstAt?: string;
  nextAt?: string;
}

export type DeliveryResult = 'delivered' | 'failed' | 'stopped' | 'continued';

export interface AttemptInput {
  ref: DeliveryRef;
  retryAt: string | null;
}

export interface SettleInput {
  ref: DeliveryRef;
  outcome: 'delivered' | 'failed';
  at: string;
}

type Df = Pick<DurableOrchestrationContext, 'getInput' | 'callActivity' | 'createTimer' | 'continueAsNew' | 'currentUtcDateTime'>;

/** When the attempt after attempt `n` (due at `dueAt`) is due, or undefined when the delivery has run its course. */
export function followingAttempt(input: DeliveryInput, n: number, dueAt: string, firstAt: string): string | undefined {
  if (n >= input.maxAttempts) return undefined;
  const next = Date.parse(dueAt) + retryDelayMs(n, input.retryPeriodMs, input.maxAttempts);
  return next - Date.parse(firstAt) > input.retryPeriodMs ? undefined : new Date(next).toISOString();
}

export function* deliverWebhook(context: { df: Df }): Generator<Task, DeliveryResult, unknown> {
  const input = context.df.getInput<DeliveryInput>();
  const ref: DeliveryRef = { publisherId: input.publisherId, operationId: input.operationId, generation: input.generation };
  const firstAt = input.firstAt ?? context.df.currentUtcDateTime.toISOString();
  let attempts = input.attempts ?? 0;
  let dueAt = input.nextAt ?? firstAt;
  for (let i = 0; i < ATTEMPTS_PER_EXECUTION; i += 1) {
    if (Date.parse(dueAt) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(dueAt));
    attempts += 1;
    const following = followingAttempt(input, attempts, dueAt, firstAt);
    const attempt: AttemptInput = { ref, retryAt: following ?? null };
    const outcome = (yield context.df.callActivity(DELIVERY_ACTIVITIES.attempt, attempt)) as AttemptOutcome;
    if (outcome.kind === 'stop') return 'stopped';
    if (outcome.kind === 'accepted') {
      const settle: SettleInput = { ref, outcome: 'delivered', at: outcome.at };
      const deadline = (yield context.df.callActivity(DELIVERY_ACTIVITIES.settle, settle)) as string | null;
      if (deadline) {
        if (Date.parse(deadline) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(deadline));
        yield context.df.callActivity(DELIVERY_ACTIVITIES.ackTimeout, ref);
      }
      return 'delivered';
    }
    if (following === undefined) {
      const settle: SettleInput = { ref, outcome: 'failed', at: context.df.currentUtcDateTime.toISOString() };
      yield context.df.callActivity(DELIVERY_ACTIVITIES.settle, settle);
      return 'failed';
    }
    dueAt = following;
  }
  context.df.continueAsNew({ ...input, attempts, firstAt, nextAt: dueAt } satisfies DeliveryInput);
  return 'continued';
}
