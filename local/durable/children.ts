/**
 * Sub-orchestrations between instances: a parent's committed SubOrchestrationInstanceCreated becomes a child
 * instance (created once, even when redelivered after a crash), and a finished child's result becomes a message in
 * its parent's inbox under a deterministic key (a redelivery finds the first one and is dropped).
 */
import type { HostClock } from '../timers';
import { failedOutcome } from './activities';
import type { FunctionCatalog } from './catalog';
import type { Faults } from './faults';
import type { DurableStore } from './store';
import {
  isTerminal,
  pendingExecution,
  type ActivityOutcome,
  type FailureDetails,
  type Inbound,
  type InstanceState,
  type ParentLink,
} from './types';

export interface ChildDeps {
  store: DurableStore;
  catalog: FunctionCatalog;
  clock: HostClock;
  faults: Faults;
}

export type ChildResult =
  | { kind: 'exists' }
  | { kind: 'created'; ringEtag: string; fresh?: { state: InstanceState; etag: string } }
  | { kind: 'refused'; failure: FailureDetails };

export async function createChild(
  deps: ChildDeps,
  childId: string,
  name: string,
  input: string | undefined,
  link: ParentLink,
): Promise<ChildResult> {
  if (!deps.catalog.orchestrator(name)) {
    return {
      kind: 'refused',
      failure: {
        ErrorType: 'FunctionNotFound',
        ErrorMessage: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
        IsNonRetriable: true,
      },
    };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.store.readState(childId);
    const parent = existing?.state.parent;
    if (parent && parent.instanceId === link.instanceId && parent.executionId === link.executionId && parent.taskId === link.taskId)
      return { kind: 'exists' };
    if (existing && !isTerminal(existing.state.status)) {
      return {
        kind: 'refused',
        failure: {
          ErrorType: 'OrchestrationAlreadyExists',
          ErrorMessage: `An orchestration with instance ID '${childId}' already exists and is ${existing.state.status}.`,
          IsNonRetriable: true,
        },
      };
    }
    const now = deps.clock.now().toISOString();
    const state = pendingExecution({ instanceId: childId, name, now, previous: existing?.state, input, parent: link });
    // Ring first, then write (as a client start does): see DurableClientOps.start.
    const ringEtag = await deps.store.ring(childId, state.executionId);
    const written = await deps.store.writeNewExecution(state, existing?.etag);
    if (written === 'conflict') continue;
    await deps.faults.reach('after-child-created');
    await deps.store.writeView(state).catch(() => undefined);
    if (existing) void deps.store.deleteOldGenerations(childId, state.generation).catch(() => undefined);
    return { kind: 'created', ringEtag, ...(existing ? {} : { fresh: { state, etag: written } }) };
  }
  throw new Error(`could not create ${childId}: it keeps changing`);
}

/** The message a finished child leaves in its parent's inbox. */
export function parentMessage(state: InstanceState, parent: ParentLink): { key: string; inbound: Inbound } {
  let outcome: ActivityOutcome;
  if (state.status === 'Completed') outcome = { ok: true, result: state.output ?? 'null' };
  else if (state.status === 'Failed')
    outcome = failedOutcome(
      state.name,
      state.failure ?? { ErrorType: 'Error', ErrorMessage: 'failed', IsNonRetriable: false },
      'Orchestrator function',
    );
  else {
    outcome = failedOutcome(
      state.name,
      {
        ErrorType: 'OrchestrationTerminated',
        ErrorMessage: `The orchestration ${state.instanceId} was ${state.status.toLowerCase()}: ${state.output ?? ''}`,
        IsNonRetriable: true,
      },
      'Orchestrator function',
    );
  }
  const key = `m${String(Date.parse(state.completedTime ?? state.lastUpdatedTime)).padStart(14, '0')}~sub~${state.executionId}`;
  return { key, inbound: { kind: 'sub', taskId: parent.taskId, executionId: parent.executionId, outcome } };
}
