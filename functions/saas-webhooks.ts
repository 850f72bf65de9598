/**
 * The webhook delivery orchestration and its activities (decision 0411): one orchestration per outbox row and
 * generation (shared/saas/delivery-orchestration.ts), activities doing one attempt, settling the row and closing
 * the ACK window (shared/saas/outbox.ts). Started by shared/saas/delivery-starter.ts.
 */
import * as df from 'durable-functions';
import { z } from 'zod';
import { services } from '../shared/composition';
import { DELIVERY_ACTIVITIES, DELIVERY_ORCHESTRATION, deliverWebhook } from '../shared/saas/delivery-orchestration';

// Activity inputs come from the orchestration's history (our own writes), checked anyway: they cross a process edge.
const ref = z.object({ publisherId: z.string().min(1), operationId: z.string().min(1), generation: z.number().int().min(0) });
const attemptInput = z.object({ ref, retryAt: z.string().nullable() });
const settleInput = z.object({ ref, outcome: z.enum(['delivered', 'failed']), at: z.string() });

df.app.orchestration(DELIVERY_ORCHESTRATION, deliverWebhook);

df.app.activity(DELIVERY_ACTIVITIES.attempt, {
  handler: (input: unknown) => {
    const { ref: r, retryAt } = attemptInput.parse(input);
    return services().saas().delivery.attempt(r, retryAt);
  },
});

df.app.activity(DELIVERY_ACTIVITIES.settle, {
  handler: (input: unknown) => {
    const { ref: r, outcome, at } = settleInput.parse(input);
    return services().saas().delivery.settle(r, outcome, at);
  },
});

df.app.activity(DELIVERY_ACTIVITIES.ackTimeout, {
  handler: async (input: unknown) => {
    await services().saas().delivery.ackTimeout(ref.parse(input));
    return null;
  },
});
