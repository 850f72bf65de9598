/**
 * Conformance of the local durable runtime: one small sample orchestration per supported feature
 * (test/fixtures/apps/durable-samples.ts), run by the real local host over HTTP, each asserting the output and
 * the shape of the history as the status API shows it (the Durable extension's projection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { operatorRequest, tokenFor } from '../fixtures/tokens';
import { durableApi, shape, systemKey, type Status } from '../durable/api';

let host: TestHost;
let api: ReturnType<typeof durableApi>;
let operator: string;
let n = 0;
const id = (name: string) => `${name}-${++n}`;

beforeAll(async () => {
  const env = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2' });
  operator = await tokenFor(env['LOCAL_ISSUER_KEY_FILE'] as string, operatorRequest(), { lifetimeSeconds: 60 * 24 * 3600 });
  host = await startTestHost(env);
  api = durableApi(host.url, systemKey(env));
});

afterAll(async () => {
  await host?.stop();
});

async function run(name: string, input?: unknown): Promise<Status> {
  const instance = id(name);
  expect((await api.start(name, instance, input)).status).toBe(202);
  return api.waitFor(instance);
}

async function advanceClock(duration: string): Promise<void> {
  const res = await fetch(`${host.url}/api/admin/clock`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ advance: duration }),
  });
  expect(res.status).toBe(200);
}

describe('activities', () => {
  it('runs a chain of activities in order and records each completion', async () => {
    const status = await run('SampleSequence');
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    expect(shape(status)).toEqual(['ExecutionStarted', 'TaskCompleted', 'TaskCompleted', 'TaskCompleted', 'ExecutionCompleted']);
    expect(status.historyEvents?.[1]).toMatchObject({ FunctionName: 'SampleSayHello', Result: 'Hello Tokyo!' });
  });

  it('fans out with Task.all and fans in the results', async () => {
    const status = await run('SampleFanOut', 20);
    expect(status.output).toBe(380); // 2 * (0 + 1 + ... + 19)
    const s = shape(status);
    expect(s.filter((t) => t === 'TaskCompleted')).toHaveLength(20);
    expect(s.at(-1)).toBe('ExecutionCompleted');
  });

  it('retries a failing activity with RetryOptions: a timer between attempts, success on the third', async () => {
    const status = await run('SampleRetry', { key: id('retry'), failures: 2, attempts: 3 });
    expect(status.output).toMatch(/^ok-retry-/);
    expect(shape(status)).toEqual([
      'ExecutionStarted',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    // First retry after 50 ms (firstRetryIntervalInMilliseconds), from the failure's time.
    const [failed, created] = [status.historyEvents?.[1], status.historyEvents?.[2]];
    expect(Date.parse(String(created?.['FireAt'])) - Date.parse(String(failed?.['Timestamp']))).toBe(50);
  });

  it('retries an activity that races another task (Task.any) without mixing up task ids', async () => {
    const status = await run('SampleRetryMix', id('mix'));
    expect(status.output).toEqual([expect.stringMatching(/^ok-mix-/), 4]);
  });

  it('gives up after maxNumberOfAttempts with a TaskFailedError carrying the last error', async () => {
    const status = await run('SampleRetry', { key: id('exhaust'), failures: 5, attempts: 2 });
    expect(status.output).toEqual({ caught: true, message: expect.stringMatching(/^Error: flaky exhaust-\d+ attempt 2$/) });
    expect(shape(status).filter((t) => t === 'TaskFailed')).toHaveLength(2);
  });

  it("hands an activity's error to the orchestrator as TaskFailedError with its details and properties", async () => {
    const status = await run('SampleActivityError');
    expect(status.output).toEqual([
      { taskFailed: true, message: 'SampleError: the offer is frozen', errorType: 'SampleError', errorMessage: 'the offer is frozen', properties: { code: 'OfferFrozen' } },
      { taskFailed: true, message: 'Error: plain failure', errorType: 'Error', errorMessage: 'plain failure', properties: null },
    ]);
    expect(status.historyEvents?.[1]).toMatchObject({ EventType: 'TaskFailed', FunctionName: 'SampleFail', FailureDetails: { ErrorType: 'SampleError', Properties: { code: 'OfferFrozen' } } });
  });

  it('ends an orchestrator that throws as Failed, with its error in the status', async () => {
    const status = await run('SampleThrows');
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe("Orchestrator function 'SampleThrows' failed: orchestrator exploded");
    expect(shape(status)).toEqual(['ExecutionStarted', 'TaskCompleted', 'ExecutionCompleted']);
    expect(status.historyEvents?.at(-1)).toMatchObject({ OrchestrationStatus: 'Failed', FailureDetails: { ErrorMessage: 'orchestrator exploded' } });
  });
});

describe('durable timers, external events and the test clock', () => {
  it('fires a 3-day timer (longer than the SDK splits) when the test clock moves 3 days', async () => {
    const instance = id('SampleTimer');
    expect((await api.start('SampleTimer', instance, { seconds: 3 * 86400 })).status).toBe(202);
    await api.waitFor(instance, (s) => shape(s).includes('TimerCreated'));
    await advanceClock('P3D');
    const status = await api.waitFor(instance);
    const output = status.output as { start: string; end: string };
    expect(Date.parse(output.end) - Date.parse(output.start)).toBeGreaterThanOrEqual(3 * 86400_000);
    expect(shape(status)).toEqual(['ExecutionStarted', 'TimerCreated', 'TimerFired', 'ExecutionCompleted']);
  });

  it('delivers a raised event to waitForExternalEvent racing a timer (Task.any)', async () => {
    const instance = id('SampleApproval');
    expect((await api.start('SampleApproval', instance)).status).toBe(202);
    await api.waitFor(instance, (s) => shape(s).includes('TimerCreated'));
    expect((await api.raise(instance, 'Approval', { by: 'ann' })).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status.output).toEqual({ approved: { by: 'ann' } });
    expect(shape(status)).toEqual(['ExecutionStarted', 'TimerCreated', 'EventRaised', 'ExecutionCompleted']);
  });

  it('lets the timer win when no event comes before the clock passes the deadline', async () => {
    const instance = id('SampleApproval');
    expect((await api.start('SampleApproval', instance)).status).toBe(202);
    await api.waitFor(instance, (s) => shape(s).includes('TimerCreated'));
    await advanceClock('PT2H');
    const status = await api.waitFor(instance);
    expect(status.output).toBe('timeout');
    expect(shape(status)).toEqual(['ExecutionStarted', 'TimerCreated', 'TimerFired', 'ExecutionCompleted']);
  });
});

describe('sub-orchestrations and continue-as-new', () => {
  it('runs sub-orchestrations with a generated id, a chosen id, and with retry', async () => {
    const instance = id('SampleParent');
    expect((await api.start('SampleParent', instance, id('child-key'))).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status.output).toEqual({ plain: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'], named: 12, retried: expect.stringMatching(/^ok-child-key-/) });
    expect(shape(status)).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCompleted',
      'SubOrchestrationInstanceCompleted',
      'SubOrchestrationInstanceFailed',
      'TimerCreated',
      'TimerFired',
      'SubOrchestrationInstanceCompleted',
      'ExecutionCompleted',
    ]);
    // The children are instances of their own: `<parent>:<task id>` unless the caller chose an id.
    const generated = (await (await api.status(`${instance}:0`)).json()) as Status;
    expect(generated).toMatchObject({ name: 'SampleSequence', runtimeStatus: 'Completed' });
    const named = (await (await api.status(`${instance}-child`)).json()) as Status;
    expect(named).toMatchObject({ name: 'SampleFanOut', runtimeStatus: 'Completed', input: 4, output: 12 });
  });

  it('continues as new with a fresh history for each execution', async () => {
    const status = await run('SampleLoop', 0);
    expect(status.output).toBe(8); // the fifth execution doubles 4
    expect(status.input).toBe(4);
    expect(shape(status)).toEqual(['ExecutionStarted', 'TaskCompleted', 'ExecutionCompleted']);
  });

  it('carries events the orchestrator did not consume into the next execution', async () => {
    const instance = id('SampleCollect');
    expect((await api.start('SampleCollect', instance)).status).toBe(202);
    // Raised together: the first execution takes "x" and continues as new; "y" and "z" must not be lost.
    for (const item of ['x', 'y', 'z']) expect((await api.raise(instance, 'Item', item)).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status.output).toEqual(['x', 'y', 'z']);
  });
});

describe('orchestration context', () => {
  it('keeps newGuid and currentUtcDateTime deterministic across replays, with custom status and isReplaying', async () => {
    const status = await run('SampleDeterminism');
    const out = status.output as { g1: string; g2: string; e1: string; e2: string; t1: string; t2: string; replaying: boolean[] };
    // The activity echoed the guid computed in the first episode; the last replay computed the same one.
    expect(out.e1).toBe(out.g1);
    expect(out.e2).toBe(out.g2);
    expect(out.g1).not.toBe(out.g2);
    expect(out.g1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.parse(out.t2)).toBeGreaterThanOrEqual(Date.parse(out.t1));
    expect(out.replaying).toEqual([true, true, false]);
    expect(status.customStatus).toEqual({ step: 2, guid: out.g1 });
    const started = status.historyEvents?.[0];
    expect(started?.['Timestamp']).toBe(out.t1);
  });

  it('honours maxConcurrentActivityFunctions from host.json', async () => {
    const status = await run('SampleConcurrency', 30);
    expect(status.output).toBeGreaterThan(1);
    expect(status.output).toBeLessThanOrEqual(10); // host.json extensions.durableTask.maxConcurrentActivityFunctions
    const stats = (await (await api.fetch('/local/stats')).json()) as { peaks: { activities: number; orchestrations: number }; limits: { activities: number; orchestrations: number } };
    expect(stats.limits).toEqual({ activities: 10, orchestrations: 10 });
    expect(stats.peaks.activities).toBeLessThanOrEqual(10);
    expect(stats.peaks.orchestrations).toBeLessThanOrEqual(10);
  });
});
