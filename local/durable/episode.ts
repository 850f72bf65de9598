/**
 * One orchestration episode, decided without touching storage: new events (results, timers, raised events) are
 * appended after an OrchestratorStarted event, the SDK replays the whole history, and its cumulative action list
 * is compared with what was already turned into work. New actions become history events (TaskScheduled,
 * TimerCreated, SubOrchestrationInstanceCreated) with the task ids the SDK gave them, plus effects for the
 * dispatcher (activities to run, timers to arm, children to start, a parent to notify).
 *
 * Task ids. The SDK numbers tasks in the order it tracks them, and two of its tasks take ids for work that has no
 * action of its own: after a failed attempt, `callActivityWithRetry` waits on a timer, and after that timer it
 * waits on the next attempt. The host creates those (a retry timer, a retry attempt) and must hand them the ids
 * the SDK expects. So events that make the SDK take such an id are placed first in an episode: the SDK then takes
 * the ids before any new action of the orchestrator code, in the order of those events, and the host knows them.
 */
import { randomUUID } from 'node:crypto';
import { historyEvent, type Book, type OpenTask } from './history';
import { ActionType, type Action, type ReplayOutcome } from './replay';
import { EventType, type ActivityOutcome, type HistoryEvent, type Inbound, type InstanceState } from './types';

export interface Effects {
  activities: OpenTask[];
  timers: OpenTask[];
  cancelTimers: number[];
  children: OpenTask[];
  /** Results the host produces itself (a retry attempt skipped because the retry timeout passed). */
  synthetic: Inbound[];
  viewChanged: boolean;
}

export interface EpisodePlan {
  state: InstanceState;
  events: HistoryEvent[];
  /** Generation the events belong to (the previous one when the episode continues as new). */
  eventsGeneration: number;
  effects: Effects;
}

export interface EpisodeContext {
  state: InstanceState;
  history: readonly HistoryEvent[];
  book: Book;
  /** Inbound events, ordered by `orderBatch`. */
  batch: readonly Inbound[];
  now: Date;
  replay(history: readonly HistoryEvent[], state: InstanceState): Promise<ReplayOutcome>;
}

/** An execution that has not run its first episode yet (no history at all). */
export function isFresh(state: InstanceState): boolean {
  return state.historyRows === 0 && (state.tail?.length ?? 0) === 0;
}

/** Does this event make the SDK take a task id for host-created work (see the file comment)? */
export function takesHiddenId(inbound: Inbound, book: Book): boolean {
  if ((inbound.kind === 'activity' || inbound.kind === 'sub') && !inbound.outcome.ok) {
    return book.open.get(inbound.taskId)?.chain !== undefined;
  }
  if (inbound.kind === 'timer') {
    const task = book.open.get(inbound.timerId);
    if (!task?.retryTimer || task.chain === undefined) return false;
    const chain = book.chains.get(task.chain);
    return chain !== undefined && chain.failures < chain.options.maxNumberOfAttempts;
  }
  return false;
}

/** Events that take hidden ids first (in arrival order), then the rest. */
export function orderBatch(pending: readonly Inbound[], book: Book): Inbound[] {
  const first = pending.filter((i) => takesHiddenId(i, book));
  return [...first, ...pending.filter((i) => !takesHiddenId(i, book))];
}

const later = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);

function emptyEffects(): Effects {
  return { activities: [], timers: [], cancelTimers: [], children: [], synthetic: [], viewChanged: false };
}

function activityInput(input: unknown): string | undefined {
  // The SDK already JSON-encodes string inputs of activities and continue-as-new (Utils.processInput).
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

function resultEvent(inbound: { taskId: number; outcome: ActivityOutcome }, ts: string, sub: boolean): HistoryEvent {
  const o = inbound.outcome;
  if (o.ok) return historyEvent(sub ? EventType.SubOrchestrationInstanceCompleted : EventType.TaskCompleted, ts, { TaskScheduledId: inbound.taskId, Result: o.result });
  return historyEvent(sub ? EventType.SubOrchestrationInstanceFailed : EventType.TaskFailed, ts, {
    TaskScheduledId: inbound.taskId,
    Reason: o.reason,
    ...(o.details !== undefined ? { Details: o.details } : {}),
    FailureDetails: o.failure,
  });
}

export function controlEpisode(state: InstanceState, inbound: Inbound, now: Date): EpisodePlan {
  const redundant = (inbound.kind === 'suspend' && state.status === 'Suspended') || (inbound.kind === 'resume' && state.status !== 'Suspended');
  if (redundant) return { state: { ...state }, events: [], eventsGeneration: state.generation, effects: emptyEffects() };
  const ts = later(now.toISOString(), state.lastTs);
  const next: InstanceState = { ...state, lastTs: ts, lastUpdatedTime: now.toISOString() };
  const events = [historyEvent(EventType.OrchestratorStarted, ts)];
  const effects = emptyEffects();
  effects.viewChanged = true;
  const reason = 'reason' in inbound ? inbound.reason : undefined;
  if (inbound.kind === 'terminate') {
    events.push(historyEvent(EventType.ExecutionTerminated, ts, reason !== undefined ? { Input: reason } : {}));
    events.push(historyEvent(EventType.ExecutionCompleted, ts, { OrchestrationStatus: 'Terminated', ...(reason !== undefined ? { Result: reason } : {}) }));
    next.status = 'Terminated';
    next.output = JSON.stringify(reason ?? '');
    next.completedTime = now.toISOString();
    delete next.carried;
  } else if (inbound.kind === 'suspend') {
    events.push(historyEvent(EventType.ExecutionSuspended, ts, reason !== undefined ? { Reason: reason } : {}));
    next.status = 'Suspended';
  } else if (inbound.kind === 'resume') {
    events.push(historyEvent(EventType.ExecutionResumed, ts, reason !== undefined ? { Reason: reason } : {}));
    next.status = 'Running';
  }
  events.push(historyEvent(EventType.OrchestratorCompleted, ts));
  return { state: next, events, eventsGeneration: state.generation, effects };
}

export async function runEpisode(ctx: EpisodeContext): Promise<EpisodePlan> {
  const prev = ctx.state;
  const book = ctx.book;
  const nowIso = ctx.now.toISOString();
  const ts = later(nowIso, prev.lastTs);
  const state: InstanceState = { ...prev, lastTs: ts, lastUpdatedTime: nowIso };
  const events: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, ts)];
  const decisions: HistoryEvent[] = [];
  const effects = emptyEffects();
  let seq = prev.nextSeq;

  if (isFresh(prev)) {
    events.push(
      historyEvent(EventType.ExecutionStarted, ts, {
        Name: prev.name,
        ...(prev.input !== undefined ? { Input: prev.input } : {}),
        ...(prev.parent ? { ParentInstance: { InstanceId: prev.parent.instanceId, ExecutionId: prev.parent.executionId, TaskScheduleId: prev.parent.taskId } } : {}),
      }),
    );
    for (const carried of prev.carried ?? []) events.push(historyEvent(EventType.EventRaised, ts, { Name: carried.name, ...(carried.input !== undefined ? { Input: carried.input } : {}) }));
    delete state.carried;
    state.status = 'Running';
    effects.viewChanged = true;
  }

  // Retry bookkeeping: a failed attempt is followed by a host-created timer, the timer by the next attempt.
  const afterFailedAttempt = (task: OpenTask) => {
    const chain = book.chains.get(task.chain as number);
    if (!chain) return;
    const failures = chain.failures + 1;
    const o = chain.options;
    const timedOut = (o.retryTimeoutInMilliseconds ?? 0) > 0 && Date.parse(ts) - Date.parse(chain.firstAt) >= (o.retryTimeoutInMilliseconds ?? 0);
    let delay = o.firstRetryIntervalInMilliseconds * Math.pow(o.backoffCoefficient ?? 1, failures - 1);
    if ((o.maxRetryIntervalInMilliseconds ?? 0) > 0) delay = Math.min(delay, o.maxRetryIntervalInMilliseconds as number);
    // After the last attempt the SDK still waits for one timer before it gives up: make that one fire at once.
    if (failures >= o.maxNumberOfAttempts || timedOut) delay = 0;
    const id = seq++;
    const fireAt = new Date(Date.parse(ts) + delay).toISOString();
    decisions.push(historyEvent(EventType.TimerCreated, ts, { FireAt: fireAt, _local: { chain: chain.head, retryTimer: true } }, id));
    effects.timers.push({ id, kind: 'timer', fireAt, chain: chain.head, retryTimer: true });
  };
  const afterRetryTimer = (task: OpenTask) => {
    const chain = book.chains.get(task.chain as number);
    if (!chain || chain.failures >= chain.options.maxNumberOfAttempts) return;
    const id = seq++;
    const timeout = chain.options.retryTimeoutInMilliseconds ?? 0;
    const timedOut = timeout > 0 && Date.parse(ts) - Date.parse(chain.firstAt) >= timeout;
    const attempt: OpenTask = { id, kind: chain.kind, name: chain.name, chain: chain.head, ...(chain.input !== undefined ? { input: chain.input } : {}) };
    const note = { chain: chain.head, ...(timedOut ? { skipped: true as const } : {}) };
    if (chain.kind === 'activity') {
      decisions.push(historyEvent(EventType.TaskScheduled, ts, { Name: chain.name, ...(chain.input !== undefined ? { Input: chain.input } : {}), _local: note }, id));
    } else {
      attempt.childId = chain.fixedChildId ?? `${prev.instanceId}:${id}`;
      decisions.push(historyEvent(EventType.SubOrchestrationInstanceCreated, ts, { Name: chain.name, InstanceId: attempt.childId, ...(chain.input !== undefined ? { Input: chain.input } : {}), _local: note }, id));
    }
    const last: ActivityOutcome = chain.last ?? { ok: false, failure: { ErrorType: 'Error', ErrorMessage: 'retry timeout', IsNonRetriable: false }, reason: 'retry timeout' };
    if (timedOut) effects.synthetic.push(chain.kind === 'activity' ? { kind: 'activity', taskId: id, outcome: last } : { kind: 'sub', taskId: id, executionId: prev.executionId, outcome: last });
    else if (chain.kind === 'activity') effects.activities.push(attempt);
    else effects.children.push(attempt);
  };

  for (const inbound of ctx.batch) {
    switch (inbound.kind) {
      case 'activity':
      case 'sub': {
        const task = book.open.get(inbound.taskId);
        const kind = inbound.kind === 'activity' ? 'activity' : 'suborch';
        if (!task || task.kind !== kind) break; // a duplicate or a result for another execution
        if (inbound.kind === 'sub' && inbound.executionId !== prev.executionId) break;
        events.push(resultEvent(inbound, ts, inbound.kind === 'sub'));
        if (!inbound.outcome.ok && task.chain !== undefined) afterFailedAttempt(task);
        break;
      }
      case 'timer': {
        const task = book.open.get(inbound.timerId);
        if (!task || task.kind !== 'timer') break;
        events.push(historyEvent(EventType.TimerFired, ts, { TimerId: inbound.timerId, FireAt: inbound.fireAt }));
        if (task.retryTimer) afterRetryTimer(task);
        break;
      }
      case 'event':
        events.push(historyEvent(EventType.EventRaised, ts, { Name: inbound.name, ...(inbound.input !== undefined ? { Input: inbound.input } : {}) }));
        break;
      default:
        break; // control messages run in control episodes
    }
  }
  state.nextSeq = seq;

  const outcome = await ctx.replay([...ctx.history, ...events], state);
  if (outcome.customStatus !== state.customStatus) {
    if (outcome.customStatus === undefined) delete state.customStatus;
    else state.customStatus = outcome.customStatus;
    effects.viewChanged = true;
  }

  const complete = (status: 'Completed' | 'Failed', result: string | undefined) => {
    state.status = status;
    state.completedTime = nowIso;
    effects.viewChanged = true;
    decisions.push(historyEvent(EventType.ExecutionCompleted, ts, { OrchestrationStatus: status, ...(result !== undefined ? { Result: result } : {}), ...(state.failure ? { FailureDetails: state.failure } : {}) }));
  };
  const fail = (message: string, failure = { ErrorType: 'Error', ErrorMessage: message, IsNonRetriable: false }) => {
    state.failure = failure;
    state.output = JSON.stringify(`Orchestrator function '${prev.name}' failed: ${message}`);
    complete('Failed', message);
  };

  let eventsGeneration = prev.generation;
  if (outcome.kind === 'failed') {
    fail(outcome.message, outcome.failure);
  } else {
    const problem = checkLeaves(outcome.leaves, prev, book);
    if (problem) {
      fail(problem);
    } else if (outcome.isDone) {
      const can = outcome.leaves.find((a) => a.actionType === ActionType.ContinueAsNew);
      if (can) {
        const input = activityInput(can.input);
        decisions.push(historyEvent(EventType.ExecutionCompleted, ts, { OrchestrationStatus: 'ContinuedAsNew', ...(input !== undefined ? { Result: input } : {}) }));
        const carried = unprocessedEvents([...book.raised, ...events.filter((e) => e.EventType === EventType.EventRaised).map((e) => ({ name: e.Name ?? '', ...(e.Input !== undefined ? { input: e.Input } : {}) }))], outcome.leaves);
        Object.assign(state, { status: 'ContinuedAsNew', executionId: randomUUID(), generation: prev.generation + 1, historyRows: 0, nextSeq: 0, leaves: 0 });
        delete state.tail;
        delete state.output;
        if (input !== undefined) state.input = input;
        else delete state.input;
        if (carried.length > 0) state.carried = carried;
        effects.viewChanged = true;
        eventsGeneration = prev.generation;
      } else {
        state.output = outcome.output ?? 'null';
        complete('Completed', outcome.output);
      }
    } else {
      const unsupported = scheduleNewLeaves(outcome.leaves, prev, book, { ts, decisions, effects, nextId: () => seq++ });
      state.nextSeq = seq;
      state.leaves = outcome.leaves.length;
      if (unsupported) fail(unsupported);
    }
  }
  if (state.status !== 'Running' && state.status !== prev.status) effects.viewChanged = true;
  if (state.status === 'Completed' || state.status === 'Failed' || state.status === 'ContinuedAsNew') {
    // Nothing of a finished execution may run or fire any more (a retry timer would hit the next execution's ids).
    effects.cancelTimers = [];
    effects.activities = [];
    effects.timers = [];
    effects.children = [];
    effects.synthetic = [];
  }
  events.push(...decisions, historyEvent(EventType.OrchestratorCompleted, ts));
  return { state, events, eventsGeneration, effects };
}

/**
 * The first `prev.leaves` actions must be the ones already turned into work, in the same order: a different
 * action there means the orchestrator code is not deterministic (or changed while instances were running).
 * Timers cancelled since (Task.any losers) are collected so the host can disarm them.
 */
function checkLeaves(leaves: readonly Action[], prev: InstanceState, book: Book): string | undefined {
  if (leaves.length < prev.leaves) return `Non-deterministic workflow detected: the orchestrator now issues ${leaves.length} actions where ${prev.leaves} were recorded.`;
  let k = 0;
  for (let i = 0; i < prev.leaves; i++) {
    const action = leaves[i] as Action;
    const kind = taskKind(action.actionType);
    if (!kind) continue;
    const recorded = book.userTasks[k++];
    if (!recorded || recorded.kind !== kind || (kind !== 'timer' && recorded.name !== action.functionName)) {
      return `Non-deterministic workflow detected: action ${i} is ${describe(action)} but the history recorded ${recorded ? `${recorded.kind} ${recorded.name ?? ''}` : 'nothing'} (task ${recorded?.id ?? '?'}).`;
    }
  }
  return undefined;
}

export function cancelledTimers(leaves: readonly Action[], book: Book): number[] {
  const ids: number[] = [];
  let k = 0;
  for (const action of leaves) {
    const kind = taskKind(action.actionType);
    if (!kind) continue;
    const recorded = book.userTasks[k++];
    if (!recorded) break;
    if (kind === 'timer' && action.isCanceled && book.open.has(recorded.id)) ids.push(recorded.id);
  }
  return ids;
}

function taskKind(actionType: number): OpenTask['kind'] | undefined {
  switch (actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return 'activity';
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return 'suborch';
    case ActionType.CreateTimer:
      return 'timer';
    default:
      return undefined;
  }
}

function describe(action: Action): string {
  const kind = taskKind(action.actionType) ?? `action type ${action.actionType}`;
  return action.functionName ? `${kind} ${action.functionName}` : kind;
}

function scheduleNewLeaves(
  leaves: readonly Action[],
  prev: InstanceState,
  book: Book,
  out: { ts: string; decisions: HistoryEvent[]; effects: Effects; nextId: () => number },
): string | undefined {
  const { ts, decisions, effects } = out;
  effects.cancelTimers.push(...cancelledTimers(leaves.slice(0, prev.leaves), book));
  for (const action of leaves.slice(prev.leaves)) {
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const id = out.nextId();
        const name = action.functionName ?? '';
        const input = activityInput(action.input);
        const retry = action.actionType === ActionType.CallActivityWithRetry ? action.retryOptions : undefined;
        decisions.push(historyEvent(EventType.TaskScheduled, ts, { Name: name, ...(input !== undefined ? { Input: input } : {}), ...(retry ? { _local: { chain: id, retry } } : {}) }, id));
        effects.activities.push({ id, kind: 'activity', name, ...(input !== undefined ? { input } : {}), ...(retry ? { chain: id } : {}) });
        break;
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const id = out.nextId();
        const name = action.functionName ?? '';
        const input = action.input === undefined ? undefined : JSON.stringify(action.input);
        const childId = action.instanceId || `${prev.instanceId}:${id}`;
        const retry = action.actionType === ActionType.CallSubOrchestratorWithRetry ? action.retryOptions : undefined;
        const note = retry ? { chain: id, retry, ...(action.instanceId ? { fixedChildId: action.instanceId } : {}) } : undefined;
        decisions.push(historyEvent(EventType.SubOrchestrationInstanceCreated, ts, { Name: name, InstanceId: childId, ...(input !== undefined ? { Input: input } : {}), ...(note ? { _local: note } : {}) }, id));
        effects.children.push({ id, kind: 'suborch', name, childId, ...(input !== undefined ? { input } : {}), ...(retry ? { chain: id } : {}) });
        break;
      }
      case ActionType.CreateTimer: {
        const id = out.nextId();
        const fireAt = action.fireAt ?? ts;
        decisions.push(historyEvent(EventType.TimerCreated, ts, { FireAt: fireAt }, id));
        if (!action.isCanceled) effects.timers.push({ id, kind: 'timer', fireAt });
        break;
      }
      case ActionType.WaitForExternalEvent:
      case ActionType.ContinueAsNew:
        break;
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
      case ActionType.LockEntities:
      case ActionType.ReleaseEntities:
        return 'Durable entities are not supported by the local host.';
      case ActionType.CallHttp:
        return 'callHttp is not supported by the local host.';
      default:
        return `The local host does not know action type ${action.actionType}.`;
    }
  }
  return undefined;
}

/**
 * Events raised in this execution that no waitForExternalEvent consumed: the SDK hands raised events of a name to
 * that name's waits in arrival order, so the last (raised - waits) events of each name are the unprocessed ones.
 */
export function unprocessedEvents(raised: readonly { name: string; input?: string }[], leaves: readonly Action[]): { name: string; input?: string }[] {
  const waits = new Map<string, number>();
  for (const action of leaves) {
    if (action.actionType === ActionType.WaitForExternalEvent && action.externalEventName !== undefined) {
      waits.set(action.externalEventName, (waits.get(action.externalEventName) ?? 0) + 1);
    }
  }
  const seen = new Map<string, number>();
  const out: { name: string; input?: string }[] = [];
  for (const event of raised) {
    const n = (seen.get(event.name) ?? 0) + 1;
    seen.set(event.name, n);
    if (n > (waits.get(event.name) ?? 0)) out.push(event);
  }
  return out;
}
