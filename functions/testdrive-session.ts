/**
 * A drive's orchestration (decision 0700): instance id `testdrive-<driveId>`, started after the drive is committed
 * (shared/testdrive/service/session-starter.ts). It calls the step activity (shared/testdrive/service/drive-session.ts):
 * while the drive waits for its instance the step polls the provider and answers when to look again; once Active
 * it answers the expiry (or 6 days, the longest durable timer, G24); at expiry the step ends the drive and deletes
 * its instance. The waits are durable timers on the project clock. Continue-as-new keeps the history short. The
 * registered names are persisted in users' task hubs: never renamed.
 */
import * as df from 'durable-functions';
import type { DurableOrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { z } from 'zod';
import { services } from '../shared/composition';
import type { SessionStep } from '../shared/testdrive/service/drive-session';
import { TESTDRIVE_SESSION_ORCHESTRATION } from '../shared/testdrive/service/session-starter';

export const TESTDRIVE_STEP_ACTIVITY = 'testdrive-session-step';
/** Steps per execution before continue-as-new. */
export const STEPS_PER_EXECUTION = 50;

export type StepActivity = (input: { driveId: string }) => Task;
type Df = Pick<DurableOrchestrationContext, 'getInput' | 'createTimer' | 'continueAsNew' | 'currentUtcDateTime'>;

export function testDriveSessionOrchestrator(step: StepActivity) {
  return function* testDriveSession(context: { df: Df }): Generator<Task, 'ended' | 'continued', unknown> {
    const { driveId } = context.df.getInput<{ driveId: string }>();
    for (let i = 0; i < STEPS_PER_EXECUTION; i += 1) {
      const result = (yield step({ driveId })) as SessionStep;
      if (result.kind === 'done') return 'ended';
      if (Date.parse(result.until) > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(result.until));
    }
    context.df.continueAsNew({ driveId });
    return 'continued';
  };
}

const inputSchema = z.object({ driveId: z.string().min(1).max(200) });

/** A throw (storage down) is retried 4 times, 5 s then doubling; after that the cleanup ends the drive at expiry. */
const STEP_RETRIES: RetryOptions = Object.assign(new df.RetryOptions(5_000, 5), { backoffCoefficient: 2 });

const stepActivity = df.app.activity(TESTDRIVE_STEP_ACTIVITY, {
  handler: (input: unknown): Promise<SessionStep> => services().testdrive().sessions.step(inputSchema.parse(input).driveId),
});

df.app.orchestration(TESTDRIVE_SESSION_ORCHESTRATION, testDriveSessionOrchestrator((input) => stepActivity(input).withRetry(STEP_RETRIES)));
