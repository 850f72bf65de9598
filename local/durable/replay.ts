/**
 * The host side of the out-of-process orchestration protocol. An orchestration episode is one invocation of the
 * orchestrator function the app registered with `df.app.orchestration` (the SDK's own handler), through the same
 * invocation pipeline as every other function: the trigger input is the JSON the Durable extension sends (history,
 * input, instance id, replay schema, timer limits) and the return value is the SDK's OrchestratorState, whose
 * cumulative action list the host turns into new work.
 *
 * Pinned replay schema: V3 (`upperSchemaVersion` 2). V2 sends compound actions (Task.all / Task.any) as a tree
 * instead of V1's flat groups; V3 adds the SDK-side splitting of long timers. V4 only adds entity locks, which
 * the local host does not support. The SDK echoes the schema it used; any other value fails the orchestration.
 */
import { z } from 'zod';
import type { RegisteredFunction } from '../functions-core';
import { invokeFunction } from '../invoke';
import { publicEvent } from './history';
import type { FailureDetails, HistoryEvent, RetryOptionsWire } from './types';

export const REPLAY_SCHEMA = 2;
/** The Azure Storage provider's limits: timers longer than 6 days are split by the SDK into 3-day intervals. */
export const MAXIMUM_SHORT_TIMER = '6.00:00:00';
export const LONG_TIMER_INTERVAL = '3.00:00:00';

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface Action {
  actionType: number;
  functionName?: string | undefined;
  input?: unknown;
  retryOptions?: RetryOptionsWire | undefined;
  instanceId?: string | undefined;
  fireAt?: string | undefined;
  isCanceled?: boolean | undefined;
  externalEventName?: string | undefined;
  compoundActions?: Action[] | undefined;
}

const retrySchema = z.object({
  firstRetryIntervalInMilliseconds: z.number(),
  maxNumberOfAttempts: z.number(),
  backoffCoefficient: z.number().optional(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  retryTimeoutInMilliseconds: z.number().optional(),
});

const actionSchema: z.ZodType<Action> = z.lazy(() =>
  z.object({
    actionType: z.number().int(),
    functionName: z.string().optional(),
    input: z.unknown().optional(),
    retryOptions: retrySchema.optional(),
    instanceId: z.string().nullish().transform((v) => v ?? undefined),
    fireAt: z.string().optional(),
    isCanceled: z.boolean().optional(),
    externalEventName: z.string().optional(),
    compoundActions: z.array(actionSchema).optional(),
  }),
);

const stateSchema = z.object({
  isDone: z.boolean(),
  actions: z.array(z.array(actionSchema)),
  output: z.unknown().optional(),
  error: z.string().optional(),
  customStatus: z.unknown().optional(),
  schemaVersion: z.number(),
});

export type ReplayOutcome =
  | { kind: 'ok'; isDone: boolean; leaves: Action[]; output?: string; customStatus?: string }
  | { kind: 'failed'; message: string; failure: FailureDetails; customStatus?: string };

export interface ReplayRequest {
  instanceId: string;
  history: readonly HistoryEvent[];
  /** The orchestration input as JSON text. */
  input?: string;
  parentInstanceId?: string;
}

/** Leaf actions in the order the SDK numbered their tasks: compound actions are walked depth first. */
export function flattenActions(groups: Action[][]): Action[] {
  const leaves: Action[] = [];
  const walk = (action: Action) => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) (action.compoundActions ?? []).forEach(walk);
    else leaves.push(action);
  };
  groups.forEach((group) => group.forEach(walk));
  return leaves;
}

export function triggerName(fn: RegisteredFunction, type: string): string {
  const entry = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === type.toLowerCase());
  if (!entry) throw new Error(`Function ${fn.metadata.name} has no ${type} binding.`);
  return entry[0];
}

const toJson = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

export async function replay(fn: RegisteredFunction, request: ReplayRequest): Promise<ReplayOutcome> {
  const payload = {
    history: request.history.map(publicEvent),
    input: request.input === undefined ? undefined : (JSON.parse(request.input) as unknown),
    instanceId: request.instanceId,
    isReplaying: false,
    parentInstanceId: request.parentInstanceId,
    upperSchemaVersion: REPLAY_SCHEMA,
    upperSchemaVersionNew: REPLAY_SCHEMA,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
    longRunningTimerIntervalDuration: LONG_TIMER_INTERVAL,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  const outcome = await invokeFunction(fn, {
    inputData: [{ name: triggerName(fn, 'orchestrationTrigger'), data: { string: JSON.stringify(payload) } }],
  });
  if (outcome.error !== undefined) return failureOutcome(outcome.error);
  const returned = outcome.response?.returnValue;
  const text = returned?.json ?? returned?.string;
  if (typeof text !== 'string') return failed(`The orchestrator returned no state (is ${fn.metadata.name} registered with df.app.orchestration?).`);
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return failed(`The orchestrator returned a state the local host cannot read: ${parsed.error.message}`);
  const state = parsed.data;
  if (state.schemaVersion !== REPLAY_SCHEMA) return failed(`The orchestrator replied with replay schema ${state.schemaVersion}; the local host speaks schema ${REPLAY_SCHEMA}.`);
  const result: ReplayOutcome = { kind: 'ok', isDone: state.isDone, leaves: flattenActions(state.actions) };
  const output = toJson(state.output);
  const customStatus = toJson(state.customStatus);
  if (output !== undefined) result.output = output;
  if (customStatus !== undefined) result.customStatus = customStatus;
  return result;
}

const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

/**
 * An orchestrator that throws: the SDK's OrchestrationFailureError carries the orchestrator state after a label
 * in its message; the state's `error` is the thrown error's message (and `failureDetails` that of an uncaught
 * TaskFailedError). Anything else thrown on the way is reported as it is.
 */
function failureOutcome(error: unknown): ReplayOutcome {
  const raw = error instanceof Error ? error.message : String(error);
  const at = raw.indexOf(OUT_OF_PROC_LABEL);
  let message = at >= 0 ? raw.slice(0, at) : raw;
  let customStatus: string | undefined;
  let details: FailureDetails | undefined;
  if (at >= 0) {
    try {
      const state = JSON.parse(raw.slice(at + OUT_OF_PROC_LABEL.length)) as { error?: unknown; customStatus?: unknown; failureDetails?: FailureDetails };
      if (typeof state.error === 'string') message = state.error;
      customStatus = toJson(state.customStatus);
      details = state.failureDetails;
    } catch {
      // the text before the label is all there is
    }
  }
  const failure: FailureDetails = details ?? { ErrorType: 'Error', ErrorMessage: message, IsNonRetriable: false };
  return { kind: 'failed', message, failure, ...(customStatus !== undefined ? { customStatus } : {}) };
}

function failed(message: string): ReplayOutcome {
  return { kind: 'failed', message, failure: { ErrorType: 'LocalHostError', ErrorMessage: message, IsNonRetriable: true } };
}

