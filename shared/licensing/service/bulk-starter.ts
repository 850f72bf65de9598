/**
 * Hand-over of a committed batch to its `licensing-bulk` orchestration (decision 0804), as the SaaS and leads
 * starters do: instance id `licensing-bulk-<batchId>-g<generation>`, so starting twice is one instance (409 →
 * running). The durable client is the one the host binds to the bulk routes' invocations (functions/licensing-bulk.ts
 * attaches it). Failures are logged, not thrown: the batch is stored, and its retry route starts it again.
 */
import type { BulkHandoff, BulkRef } from '../ports';

export const LICENSING_BULK_ORCHESTRATION = 'licensing-bulk';
export const LICENSING_BULK_ACTIVITY = 'licensing-bulk-chunk';

export function bulkInstanceId(ref: Pick<BulkRef, 'batchId' | 'generation'>): string {
  return `licensing-bulk-${ref.batchId}-g${ref.generation}`;
}

export interface BulkClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
}

export class BulkStarter implements BulkHandoff {
  #client: BulkClient | undefined;
  constructor(private readonly log: (message: string) => void = console.error) {}

  attach(client: BulkClient): void {
    this.#client ??= client;
  }

  async start(ref: BulkRef): Promise<void> {
    const client = this.#client;
    if (!client) {
      this.log(`licensing batch ${ref.batchId}: no durable client bound; POST …/retry starts it`);
      return;
    }
    try {
      await client.startNew(LICENSING_BULK_ORCHESTRATION, { instanceId: bulkInstanceId(ref), input: ref });
    } catch (error) {
      if (/status code: 409\b/.test((error as Error).message)) return;
      this.log(`licensing batch ${ref.batchId}: workflow not started (${(error as Error).message}); POST …/retry starts it`);
    }
  }
}
