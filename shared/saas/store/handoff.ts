/**
 * The hand-over of new outbox rows to their delivery orchestrations (decision 0411): right after the commit that
 * wrote a row, the starter (service/delivery-starter.ts) is asked to start its orchestration. Best effort; the
 * `saas-due-work` sweeper starts whatever a crash between the commit and the start left behind.
 */
import type { Faults } from '../../faults';
import type { SubscriptionStore } from '../ports';
import type { OutboxRow } from '../rules/delivery';
import { delegate } from './delegate';

/** Crash point (CRASH_AT) between the commit and the hand-over, for the restart tests. */
export const FAULT_BEFORE_HANDOFF = 'saas.webhook.before-handoff';

/** Hands every newly committed outbox row to `handoff` (the orchestration starter) right after its commit. */
export function withOutboxHandoff(store: SubscriptionStore, handoff: (row: OutboxRow) => Promise<void>, faults: Faults): SubscriptionStore {
  return {
    ...delegate(store),
    async commit(publisherId, writes) {
      const result = await store.commit(publisherId, writes);
      if (result !== 'ok') return result;
      for (const w of writes) {
        if (w.kind !== 'outbox' || w.etag) continue;
        await faults.reach(FAULT_BEFORE_HANDOFF);
        await handoff(w.value);
      }
      return result;
    },
  };
}
