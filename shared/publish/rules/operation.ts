/**
 * State changes of an operation and its steps (specs/publish.md 3.6, 3.8, 3.11), as pure functions: each returns a
 * new operation. The store writes the result conditionally; the orchestration only decides the order.
 */
import type { Message, Operation, PublishState, Step, StepId, StepOutcome } from '../model';

const TERMINAL = new Set(['completed', 'failed', 'canceled']);

export function isTerminal(op: Operation): boolean {
  return TERMINAL.has(op.status);
}

function withStep(op: Operation, id: StepId, change: (step: Step) => Step, now: string): Operation {
  return {
    ...op,
    steps: op.steps.map((s) => (s.id === id ? change(s) : s)),
    version: op.version + 1,
    lastActionDateTime: now,
  };
}

export function stepOf(op: Operation, id: StepId): Step | undefined {
  return op.steps.find((s) => s.id === id);
}

/** The first step that is not finished yet, or undefined when every step is. */
export function currentStep(op: Operation): Step | undefined {
  return op.steps.find((s) => s.status === 'notStarted' || s.status === 'inProgress' || s.status === 'waitingForApproval');
}

/** Marks the step inProgress (and the operation running); a step already started is left as it is. */
export function startStep(op: Operation, id: StepId, now: string): Operation {
  const step = stepOf(op, id);
  if (!step || step.status !== 'notStarted') return op;
  const started = withStep(op, id, (s) => ({ ...s, status: 'inProgress', startedDateTime: now, progressPercentage: 0 }), now);
  return { ...started, status: 'running' };
}

/** Records what the step's work found; a manual certification waits for the reviewer's decision. */
export function recordOutcome(op: Operation, id: StepId, outcome: StepOutcome, now: string): Operation {
  return withStep(
    op,
    id,
    (s) => ({
      ...s,
      outcome,
      status: outcome.result === 'waiting' ? 'waitingForApproval' : s.status,
      progressPercentage: outcome.result === 'waiting' ? 50 : s.progressPercentage,
    }),
    now,
  );
}

function completedMessage(now: string): Message {
  return { messageHtml: 'Step completed.', level: 'information', timestamp: now };
}

/**
 * Finishes the step with its recorded outcome: passed → complete; blocked / rejected end the operation as failed
 * (remaining steps stay notStarted, spec 3.6). A step without an outcome, or one waiting, is left as it is.
 */
export function finishStep(op: Operation, id: StepId, now: string): Operation {
  const step = stepOf(op, id);
  const outcome = step?.outcome;
  if (!step || !outcome || outcome.result === 'waiting' || (step.status !== 'inProgress' && step.status !== 'waitingForApproval')) return op;
  if (outcome.result === 'passed') {
    return withStep(
      op,
      id,
      (s) => ({ ...s, status: 'complete', progressPercentage: 100, completedDateTime: now, messages: [...outcome.messages, completedMessage(now)] }),
      now,
    );
  }
  const failed = withStep(
    op,
    id,
    (s) => ({ ...s, status: outcome.result === 'rejected' ? 'rejected' : 'blocked', completedDateTime: now, messages: outcome.messages }),
    now,
  );
  const first = outcome.messages.find((m) => m.level === 'error');
  return {
    ...failed,
    status: 'failed',
    cancellationRequestState: 'cannotCancel',
    error: {
      code: outcome.result === 'rejected' ? 'CertificationRejected' : 'StepBlocked',
      message: `${step.stepName} failed${first ? `: ${first.messageHtml}` : '.'}`,
    },
  };
}

/**
 * The publish operation reaches sign-off: the step waits for the publisher, the operation is completed and can no
 * longer be canceled (spec 3.8). Refused (unchanged) when a cancel was requested first.
 */
export function reachSignoff(op: Operation, now: string): Operation {
  const step = stepOf(op, 'publisher-signoff');
  if (!step || step.status !== 'notStarted' || op.cancellationRequestState === 'cancelRequested') return op;
  const waiting = withStep(op, 'publisher-signoff', (s) => ({ ...s, status: 'waitingForPublisherReview', startedDateTime: now, progressPercentage: 50 }), now);
  return { ...waiting, status: 'completed', cancellationRequestState: 'cannotCancel' };
}

/** The go-live is accepted: the publish operation's sign-off step is complete. */
export function signOff(op: Operation, goLiveOperationId: string, now: string): Operation {
  const signed = withStep(
    op,
    'publisher-signoff',
    (s) => ({ ...s, status: 'complete', progressPercentage: 100, completedDateTime: now, messages: [completedMessage(now)] }),
    now,
  );
  return { ...signed, goLiveOperationId };
}

/** Every step finished and none failed: the operation is completed. */
export function completeIfDone(op: Operation, now: string): Operation {
  if (isTerminal(op) || op.steps.some((s) => s.status !== 'complete')) return op;
  return { ...op, status: 'completed', cancellationRequestState: 'cannotCancel', version: op.version + 1, lastActionDateTime: now };
}

/** Cancel: the current and remaining steps are canceled, the operation too (spec 3.8). */
export function cancelOperation(op: Operation, now: string): Operation {
  if (isTerminal(op)) return op;
  const cancel = (s: Step): Step =>
    s.status === 'notStarted' || s.status === 'inProgress' || s.status === 'waitingForApproval' ? { ...s, status: 'canceled' } : s;
  return {
    ...op,
    steps: op.steps.map(cancel),
    status: 'canceled',
    cancellationRequestState: 'cannotCancel',
    version: op.version + 1,
    lastActionDateTime: now,
  };
}

/** An unexpected failure of the orchestration (spec 3.6): the operation fails with InternalError. */
export function failOperation(op: Operation, message: string, now: string): Operation {
  if (isTerminal(op)) return op;
  return {
    ...op,
    status: 'failed',
    cancellationRequestState: 'cannotCancel',
    error: { code: 'InternalError', message },
    version: op.version + 1,
    lastActionDateTime: now,
  };
}

/** Releases the offer's lock when `op` holds it and has ended (or reached sign-off). */
export function releaseLock(state: PublishState, op: Operation): PublishState {
  return state.activeOperationId === op.id && isTerminal(op) ? { ...state, activeOperationId: '' } : state;
}

/**
 * Why go-live is refused, or undefined when it may start (spec 2.9): nothing running, and the latest publish
 * operation completed with its sign-off step waiting for the publisher.
 */
export function goLiveRefusal(state: PublishState | undefined, latest: Operation | undefined): 'OperationInProgress' | 'PreviewNotReady' | undefined {
  if (state && state.activeOperationId !== '') return 'OperationInProgress';
  if (!latest || latest.status !== 'completed') return 'PreviewNotReady';
  return stepOf(latest, 'publisher-signoff')?.status === 'waitingForPublisherReview' ? undefined : 'PreviewNotReady';
}

/** Cancel's target (spec 2.8): the running publish operation before sign-off. */
export function cancelRefusal(active: Operation | undefined): 'NoCancelableOperation' | 'OperationNotCancelable' | undefined {
  if (!active || isTerminal(active)) return 'NoCancelableOperation';
  if (active.submissionType !== 'publish') return 'OperationNotCancelable';
  return active.cancellationRequestState === 'cannotCancel' ? 'NoCancelableOperation' : undefined;
}
