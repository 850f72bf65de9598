import { describe, expect, it } from 'vitest';
import type { Operation, PublishState, StepId } from '../../../../shared/publish/model';
import {
  cancelOperation,
  cancelRefusal,
  completeIfDone,
  currentStep,
  failOperation,
  finishStep,
  goLiveRefusal,
  isTerminal,
  reachSignoff,
  recordOutcome,
  releaseLock,
  signOff,
  startStep,
  stepOf,
} from '../../../../shared/publish/rules/operation';
import { newStep } from '../../../../shared/publish/rules/steps';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';

function op(over: Partial<Operation> = {}, ids: StepId[] = ['displaydummycertify', 'preview-creation', 'publisher-signoff']): Operation {
  return {
    id: 'op-1',
    publisherId: 'contoso',
    offerId: 'o1',
    offerTypeId: 'microsoft-saas',
    submissionType: 'publish',
    slot: 'preview',
    offerVersion: 1,
    publishingVersion: 1,
    draftETag: 'e',
    status: 'notStarted',
    cancellationRequestState: 'canCancel',
    emails: [],
    steps: ids.map(newStep),
    previewLinks: [],
    liveLinks: [],
    previewAudience: [],
    version: 1,
    createdDateTime: T0,
    lastActionDateTime: T0,
    createdBy: 'publisher:contoso',
    ...over,
  };
}

const state = (over: Partial<PublishState> = {}): PublishState => ({
  publisherId: 'contoso',
  offerId: 'o1',
  activeOperationId: 'op-1',
  latestPublishOperationId: 'op-1',
  latestGoLiveOperationId: '',
  operationCount: 1,
  ...over,
});

describe('isTerminal', () => {
  it('completed, failed and canceled end an operation; notStarted and running do not', () => {
    expect(['notStarted', 'running', 'completed', 'failed', 'canceled'].map((status) => isTerminal(op({ status: status as Operation['status'] })))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});

describe('startStep', () => {
  it('marks the step inProgress at 0 %, the operation running, and bumps the version', () => {
    const next = startStep(op(), 'displaydummycertify', T1);
    expect(stepOf(next, 'displaydummycertify')).toMatchObject({ status: 'inProgress', startedDateTime: T1, progressPercentage: 0 });
    expect(next.status).toBe('running');
    expect(next.version).toBe(2);
    expect(next.lastActionDateTime).toBe(T1);
    expect(stepOf(next, 'preview-creation')?.status).toBe('notStarted');
  });
  it('leaves a started step (and an unknown step) alone: the same object', () => {
    const started = startStep(op(), 'displaydummycertify', T1);
    expect(startStep(started, 'displaydummycertify', T1)).toBe(started);
    const without = op();
    expect(startStep(without, 'live', T1)).toBe(without);
  });
});

describe('recordOutcome and finishStep', () => {
  it('a passed step completes at 100 % with its messages and "Step completed."', () => {
    const warning = { messageHtml: 'w', level: 'warning' as const, timestamp: T0 };
    const recorded = recordOutcome(startStep(op(), 'displaydummycertify', T0), 'displaydummycertify', { result: 'passed', messages: [warning] }, T0);
    expect(stepOf(recorded, 'displaydummycertify')?.status).toBe('inProgress');
    expect(stepOf(recorded, 'displaydummycertify')?.progressPercentage).toBe(0);
    const done = finishStep(recorded, 'displaydummycertify', T1);
    expect(stepOf(done, 'displaydummycertify')).toMatchObject({
      status: 'complete',
      progressPercentage: 100,
      completedDateTime: T1,
      messages: [warning, { messageHtml: 'Step completed.', level: 'information', timestamp: T1 }],
    });
    expect(done.status).toBe('running');
    expect(done.error).toBeUndefined();
    expect(done.version).toBe(recorded.version + 1);
  });

  it('a blocked step fails the operation with StepBlocked and the first error; the rest stay notStarted', () => {
    const error = { messageHtml: 'x.png: is corrupted', level: 'error' as const, timestamp: T0 };
    const info = { messageHtml: 'i', level: 'information' as const, timestamp: T0 };
    const recorded = recordOutcome(startStep(op(), 'displaydummycertify', T0), 'displaydummycertify', { result: 'blocked', messages: [info, error] }, T0);
    const failed = finishStep(recorded, 'displaydummycertify', T1);
    expect(stepOf(failed, 'displaydummycertify')).toMatchObject({ status: 'blocked', completedDateTime: T1, messages: [info, error] });
    expect(failed.status).toBe('failed');
    expect(failed.cancellationRequestState).toBe('cannotCancel');
    expect(failed.error).toEqual({ code: 'StepBlocked', message: 'Validate Pre-Requisites failed: x.png: is corrupted' });
    expect(stepOf(failed, 'preview-creation')?.status).toBe('notStarted');
  });

  it('a rejected certification fails with CertificationRejected; without an error message the reason is generic', () => {
    const ids: StepId[] = ['displaycertify', 'preview-creation'];
    const recorded = recordOutcome(startStep(op({}, ids), 'displaycertify', T0), 'displaycertify', { result: 'rejected', messages: [] }, T0);
    const failed = finishStep(recorded, 'displaycertify', T1);
    expect(stepOf(failed, 'displaycertify')?.status).toBe('rejected');
    expect(failed.error).toEqual({ code: 'CertificationRejected', message: 'Certification failed.' });
  });

  it('a waiting outcome puts the step in waitingForApproval at 50 %, and finishing it does nothing', () => {
    const ids: StepId[] = ['displaycertify'];
    const waiting = recordOutcome(startStep(op({}, ids), 'displaycertify', T0), 'displaycertify', { result: 'waiting', messages: [] }, T0);
    expect(stepOf(waiting, 'displaycertify')).toMatchObject({ status: 'waitingForApproval', progressPercentage: 50 });
    expect(finishStep(waiting, 'displaycertify', T1)).toBe(waiting);
    const decided = recordOutcome(waiting, 'displaycertify', { result: 'passed', messages: [] }, T1);
    expect(stepOf(decided, 'displaycertify')?.status).toBe('waitingForApproval');
    expect(stepOf(finishStep(decided, 'displaycertify', T1), 'displaycertify')?.status).toBe('complete');
  });

  it('finishing a step without an outcome, a finished step or an unknown step changes nothing', () => {
    const started = startStep(op(), 'displaydummycertify', T0);
    expect(finishStep(started, 'displaydummycertify', T1)).toBe(started);
    const done = finishStep(recordOutcome(started, 'displaydummycertify', { result: 'passed', messages: [] }, T0), 'displaydummycertify', T1);
    expect(finishStep(done, 'displaydummycertify', T1)).toBe(done);
    expect(finishStep(done, 'live', T1)).toBe(done);
    const notStarted = recordOutcome(op(), 'preview-creation', { result: 'passed', messages: [] }, T0);
    expect(finishStep(notStarted, 'preview-creation', T1)).toBe(notStarted);
  });
});

describe('currentStep', () => {
  it('is the first unfinished step, undefined when all are finished', () => {
    expect(currentStep(op())?.id).toBe('displaydummycertify');
    const one = finishStep(recordOutcome(startStep(op(), 'displaydummycertify', T0), 'displaydummycertify', { result: 'passed', messages: [] }, T0), 'displaydummycertify', T0);
    expect(currentStep(one)?.id).toBe('preview-creation');
    const waiting = recordOutcome(startStep(op({}, ['displaycertify']), 'displaycertify', T0), 'displaycertify', { result: 'waiting', messages: [] }, T0);
    expect(currentStep(waiting)?.id).toBe('displaycertify');
    expect(currentStep(op({ steps: [{ ...newStep('live'), status: 'complete' }] }))).toBeUndefined();
    const inProgress = op({ steps: [{ ...newStep('final-publish'), status: 'complete' }, { ...newStep('live'), status: 'inProgress' }, newStep('stop-distribution')] });
    expect(currentStep(inProgress)?.id).toBe('live');
  });
});

describe('reachSignoff and signOff', () => {
  it('waits for the publisher, completes the operation and makes it not cancelable', () => {
    const reached = reachSignoff(op({ status: 'running' }), T1);
    expect(stepOf(reached, 'publisher-signoff')).toMatchObject({ status: 'waitingForPublisherReview', startedDateTime: T1, progressPercentage: 50 });
    expect(reached.status).toBe('completed');
    expect(reached.cancellationRequestState).toBe('cannotCancel');
  });
  it('refuses when a cancel was requested first, when already reached, or without a sign-off step', () => {
    const requested = op({ status: 'running', cancellationRequestState: 'cancelRequested' });
    expect(reachSignoff(requested, T1)).toBe(requested);
    const reached = reachSignoff(op({ status: 'running' }), T1);
    expect(reachSignoff(reached, T1)).toBe(reached);
    const none = op({}, ['live']);
    expect(reachSignoff(none, T1)).toBe(none);
  });
  it('the go-live completes the sign-off step and links the go-live operation', () => {
    const signed = signOff(reachSignoff(op({ status: 'running' }), T0), 'go-1', T1);
    expect(stepOf(signed, 'publisher-signoff')).toMatchObject({
      status: 'complete',
      progressPercentage: 100,
      completedDateTime: T1,
      messages: [{ messageHtml: 'Step completed.', level: 'information', timestamp: T1 }],
    });
    expect(signed.goLiveOperationId).toBe('go-1');
    expect(signed.status).toBe('completed');
  });
});

describe('completeIfDone', () => {
  const done = (ids: StepId[]) => op({ status: 'running', steps: ids.map((id) => ({ ...newStep(id), status: 'complete' as const })) });
  it('completes when every step is complete', () => {
    const next = completeIfDone(done(['final-publish', 'live']), T1);
    expect(next).toMatchObject({ status: 'completed', cancellationRequestState: 'cannotCancel', version: 2, lastActionDateTime: T1 });
  });
  it('leaves it running while a step is unfinished, and leaves a terminal operation', () => {
    const partial = op({ status: 'running', steps: [{ ...newStep('final-publish'), status: 'complete' }, newStep('live')] });
    expect(completeIfDone(partial, T1)).toBe(partial);
    const failed = { ...done(['live']), status: 'failed' as const };
    expect(completeIfDone(failed, T1)).toBe(failed);
  });
});

describe('cancelOperation', () => {
  it('cancels the current and remaining steps and the operation; finished steps keep their status', () => {
    const ids: StepId[] = ['displaydummycertify', 'displaycertify', 'preview-creation', 'publisher-signoff'];
    let o = finishStep(recordOutcome(startStep(op({}, ids), 'displaydummycertify', T0), 'displaydummycertify', { result: 'passed', messages: [] }, T0), 'displaydummycertify', T0);
    o = recordOutcome(startStep(o, 'displaycertify', T0), 'displaycertify', { result: 'waiting', messages: [] }, T0);
    const canceled = cancelOperation(o, T1);
    expect(canceled.steps.map((s) => s.status)).toEqual(['complete', 'canceled', 'canceled', 'canceled']);
    expect(canceled).toMatchObject({ status: 'canceled', cancellationRequestState: 'cannotCancel', version: o.version + 1, lastActionDateTime: T1 });
  });
  it('cancels an inProgress step; leaves an ended operation alone', () => {
    expect(stepOf(cancelOperation(startStep(op(), 'displaydummycertify', T0), T1), 'displaydummycertify')?.status).toBe('canceled');
    const ended = op({ status: 'completed' });
    expect(cancelOperation(ended, T1)).toBe(ended);
  });
});

describe('failOperation', () => {
  it('fails with InternalError and the message', () => {
    expect(failOperation(op({ status: 'running' }), 'boom', T1)).toMatchObject({
      status: 'failed',
      cancellationRequestState: 'cannotCancel',
      error: { code: 'InternalError', message: 'boom' },
      version: 2,
      lastActionDateTime: T1,
    });
  });
  it('leaves an ended operation alone', () => {
    const ended = op({ status: 'canceled' });
    expect(failOperation(ended, 'boom', T1)).toBe(ended);
  });
});

describe('releaseLock', () => {
  it('releases when the holder ended', () => {
    expect(releaseLock(state(), op({ status: 'failed' })).activeOperationId).toBe('');
  });
  it('keeps the lock while the holder runs, or when another operation holds it', () => {
    const s = state();
    expect(releaseLock(s, op({ status: 'running' }))).toBe(s);
    const other = state({ activeOperationId: 'op-2' });
    expect(releaseLock(other, op({ status: 'completed' }))).toBe(other);
  });
});

describe('goLiveRefusal (spec 2.9)', () => {
  const waiting = () => reachSignoff(op({ status: 'running' }), T0);
  it('allows go-live of the latest publish waiting at sign-off with nothing running', () => {
    expect(goLiveRefusal(state({ activeOperationId: '' }), waiting())).toBeUndefined();
  });
  it('409 OperationInProgress while something holds the offer', () => {
    expect(goLiveRefusal(state({ activeOperationId: 'op-9' }), waiting())).toBe('OperationInProgress');
  });
  it('PreviewNotReady: never published, not completed, or already signed off', () => {
    expect(goLiveRefusal(undefined, undefined)).toBe('PreviewNotReady');
    expect(goLiveRefusal(state({ activeOperationId: '' }), op({ status: 'failed' }))).toBe('PreviewNotReady');
    expect(goLiveRefusal(state({ activeOperationId: '' }), op({ status: 'canceled' }))).toBe('PreviewNotReady');
    expect(goLiveRefusal(state({ activeOperationId: '' }), signOff(waiting(), 'go-1', T1))).toBe('PreviewNotReady');
    expect(goLiveRefusal(state({ activeOperationId: '' }), op({ status: 'completed' }, ['live']))).toBe('PreviewNotReady');
    expect(goLiveRefusal(state({ activeOperationId: '' }), { ...waiting(), status: 'canceled' })).toBe('PreviewNotReady');
  });
});

describe('cancelRefusal (spec 2.8)', () => {
  it('cancels a running publish operation before sign-off, also when a cancel was already requested', () => {
    expect(cancelRefusal(op({ status: 'running' }))).toBeUndefined();
    expect(cancelRefusal(op({ status: 'notStarted' }))).toBeUndefined();
    expect(cancelRefusal(op({ status: 'running', cancellationRequestState: 'cancelRequested' }))).toBeUndefined();
  });
  it('NoCancelableOperation: nothing running, ended, or past sign-off', () => {
    expect(cancelRefusal(undefined)).toBe('NoCancelableOperation');
    expect(cancelRefusal(op({ status: 'canceled' }))).toBe('NoCancelableOperation');
    expect(cancelRefusal(op({ status: 'running', cancellationRequestState: 'cannotCancel' }))).toBe('NoCancelableOperation');
  });
  it('OperationNotCancelable for a running go-live', () => {
    expect(cancelRefusal(op({ status: 'running', submissionType: 'goLive', cancellationRequestState: 'cannotCancel' }))).toBe('OperationNotCancelable');
  });
});
