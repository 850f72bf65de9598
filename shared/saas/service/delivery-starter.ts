/**
 * Hand-over from the outbox row to its delivery orchestration (decision 0411). Two paths, both idempotent because
 * the instance id is derived from the operation id (and generation):
 * - right after the commit that wrote the row (store/handoff.ts `withOutboxHandoff`), best effort;
 * - the sweeper (the `saas-due-work` timer): a pending row whose next attempt time has passed, found through the
 *   due index, is started again. A running instance answers 409 (nothing to do); a finished or failed one gets a
 *   new execution, which sends only if the row is still owed. So a crash between the commit and the start, or an
 *   orchestration that died, costs at most one sweep interval, never the webhook.
 * The durable client is the one the Functions host binds to this app's invocations; it is kept from the first
 * invocation that has it (its binding data is the same for every invocation of the host), so code running in
 * any request can start an orchestration. Every function that commits an owed webhook binds the client
 * (`durableClientInput`, handed over by functions/hooks.ts), so the first such request has one; before that only the
 * sweeper starts.
 */
import type { Clock } from '../../clock';
import type { SubscriptionStore } from '../ports';
import { DELIVERY_ORCHESTRATION, deliveryInstanceId, generationOf, type DeliveryInput, type OutboxRow } from '../rules/delivery';

export interface DeliveryClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
}

export type StartOutcome = 'started' | 'running' | 'unavailable';

export class DeliveryStarter {
  #client: DeliveryClient | undefined;
  readonly #settings: { maxAttempts: number; retryPeriodMs: number };
  readonly #log: (message: string) => void;

  constructor(settings: { maxAttempts: number; retryPeriodMs: number }, log: (message: string) => void = console.error) {
    this.#settings = settings;
    this.#log = log;
  }

  attach(client: DeliveryClient): void {
    this.#client ??= client;
  }

  async start(row: OutboxRow): Promise<StartOutcome> {
    const client = this.#client;
    if (!client) return 'unavailable';
    const generation = generationOf(row);
    const input: DeliveryInput = { publisherId: row.publisherId, operationId: row.operationId, generation, ...this.#settings };
    try {
      await client.startNew(DELIVERY_ORCHESTRATION, { instanceId: deliveryInstanceId(row.operationId, generation), input });
      return 'started';
    } catch (error) {
      if (/status code: 409\b/.test((error as Error).message)) return 'running';
      throw error;
    }
  }

  /** Right after the commit: failures are logged, not thrown (the change is stored; the sweeper will start it). */
  readonly handoff = async (row: OutboxRow): Promise<void> => {
    try {
      await this.start(row);
    } catch (error) {
      this.#log(`webhook ${row.operationId}: orchestration not started yet (${(error as Error).message}); the sweeper will`);
    }
  };

  /** Starts the orchestration of every owed row whose next attempt time has passed; returns how many started. */
  async sweep(store: SubscriptionStore, clock: Clock): Promise<number> {
    if (!this.#client) return 0;
    let started = 0;
    for (const item of await store.listDue(clock.now())) {
      if (item.kind !== 'outbox') continue;
      const row = await store.getOutbox(item.publisherId, item.id);
      if (row?.value.state !== 'pending') continue;
      if ((await this.start(row.value)) === 'started') started += 1;
    }
    return started;
  }
}
