/**
 * The publish orchestration's decisions (functions/publish-pipeline.ts), driven without a host: a fake context
 * records what the generator yields (activities, timers, external events) and answers from a script, as a replay
 * would.
 */
import { describe, expect, it } from 'vitest';
import { publishOrchestrator, type PipelineActivities } from '../../../functions/publish-pipeline';

const T0 = '2026-03-01T00:00:00.000Z';
const REF = { publisherId: 'contoso', offerId: 'o1', operationId: 'pub-1' };

type Answer = (call: { kind: string; input: unknown }) => unknown;

function run(answer: Answer) {
  const calls: string[] = [];
  const df = {
    getInput: <T>() => REF as T,
    currentUtcDateTime: new Date(T0),
    createTimer: (at: Date) => ({ kind: 'timer', input: at.toISOString() }),
    waitForExternalEvent: (name: string) => ({ kind: `event:${name}`, input: undefined }),
  };
  const task = (kind: string) => (input: unknown) => ({ kind, input }) as never;
  const acts: PipelineActivities = {
    begin: task('begin'),
    run: task('run'),
    finish: task('finish'),
    signoff: task('signoff'),
    cancel: task('cancel'),
    fail: task('fail'),
  };
  const gen = publishOrchestrator(acts)({ df: df as never });
  let sent: unknown;
  let thrown: Error | undefined;
  for (;;) {
    const r = thrown ? gen.throw(thrown) : gen.next(sent);
    thrown = undefined;
    if (r.done) return { result: r.value, calls };
    const call = r.value as unknown as { kind: string; input: unknown };
    const input = call.input as { ref?: { operationId: string }; step?: string; operationId?: string } | string | undefined;
    const who = typeof input === 'object' && input ? (input.ref?.operationId ?? input.operationId ?? '') : '';
    calls.push([call.kind, who, typeof input === 'object' && input?.step ? input.step : typeof input === 'string' ? input : ''].filter(Boolean).join(' '));
    const answered = answer(call);
    if (answered instanceof Error) thrown = answered;
    else sent = answered;
  }
}

const publishPlan = { steps: [{ id: 'displaydummycertify', waitMs: 0 }, { id: 'preview-creation', waitMs: 3_600_000 }], submissionType: 'publish' };
const goLivePlan = { steps: [{ id: 'final-publish', waitMs: 0 }], submissionType: 'goLive' };

describe('publish orchestration', () => {
  it('runs each step (work, simulated time, finish), reaches sign-off, waits for GoLive and runs the go-live operation', () => {
    const { result, calls } = run(({ kind, input }) => {
      if (kind === 'begin') return (input as { operationId: string }).operationId === 'pub-1' ? publishPlan : goLivePlan;
      if (kind === 'run') return 'passed';
      if (kind === 'finish') return 'continue';
      if (kind === 'signoff') return 'waiting';
      if (kind === 'event:GoLive') return { operationId: 'go-1' };
      return undefined;
    });
    expect(result).toBe('completed');
    expect(calls).toEqual([
      'begin pub-1',
      'run pub-1 displaydummycertify',
      'finish pub-1 displaydummycertify',
      'run pub-1 preview-creation',
      'timer 2026-03-01T01:00:00.000Z',
      'finish pub-1 preview-creation',
      'signoff pub-1',
      'event:GoLive',
      'begin go-1',
      'run go-1 final-publish',
      'finish go-1 final-publish',
    ]);
  });

  it('a failed step ends the orchestration; so does a canceled run (with the cancel applied) and an ended operation', () => {
    const failed = run(({ kind }) => (kind === 'begin' ? publishPlan : kind === 'run' ? 'blocked' : kind === 'finish' ? 'failed' : undefined));
    expect(failed.result).toBe('failed');
    expect(failed.calls).toEqual(['begin pub-1', 'run pub-1 displaydummycertify', 'finish pub-1 displaydummycertify']);
    const canceled = run(({ kind }) => (kind === 'begin' ? publishPlan : kind === 'run' ? 'canceled' : undefined));
    expect(canceled.result).toBe('canceled');
    expect(canceled.calls).toEqual(['begin pub-1', 'run pub-1 displaydummycertify', 'cancel pub-1']);
    const ended = run(({ kind }) => (kind === 'begin' ? { ended: 'canceled' } : undefined));
    expect(ended).toEqual({ result: 'canceled', calls: ['begin pub-1'] });
  });

  it('manual certification waits for the CertificationDecision event and runs the step again', () => {
    let runs = 0;
    const { calls } = run(({ kind }) => {
      if (kind === 'begin') return { steps: [{ id: 'displaycertify', waitMs: 0 }], submissionType: 'publish' };
      if (kind === 'run') return ++runs === 1 ? 'waiting' : 'passed';
      if (kind === 'finish') return 'continue';
      if (kind === 'signoff') return 'canceled';
      return undefined;
    });
    expect(calls).toEqual(['begin pub-1', 'run pub-1 displaycertify', 'event:CertificationDecision', 'run pub-1 displaycertify', 'finish pub-1 displaycertify', 'signoff pub-1']);
  });

  it('an activity that keeps failing fails the current operation (InternalError) and ends', () => {
    const { result, calls } = run(({ kind }) => (kind === 'begin' ? publishPlan : kind === 'run' ? new Error('storage down') : undefined));
    expect(result).toBe('failed');
    expect(calls.at(-1)).toBe('fail pub-1');
  });
});
