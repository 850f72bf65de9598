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

export interface LeadDeliveryClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
}

export type StartOutcome = 'started' | 'running' | 'unavailable';

export class LeadDeliveryStarter implements DeliveryHandoff {
  #client: LeadDeliveryClient | undefined;
  readonly #faults: Faults;
  readonly #log: (message: string) => void;

  constructor(faults: Faults, log: (message: string) => void = console.error) {
    this.#faults = faults;
    this.#log = log;
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

  /** Right after the commit: failures are logged, not thrown (the row is stored; the sweeper starts it). */
  readonly handoff = async (ref: LeadDeliveryRef): Promise<void> => {
    await this.#faults.reach(FAULT_BEFORE_HANDOFF);
    try {
      const outcome = await this.start(ref);
      if (outcome === 'unavailable') this.#log(`lead ${ref.leadId}: no durable client bound yet; the sweeper starts its delivery`);
    } catch (error) {
      this.#log(`lead ${ref.leadId}: delivery not started yet (${(error as Error).message}); the sweeper will`);
    }
  };
}
