/**
 * Hand-over of a committed delivery row to its `lead-delivery` orchestration (decisions 0520, 0521), as
 * shared/saas/service/delivery-starter.ts does for webhooks. The instance id is derived from the offer, the lead and
 * the generation, so every path that starts it (right after capture, after a replay, the sweeper) starts one
 * instance: a running one answers 409 (nothing to do); a finished one gets a new execution, whose first attempt
 * does nothing unless the row is still owed to that generation.
 * The durable client is the one the Functions host binds to the app's invocations (`durableClientInput`), handed
 * over by functions/hooks.ts from the first invocation that has it.
 */
import type { Faults } from '../../faults';
import type { DeliveryHandoff } from '../ports';
import { LEAD_DELIVERY_ORCHESTRATION, leadDeliveryInstanceId, type LeadDeliveryRef } from '../rules/delivery';

/** Crash point (CRASH_AT): the capture (or replay) is committed, its orchestration not started yet. */
export const FAULT_BEFORE_HANDOFF = 'leads.delivery.before-handoff';

/**
 * Hand-overs start in the background, at most this many at a time, so neither the 202 of a capture waits for the
 * orchestration start nor a burst of captures is slowed by a burst of starts (decision 0520).
 */
export const HANDOFF_CONCURRENCY = 4;
/** Hand-overs queued beyond this are left to the sweeper (their rows are stored and indexed). */
export const HANDOFF_QUEUE_MAX = 10_000;

export interface LeadDeliveryClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
}

export type StartOutcome = 'started' | 'running' | 'unavailable';

export class LeadDeliveryStarter implements DeliveryHandoff {
  #client: LeadDeliveryClient | undefined;
  readonly #faults: Faults;
  readonly #log: (message: string) => void;

  readonly #concurrency: number;
  readonly #queueMax: number;
  #queue: LeadDeliveryRef[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(
    faults: Faults,
    log: (message: string) => void = console.error,
    options: { concurrency?: number; queueMax?: number } = {},
  ) {
    this.#faults = faults;
    this.#log = log;
    this.#concurrency = options.concurrency ?? HANDOFF_CONCURRENCY;
    this.#queueMax = options.queueMax ?? HANDOFF_QUEUE_MAX;
  }

  attach(client: LeadDeliveryClient): void {
    this.#client ??= client;
  }

  get attached(): boolean {
    return this.#client !== undefined;
  }

  async start(ref: LeadDeliveryRef): Promise<StartOutcome> {
    const client = this.#client;
    if (!client) return 'unavailable';
    const input: LeadDeliveryRef = { publisherId: ref.publisherId, offerId: ref.offerId, leadId: ref.leadId, generation: ref.generation };
    try {
      await client.startNew(LEAD_DELIVERY_ORCHESTRATION, { instanceId: leadDeliveryInstanceId(input), input });
      return 'started';
    } catch (error) {
      if (/status code: 409\b/.test((error as Error).message)) return 'running';
      throw error;
    }
  }

  /**
   * Right after the commit: queues the start and returns; the start runs in the background and its failures are
   * logged, not thrown (the row is stored and indexed: the sweeper starts it). A full queue leaves it to the sweeper.
   */
  readonly handoff = async (ref: LeadDeliveryRef): Promise<void> => {
    await this.#faults.reach(FAULT_BEFORE_HANDOFF);
    if (this.#queue.length >= this.#queueMax) {
      this.#log(`lead ${ref.leadId}: hand-over queue full; the sweeper starts its delivery`);
      return;
    }
    this.#queue.push(ref);
    this.#pump();
  };

  /** Resolves once no hand-over is queued or starting (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#inFlight === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    if (this.#inFlight === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const ref = this.#queue.shift() as LeadDeliveryRef;
      this.#inFlight += 1;
      void this.#startLogged(ref).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #startLogged(ref: LeadDeliveryRef): Promise<void> {
    try {
      const outcome = await this.start(ref);
      if (outcome === 'unavailable') this.#log(`lead ${ref.leadId}: no durable client bound yet; the sweeper starts its delivery`);
    } catch (error) {
      this.#log(`lead ${ref.leadId}: delivery not started yet (${(error as Error).message}); the sweeper will`);
    }
  }
}
