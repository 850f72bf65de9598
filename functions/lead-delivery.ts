/**
 * The lead delivery workflow (decision 0520): one orchestration per lead, target and generation (instance id
 * `lead-<publisher>.<offer>-<leadId>-g<generation>`), and its one activity, an attempt
 * (shared/leads/service/deliver.ts does the work). Started by shared/leads/service/delivery-starter.ts after the
 * capture, after a replay, and by the sweeper (functions/lead-sweeper.ts). The registered names are persisted in
 * users' task hubs (shared/leads/rules/delivery.ts): they never change.
 *
 * The orchestration calls the attempt activity; the activity answers `done` (delivered, dead-lettered, held,
 * superseded by a replay) or `wait` until the next attempt time of the schedule (shared/leads/rules/retry.ts), and
 * the orchestration waits on a durable timer on the project clock, then calls again. Continue-as-new every
 * ATTEMPTS_PER_EXECUTION calls keeps the history small. Everything it decides comes from its input, the replayed
 * clock and activity results (deterministic). An activity that throws (storage unavailable) is retried by the
 * runtime; if it keeps failing the orchestration fails and the sweeper starts a new execution once the delivery is
 * overdue.
 */
import * as df from 'durable-functions';
import type { DurableOrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { z } from 'zod';
import { services } from '../shared/composition';
import {
  ATTEMPTS_PER_EXECUTION,
  LEAD_DELIVERY_ACTIVITIES,
  LEAD_DELIVERY_ORCHESTRATION,
  type AttemptResult,
  type LeadDeliveryRef,
} from '../shared/leads/rules/delivery';

/** The attempt activity as the orchestrator calls it: the task to yield, with the runtime's retries of a throw. */
export type AttemptActivity = (input: LeadDeliveryRef) => Task;

type Df = Pick<DurableOrchestrationContext, 'getInput' | 'createTimer' | 'continueAsNew' | 'currentUtcDateTime'>;

/** How an execution ended: the delivery's end state, or `continued` (continue-as-new). */
export type LeadDeliveryResult = Extract<AttemptResult, { kind: 'done' }>['state'] | 'continued';

/** The orchestrator over its activity (tests pass a fake that records what it yields). */
export function leadDeliveryOrchestrator(attempt: AttemptActivity) {
  return function* leadDelivery(context: { df: Df }): Generator<Task, LeadDeliveryResult, unknown> {
    const input = context.df.getInput<LeadDeliveryRef>();
    const ref: LeadDeliveryRef = { publisherId: input.publisherId, offerId: input.offerId, leadId: input.leadId, generation: input.generation };
    for (let i = 0; i < ATTEMPTS_PER_EXECUTION; i += 1) {
      const result = (yield attempt(ref)) as AttemptResult;
      if (result.kind === 'done') return result.state;
      if (Date.parse(result.until) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(result.until));
    }
    context.df.continueAsNew(ref);
    return 'continued';
  };
}

// The input comes from the orchestration's history (our own writes), checked anyway: it crosses a process edge.
const refSchema = z.object({
  publisherId: z.string().min(1),
  offerId: z.string().min(1),
  leadId: z.string().min(1),
  generation: z.number().int().min(0),
});

/** A throw (storage down, the row kept changing) is retried 4 times, 5 s then doubling, before the execution fails. */
const ATTEMPT_RETRIES: RetryOptions = Object.assign(new df.RetryOptions(5_000, 5), { backoffCoefficient: 2 });

const attemptActivity = df.app.activity(LEAD_DELIVERY_ACTIVITIES.attempt, {
  handler: (input: unknown): Promise<AttemptResult> => {
    const delivery = services().leads().delivery;
    if (!delivery) throw new Error('lead delivery is not wired (no targets in the composition)');
    return delivery.deliver.attempt(refSchema.parse(input));
  },
});

df.app.orchestration(
  LEAD_DELIVERY_ORCHESTRATION,
  leadDeliveryOrchestrator((ref) => attemptActivity(ref).withRetry(ATTEMPT_RETRIES)),
);
