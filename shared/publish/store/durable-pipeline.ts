/**
 * The publish pipeline's hand-over to the durable runtime: one orchestration per submission, its instance id the
 * publish operation's id (deterministic: every path that starts it starts the same instance; a running one answers
 * 409, nothing to do). The client is the host's, attached by functions/hooks.ts from the first invocation that
 * binds it; without one every call fails, and the operation is resumed by the next request that meets it.
 */
import type { Operation } from '../model';
import type { PipelineClient } from '../ports';

/** Registered names: persisted in users' task hubs, never renamed. */
export const PUBLISH_ORCHESTRATION = 'publish-pipeline';
export const PUBLISH_ACTIVITIES = {
  begin: 'publish-pipeline-begin',
  run: 'publish-pipeline-run-step',
  finish: 'publish-pipeline-finish-step',
  signoff: 'publish-pipeline-signoff',
  cancel: 'publish-pipeline-cancel',
  fail: 'publish-pipeline-fail',
} as const;

export interface PublishPipelineInput {
  publisherId: string;
  offerId: string;
  operationId: string;
}

export interface DurableClientLike {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
}

export class DurablePipeline implements PipelineClient {
  #client: DurableClientLike | undefined;

  attach(client: DurableClientLike): void {
    this.#client ??= client;
  }

  #attached(): DurableClientLike {
    if (!this.#client) throw new Error('The durable client is not attached yet.');
    return this.#client;
  }

  async start(operation: Operation): Promise<void> {
    const input: PublishPipelineInput = { publisherId: operation.publisherId, offerId: operation.offerId, operationId: operation.id };
    try {
      await this.#attached().startNew(PUBLISH_ORCHESTRATION, { instanceId: operation.id, input });
    } catch (error) {
      if (!/status code: 409\b/.test((error as Error).message)) throw error;
    }
  }

  async raise(instanceId: string, event: string, data: unknown): Promise<void> {
    await this.#attached().raiseEvent(instanceId, event, data);
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    await this.#attached().terminate(instanceId, reason);
  }
}
