/** The replay routes' bodies (decision 0522): the lead owed again, or the leads of an offer replayed. */
import type { Delivery } from '../model';

export function replayedView(delivery: Delivery): { leadId: string; state: string; generation: number; windowStartedAt: string; nextAttemptAt: string | null } {
  return {
    leadId: delivery.leadId,
    state: delivery.state,
    generation: delivery.generation,
    windowStartedAt: delivery.windowStartedAt,
    nextAttemptAt: delivery.nextAttemptAt ?? null,
  };
}

export function replayedAllView(leadIds: string[]): { replayed: number; leadIds: string[] } {
  return { replayed: leadIds.length, leadIds };
}
