/**
 * History events: builders for the events the host appends, the host's own bookkeeping derived from a history
 * (open tasks, retry chains, raised events), and the projection the status API shows (`showHistory`), shaped like
 * the Durable extension's: event type names, scheduling events folded into their completions, no episode markers.
 */
import { EventType, eventTypeNames, type ActivityOutcome, type EventTypeValue, type HistoryEvent, type RetryOptionsWire } from './types';

export function historyEvent(type: EventTypeValue, timestamp: string, fields: Partial<HistoryEvent> = {}, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp, ...fields };
}

export interface OpenTask {
  id: number;
  kind: 'activity' | 'timer' | 'suborch';
  name?: string;
  input?: string;
  fireAt?: string;
  childId?: string;
  /** Head of the retry chain this task belongs to. */
  chain?: number;
  retryTimer?: boolean;
  skipped?: boolean;
}

export interface RetryChain {
  head: number;
  kind: 'activity' | 'suborch';
  name: string;
  input?: string;
  /** The instance id the caller chose for the sub-orchestration, reused by every attempt. */
  fixedChildId?: string;
  options: RetryOptionsWire;
  failures: number;
  firstAt: string;
  last?: ActivityOutcome;
}

/** What the host needs to know about the current execution, kept up to date event by event. */
export interface Book {
  open: Map<number, OpenTask>;
  chains: Map<number, RetryChain>;
  /** Tasks created by the orchestrator's own actions, in id order (retry attempts and retry timers excluded). */
  userTasks: { id: number; kind: OpenTask['kind']; name?: string }[];
  raised: { name: string; input?: string }[];
  nextSeq: number;
}

export function emptyBook(): Book {
  return { open: new Map(), chains: new Map(), userTasks: [], raised: [], nextSeq: 0 };
}

export function deriveBook(history: readonly HistoryEvent[]): Book {
  const book = emptyBook();
  for (const event of history) applyToBook(book, event);
  return book;
}

function failureOf(event: HistoryEvent): ActivityOutcome {
  return {
    ok: false,
    failure: event.FailureDetails ?? { ErrorType: 'Error', ErrorMessage: event.Reason ?? '', IsNonRetriable: false },
    reason: event.Reason ?? '',
    ...(event.Details !== undefined ? { details: event.Details } : {}),
  };
}

export function applyToBook(book: Book, event: HistoryEvent): void {
  const note = event._local;
  switch (event.EventType) {
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated: {
      const kind = event.EventType === EventType.TaskScheduled ? 'activity' : 'suborch';
      const task: OpenTask = { id: event.EventId, kind, name: event.Name ?? '' };
      if (event.Input !== undefined) task.input = event.Input;
      if (event.InstanceId !== undefined) task.childId = event.InstanceId;
      if (note?.chain !== undefined) task.chain = note.chain;
      if (note?.skipped) task.skipped = true;
      book.open.set(event.EventId, task);
      if (note?.retry) {
        const chain: RetryChain = {
          head: event.EventId,
          kind,
          name: event.Name ?? '',
          options: note.retry,
          failures: 0,
          firstAt: event.Timestamp,
        };
        if (event.Input !== undefined) chain.input = event.Input;
        if (note.fixedChildId !== undefined) chain.fixedChildId = note.fixedChildId;
        book.chains.set(event.EventId, chain);
      }
      if (note?.chain === undefined || note.chain === event.EventId)
        book.userTasks.push({ id: event.EventId, kind, name: event.Name ?? '' });
      book.nextSeq = Math.max(book.nextSeq, event.EventId + 1);
      break;
    }
    case EventType.TimerCreated: {
      const task: OpenTask = { id: event.EventId, kind: 'timer', fireAt: event.FireAt ?? event.Timestamp };
      if (note?.chain !== undefined) task.chain = note.chain;
      if (note?.retryTimer) task.retryTimer = true;
      else book.userTasks.push({ id: event.EventId, kind: 'timer' });
      book.open.set(event.EventId, task);
      book.nextSeq = Math.max(book.nextSeq, event.EventId + 1);
      break;
    }
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed: {
      const id = event.TaskScheduledId ?? -1;
      const task = book.open.get(id);
      book.open.delete(id);
      const failed = event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
      if (failed && task?.chain !== undefined) {
        const chain = book.chains.get(task.chain);
        if (chain) {
          chain.failures += 1;
          chain.last = failureOf(event);
        }
      }
      break;
    }
    case EventType.TimerFired:
      book.open.delete(event.TimerId ?? -1);
      break;
    case EventType.EventRaised:
      book.raised.push({ name: event.Name ?? '', ...(event.Input !== undefined ? { input: event.Input } : {}) });
      break;
    default:
      break;
  }
}

/** The event as the SDK (or an API caller) may see it: without the host's bookkeeping. */
export function publicEvent(event: HistoryEvent): HistoryEvent {
  if (!event._local) return event;
  const { _local: _ignored, ...rest } = event;
  return rest;
}

/** Stored JSON text as the API shows it: parsed, the raw text when it is not JSON, null when absent. */
export function jsonValue(text: string | undefined): unknown {
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}

/**
 * The `historyEvents` of a status response: EventType as a name; TaskScheduled / SubOrchestrationInstanceCreated
 * folded into their completion (FunctionName, ScheduledTime) while still shown when pending; OrchestratorStarted /
 * OrchestratorCompleted dropped; results only with showHistoryOutput.
 */
export function projectHistory(events: readonly HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<string, { index: number; name: string; at: string }>();
  const drop = new Set<number>();
  const out: Record<string, unknown>[] = [];
  events.forEach((raw, index) => {
    const e = publicEvent(raw);
    const item: Record<string, unknown> = { EventType: eventTypeNames[e.EventType] ?? String(e.EventType), Timestamp: e.Timestamp };
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        drop.add(index);
        break;
      case EventType.ExecutionStarted:
        item['FunctionName'] = e.Name;
        break;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${e.EventType}:${e.EventId}`, { index, name: e.Name ?? '', at: e.Timestamp });
        item['Name'] = e.Name;
        if (e.InstanceId !== undefined) item['InstanceId'] = e.InstanceId;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const start =
          e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed
            ? EventType.TaskScheduled
            : EventType.SubOrchestrationInstanceCreated;
        const origin = scheduled.get(`${start}:${e.TaskScheduledId}`);
        if (origin) {
          item['ScheduledTime'] = origin.at;
          item['FunctionName'] = origin.name;
          drop.add(origin.index);
        }
        const completed = e.EventType === EventType.TaskCompleted || e.EventType === EventType.SubOrchestrationInstanceCompleted;
        if (completed && showOutput) item['Result'] = jsonValue(e.Result);
        if (!completed) {
          item['Reason'] = e.Reason;
          item['Details'] = e.Details;
          if (e.FailureDetails) item['FailureDetails'] = e.FailureDetails;
        }
        break;
      }
      case EventType.TimerCreated:
      case EventType.TimerFired:
        item['FireAt'] = e.FireAt;
        break;
      case EventType.EventRaised:
        item['Name'] = e.Name;
        if (showOutput) item['Input'] = jsonValue(e.Input);
        break;
      case EventType.ExecutionCompleted:
        item['OrchestrationStatus'] = e.OrchestrationStatus;
        if (showOutput) item['Result'] = jsonValue(e.Result);
        if (e.FailureDetails) item['FailureDetails'] = e.FailureDetails;
        break;
      case EventType.ExecutionTerminated:
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        if (e.Reason !== undefined || e.Input !== undefined) item['Reason'] = e.Reason ?? e.Input;
        break;
      default:
        break;
    }
    out.push(item);
  });
  return out.filter((_, index) => !drop.has(index));
}
