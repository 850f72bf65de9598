/**
 * The publish pipeline (specs/publish.md 3.12; decision 0600): one orchestration per submission, its instance id
 * the publish operation's id. It runs the publish operation's steps, each as activities (run the work once and
 * record it; wait the simulated time on a durable timer on the project clock; finish), reaches sign-off, then
 * waits for the publisher's `GoLive` event and runs the go-live operation's steps. Manual certification waits for
 * the reviewer's `CertificationDecision` event. Cancel terminates the instance (shared/publish/service/cancel.ts);
 * a newer submission terminates one still waiting for sign-off. Everything it decides comes from its input,
 * activity results and the replayed clock (deterministic). The registered names never change.
 */
import * as df from 'durable-functions';
import type { DurableOrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { z } from 'zod';
import { services } from '../shared/composition';
import { STEP_IDS, type StepId } from '../shared/publish/model';
import type { PlannedStep, RunResult } from '../shared/publish/service/pipeline';
import { PUBLISH_ACTIVITIES, PUBLISH_ORCHESTRATION, type PublishPipelineInput } from '../shared/publish/store/durable-pipeline';

type Df = Pick<DurableOrchestrationContext, 'getInput' | 'createTimer' | 'currentUtcDateTime' | 'waitForExternalEvent'>;
type Begun = { steps: PlannedStep[]; submissionType: 'publish' | 'goLive' | 'stopDistribution' } | { ended: string };

export interface PipelineActivities {
  begin(ref: PublishPipelineInput): Task;
  run(input: { ref: PublishPipelineInput; step: StepId }): Task;
  finish(input: { ref: PublishPipelineInput; step: StepId }): Task;
  signoff(ref: PublishPipelineInput): Task;
  cancel(ref: PublishPipelineInput): Task;
  fail(input: { ref: PublishPipelineInput; message: string }): Task;
}

function* runOperation(df: Df, acts: PipelineActivities, ref: PublishPipelineInput): Generator<Task, string, unknown> {
  const begun = (yield acts.begin(ref)) as Begun;
  if ('ended' in begun) return begun.ended;
  for (const step of begun.steps) {
    let result = (yield acts.run({ ref, step: step.id })) as RunResult;
    while (result === 'waiting') {
      yield df.waitForExternalEvent('CertificationDecision');
      result = (yield acts.run({ ref, step: step.id })) as RunResult;
    }
    if (result === 'canceled') {
      yield acts.cancel(ref);
      return 'canceled';
    }
    if (step.waitMs > 0) yield df.createTimer(new Date(df.currentUtcDateTime.getTime() + step.waitMs));
    const finished = (yield acts.finish({ ref, step: step.id })) as string;
    if (finished !== 'continue') return finished;
  }
  return begun.submissionType === 'publish' ? ((yield acts.signoff(ref)) as string) : 'completed';
}

/** The orchestrator over its activities (tests pass fakes that record what it yields). */
export function publishOrchestrator(acts: PipelineActivities) {
  return function* publishPipeline(context: { df: Df }): Generator<Task, string, unknown> {
    const input = context.df.getInput<PublishPipelineInput>();
    const ref: PublishPipelineInput = { publisherId: input.publisherId, offerId: input.offerId, operationId: input.operationId };
    let current = ref;
    try {
      const published = yield* runOperation(context.df, acts, ref);
      if (published !== 'waiting') return published;
      const signed = (yield context.df.waitForExternalEvent('GoLive')) as { operationId: string };
      current = { ...ref, operationId: signed.operationId };
      return yield* runOperation(context.df, acts, current);
    } catch (error) {
      yield acts.fail({ ref: current, message: `The pipeline failed: ${(error as Error).message}` });
      return 'failed';
    }
  };
}

// Inputs come from the orchestration's history (our own writes), checked anyway: they cross a process edge.
const refSchema = z.object({ publisherId: z.string().min(1), offerId: z.string().min(1), operationId: z.string().min(1) });
const stepSchema = z.object({ ref: refSchema, step: z.enum(STEP_IDS) });
const failSchema = z.object({ ref: refSchema, message: z.string() });

/** A throw (storage unavailable) is retried 4 times, 2 s then doubling, before the orchestration fails the operation. */
const RETRIES: RetryOptions = Object.assign(new df.RetryOptions(2_000, 5), { backoffCoefficient: 2 });
const pipeline = () => services().publish().pipeline;

const begin = df.app.activity(PUBLISH_ACTIVITIES.begin, { handler: (input: unknown) => pipeline().begin(refSchema.parse(input)) });
const run = df.app.activity(PUBLISH_ACTIVITIES.run, {
  handler: (input: unknown) => {
    const { ref, step } = stepSchema.parse(input);
    return pipeline().run(ref, step);
  },
});
const finish = df.app.activity(PUBLISH_ACTIVITIES.finish, {
  handler: (input: unknown) => {
    const { ref, step } = stepSchema.parse(input);
    return pipeline().finish(ref, step);
  },
});
const signoff = df.app.activity(PUBLISH_ACTIVITIES.signoff, { handler: (input: unknown) => pipeline().signoff(refSchema.parse(input)) });
const cancel = df.app.activity(PUBLISH_ACTIVITIES.cancel, { handler: (input: unknown) => pipeline().cancel(refSchema.parse(input)) });
const fail = df.app.activity(PUBLISH_ACTIVITIES.fail, {
  handler: (input: unknown) => {
    const { ref, message } = failSchema.parse(input);
    return pipeline().fail(ref, message);
  },
});

df.app.orchestration(
  PUBLISH_ORCHESTRATION,
  publishOrchestrator({
    begin: (ref) => begin(ref).withRetry(RETRIES),
    run: (input) => run(input).withRetry(RETRIES),
    finish: (input) => finish(input).withRetry(RETRIES),
    signoff: (ref) => signoff(ref).withRetry(RETRIES),
    cancel: (ref) => cancel(ref).withRetry(RETRIES),
    fail: (input) => fail(input).withRetry(RETRIES),
  }),
);
