/**
 * Shared vocabulary of the local durable runtime: runtime statuses, the Durable Task history event shapes the
 * durable-functions SDK replays (PascalCase fields, numeric `EventType`, as the Durable extension sends them), and
 * the in-memory records the dispatcher works with.
 */
import { randomUUID } from 'node:crypto';

export const runtimeStatuses = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
] as const;
export type RuntimeStatus = (typeof runtimeStatuses)[number];

const terminal: ReadonlySet<RuntimeStatus> = new Set<RuntimeStatus>(['Completed', 'Failed', 'Terminated', 'Canceled']);
export function isTerminal(status: RuntimeStatus): boolean {
  return terminal.has(status);
}

/** DurableTask.Core `EventType` values (the SDK's `HistoryEventType`). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

export const eventTypeNames: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

/** DurableTask.Core `FailureDetails` as it travels on the wire (what the SDK turns into a TaskFailedError). */
export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable: boolean;
  Properties?: Record<string, unknown>;
  InnerFailure?: FailureDetails;
}

/** Bookkeeping the local host keeps on its own events; stripped before the SDK or an API caller sees them. */
export interface LocalNote {
  /** The id of the first attempt of the retry chain this event belongs to. */
  chain?: number;
  /** Set on the first attempt of a chain: the RetryOptions of the action. */
  retry?: RetryOptionsWire;
  /** A timer the host created between two retry attempts. */
  retryTimer?: true;
  /** An attempt the host recorded without running, because the retry timeout had passed. */
  skipped?: true;
  /** Set on the first attempt of a sub-orchestration chain whose instance id the caller chose. */
  fixedChildId?: string;
}

/** One history event. Payload fields (`Input`, `Result`) are JSON texts, as in Durable Task. */
export interface HistoryEvent {
  EventType: EventTypeValue;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  Version?: string;
  ParentInstance?: { InstanceId: string; ExecutionId: string; TaskScheduleId: number };
  _local?: LocalNote;
}

/** `RetryOptions` as the SDK serialises it in a CallActivityWithRetry / CallSubOrchestratorWithRetry action. */
export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface ParentLink {
  instanceId: string;
  executionId: string;
  taskId: number;
}

/** The authoritative state of one instance (the sentinel row of its history partition). */
export interface InstanceState {
  instanceId: string;
  name: string;
  status: RuntimeStatus;
  executionId: string;
  /** Bumped by continue-as-new and by a restart of a finished instance; history rows carry it in their key. */
  generation: number;
  /** Committed history rows of the current generation; rows past this count are leftovers of an aborted commit. */
  historyRows: number;
  /** The latest events of the execution, kept in the sentinel itself until there are enough to fill a row. */
  tail?: HistoryEvent[];
  /** The next sequence number (task id) the SDK will hand out in this execution. */
  nextSeq: number;
  /** How many leaf actions of the SDK's cumulative action list have been turned into work. */
  leaves: number;
  createdTime: string;
  lastUpdatedTime: string;
  /** Timestamp of the last OrchestratorStarted event (keeps `currentUtcDateTime` monotonic). */
  lastTs?: string;
  completedTime?: string;
  input?: string;
  output?: string;
  customStatus?: string;
  failure?: FailureDetails;
  parent?: ParentLink;
  /** External events carried into the next execution by continue-as-new. */
  carried?: { name: string; input?: string }[];
}

export type ActivityOutcome = { ok: true; result: string } | { ok: false; failure: FailureDetails; reason: string; details?: string };

/** Something that happened to an instance and waits for the next episode; `key` names its inbox row, if stored. */
export type Inbound =
  | { kind: 'activity'; taskId: number; outcome: ActivityOutcome; key?: undefined }
  | { kind: 'timer'; timerId: number; fireAt: string; key?: undefined }
  | { kind: 'sub'; taskId: number; executionId: string; outcome: ActivityOutcome; key?: string }
  | { kind: 'event'; name: string; input?: string; key?: string }
  | { kind: 'terminate'; reason?: string; key?: string }
  | { kind: 'suspend'; reason?: string; key?: string }
  | { kind: 'resume'; reason?: string; key?: string };

/** A new execution of an instance, waiting for its first episode; the generation follows the one it replaces. */
export function pendingExecution(options: {
  instanceId: string;
  name: string;
  now: string;
  previous?: InstanceState;
  input?: string;
  parent?: ParentLink;
}): InstanceState {
  return {
    instanceId: options.instanceId,
    name: options.name,
    status: 'Pending',
    executionId: randomUUID(),
    generation: (options.previous?.generation ?? 0) + 1,
    historyRows: 0,
    nextSeq: 0,
    leaves: 0,
    createdTime: options.now,
    lastUpdatedTime: options.now,
    ...(options.parent ? { parent: options.parent } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  };
}
