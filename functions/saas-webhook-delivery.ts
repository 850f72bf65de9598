/**
 * The webhook delivery workflow (decision 0411): one orchestration per outbox row and generation, and its three
 * activities: one attempt, settling the row, closing the ACK window (shared/saas/service/webhook-delivery.ts does
 * the work). Started by shared/saas/service/delivery-starter.ts. The registered names are persisted in users' task
 * hubs (shared/saas/rules/delivery.ts): they never change.
 *
 * The orchestration calls one attempt at a time, waits between attempts with durable timers on the project clock
 * (the schedule is rules/delivery.ts `followingAttempt`), and ends by settling the row: accepted → the ACK window
 * starts and a durable timer closes it; retries exhausted → the change fails with WebhookDeliveryFailed [DEC-A29].
 * Orchestrator code must be deterministic: everything it decides comes from its input, the replayed clock and
 * activity results.
 */
import * as df from 'durable-functions';
import type { DurableOrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import { services } from '../shared/composition';
import {
  ATTEMPTS_PER_EXECUTION,
  DELIVERY_ACTIVITIES,
  DELIVERY_ORCHESTRATION,
  followingAttempt,
  type AttemptInput,
  type AttemptOutcome,
  type DeliveryInput,
  type DeliveryRef,
  type DeliveryResult,
  type SettleInput,
} from '../shared/saas/rules/delivery';

/** The activities as the orchestrator calls them: each returns the task to yield (`df.app.activity` handles). */
export interface DeliveryActivities {
  attempt: (input: AttemptInput) => Task;
  settle: (input: SettleInput) => Task;
  ackTimeout: (input: DeliveryRef) => Task;
}

type Df = Pick<DurableOrchestrationContext, 'getInput' | 'createTimer' | 'continueAsNew' | 'currentUtcDateTime'>;

/** The orchestrator over its activities (tests pass fakes that record what it yields). */
export function deliveryOrchestrator(activities: DeliveryActivities) {
  return function* deliverWebhook(context: { df: Df }): Generator<Task, DeliveryResult, unknown> {
    const input = context.df.getInput<DeliveryInput>();
    const ref: DeliveryRef = { publisherId: input.publisherId, operationId: input.operationId, generation: input.generation };
    const firstAt = input.firstAt ?? context.df.currentUtcDateTime.toISOString();
    let attempts = input.attempts ?? 0;
    let dueAt = input.nextAt ?? firstAt;
    for (let i = 0; i < ATTEMPTS_PER_EXECUTION; i += 1) {
      if (Date.parse(dueAt) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(dueAt));
      attempts += 1;
      const following = followingAttempt(input, attempts, dueAt, firstAt);
      const outcome = (yield activities.attempt({ ref, retryAt: following ?? null })) as AttemptOutcome;
      if (outcome.kind === 'stop') return 'stopped';
      if (outcome.kind === 'accepted') {
        const deadline = (yield activities.settle({ ref, outcome: 'delivered', at: outcome.at })) as string | null;
        if (deadline) {
          if (Date.parse(deadline) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(deadline));
          yield activities.ackTimeout(ref);
        }
        return 'delivered';
      }
      if (following === undefined) {
        yield activities.settle({ ref, outcome: 'failed', at: context.df.currentUtcDateTime.toISOString() });
        return 'failed';
      }
      dueAt = following;
    }
    context.df.continueAsNew({ ...input, attempts, firstAt, nextAt: dueAt } satisfies DeliveryInput);
    return 'continued';
  };
}

// Activity inputs come from the orchestration's history (our own writes), checked anyway: they cross a process edge.
const ref = z.object({ publisherId: z.string().min(1), operationId: z.string().min(1), generation: z.number().int().min(0) });
const attemptInput = z.object({ ref, retryAt: z.string().nullable() });
const settleInput = z.object({ ref, outcome: z.enum(['delivered', 'failed']), at: z.string() });

const attempt = df.app.activity(DELIVERY_ACTIVITIES.attempt, {
  handler: (input: unknown) => {
    const { ref: r, retryAt } = attemptInput.parse(input);
    return services().saas().delivery.attempt(r, retryAt);
  },
});

const settle = df.app.activity(DELIVERY_ACTIVITIES.settle, {
  handler: (input: unknown) => {
    const { ref: r, outcome, at } = settleInput.parse(input);
    return services().saas().delivery.settle(r, outcome, at);
  },
});

const ackTimeout = df.app.activity(DELIVERY_ACTIVITIES.ackTimeout, {
  handler: async (input: unknown) => {
    await services().saas().delivery.ackTimeout(ref.parse(input));
    return null;
  },
});

df.app.orchestration(DELIVERY_ORCHESTRATION, deliveryOrchestrator({ attempt, settle, ackTimeout }));
