/**
 * The scheduler over in-memory stores with the real stores' guarantees. The crash tests stop a runner for good at
 * a named fault point (a PausePoints gate never released: the process is gone) and start another on the same
 * stores: an implementation that gave an occurrence a fresh execution id, checked for an execution before writing
 * one, or ran an execution without claiming it would run the occurrence twice here.
 */
import { describe, expect, it } from 'vitest';
import type { OrderFacts, ReportRecord, UsageFacts } from '../../../../shared/analytics/model';
import { QueryEngine } from '../../../../shared/analytics/service/run-query';
import { ReportScheduler, SCHEDULER_POINTS, fileNameOf } from '../../../../shared/analytics/service/scheduler';
import { executionIdOf } from '../../../../shared/analytics/rules/recurrence';
import { PausePoints, type Faults } from '../../../../shared/faults';
import { FakeCallbacks, FakeExecutions, FakeFiles, FakeReports, FakeSources } from './fakes';

const START = '2031-03-10T12:00:00Z';

function clockAt(iso: string) {
  let now = new Date(iso);
  return { now: () => now, set: (to: string) => (now = new Date(to)) };
}

const order: OrderFacts = {
  subscriptionId: 'sub-1',
  offerId: 'offer',
  planId: 'basic',
  purchaser: { email: 'p@a.com', tenantId: 'tp', objectId: 'o' },
  beneficiary: { email: 'b@a.com', tenantId: 'tb', objectId: 'o' },
  status: 'Subscribed',
  created: '2031-03-01T00:00:00Z',
  isFreeTrial: false,
  isTest: false,
  termUnit: 'P1M',
};

const usage = (id: string, day: string, quantity: number): UsageFacts => ({
  usageEventId: id,
  resourceKey: 'sub-1',
  resourceKind: 'saas',
  offerId: 'offer',
  planId: 'basic',
  dimension: 'email',
  quantity,
  effectiveAt: `${day}T08:00:00.000Z`,
});

function report(over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    reportId: 'r1',
    publisherId: 'contoso',
    reportName: 'usage',
    description: '',
    queryId: 'q1',
    query: 'SELECT UsageReference, UsageQuantity FROM ISVUsage TIMESPAN LAST_7_DAYS',
    user: 'app',
    createdTime: '2031-03-01T00:00:00Z',
    modifiedTime: null,
    startTime: START,
    reportStatus: 'Active',
    recurrenceInterval: 24,
    recurrenceCount: 2,
    callbackUrl: 'https://isv.example/callback',
    format: 'csv',
    executeNow: false,
    nextRunAt: START,
    ...over,
  };
}

async function world(reportOver: Partial<ReportRecord> = {}) {
  const reports = new FakeReports();
  await reports.create(report(reportOver));
  const executions = new FakeExecutions();
  const files = new FakeFiles();
  const callbacks = new FakeCallbacks();
  const sources = new FakeSources([order], [usage('u1', '2031-03-09', 1), usage('u2', '2031-03-10', 2), usage('u3', '2031-03-11', 4)]);
  const clock = clockAt('2031-03-10T12:00:30Z');
  const scheduler = (faults?: Faults, answers?: FakeCallbacks) =>
    new ReportScheduler({
      reports,
      executions,
      files,
      engine: new QueryEngine({ orders: sources, usage: sources, offers: sources }),
      callbacks: answers ?? callbacks,
      clock,
      ...(faults ? { faults } : {}),
      settings: { leaseMs: 15 * 60_000, callbackMaxAttempts: 3 },
    });
  return { reports, executions, files, callbacks, clock, scheduler };
}

const firstId = executionIdOf('r1', START);

describe('ReportScheduler', () => {
  it('runs a due occurrence once: file, Completed with its row count, one callback, the next run moved on', async () => {
    const w = await world();
    expect(await w.scheduler().tick()).toEqual({ created: 1, completed: 1, failed: 0, callbacks: 1 });
    const [execution] = w.executions.all();
    expect(execution).toMatchObject({
      executionId: firstId,
      status: 'Completed',
      rowCount: 2,
      scheduledAt: START,
      reportGeneratedTime: '2031-03-10T12:00:30Z',
      attempts: 1,
    });
    expect(execution?.callback).toEqual({ attempts: 1, deliveredAt: '2031-03-10T12:00:30Z', lastOutcome: 'HTTP 200' });
    expect(w.files.files.get(fileNameOf(execution as never))?.body).toBe('UsageReference,UsageQuantity\r\nu1,1\r\nu2,2\r\n');
    expect(w.callbacks.calls).toEqual([
      {
        url: 'https://isv.example/callback',
        executionId: firstId,
        body: {
          executionId: firstId,
          reportId: 'r1',
          executionStatus: 'Completed',
          format: 'csv',
          reportGeneratedTime: '2031-03-10T12:00:30Z',
        },
      },
    ]);
    expect((await w.reports.get('contoso', 'r1'))?.value).toMatchObject({ nextRunAt: '2031-03-11T12:00:00Z', reportStatus: 'Active' });
    expect(await w.scheduler().tick()).toEqual({ created: 0, completed: 0, failed: 0, callbacks: 0 });
  });

  it('runs the second occurrence with its own window, then the report is Inactive', async () => {
    const w = await world();
    await w.scheduler().tick();
    w.clock.set('2031-03-11T12:00:00Z');
    expect(await w.scheduler().tick()).toMatchObject({ created: 1, completed: 1 });
    const second = w.executions.all().find((e) => e.executionId === executionIdOf('r1', '2031-03-11T12:00:00Z'));
    expect(w.files.files.get(fileNameOf(second as never))?.body).toBe('UsageReference,UsageQuantity\r\nu1,1\r\nu2,2\r\nu3,4\r\n');
    expect((await w.reports.get('contoso', 'r1'))?.value).toMatchObject({ nextRunAt: '', reportStatus: 'Inactive' });
    expect(w.callbacks.calls).toHaveLength(2);
  });

  it('two runners ticking at once create and run the occurrence once', async () => {
    const w = await world();
    const results = await Promise.all([w.scheduler().tick(), w.scheduler().tick(), w.scheduler().tick()]);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.completed, 0)).toBe(1);
    expect(w.executions.all()).toHaveLength(1);
    expect(w.files.writes).toHaveLength(1);
    expect(w.callbacks.calls).toHaveLength(1);
  });

  it('a runner that dies after creating the execution, before moving the next run: the restarted one runs it once', async () => {
    const w = await world();
    const points = new PausePoints();
    const gate = points.pause(SCHEDULER_POINTS.afterExecutionsCreated);
    void w.scheduler(points).tick(); // never resumes: the process is gone
    await gate.arrivals(1);
    expect(w.executions.all().map((e) => e.status)).toEqual(['Pending']);
    expect((await w.reports.get('contoso', 'r1'))?.value.nextRunAt).toBe(START);
    expect(await w.scheduler().tick()).toEqual({ created: 0, completed: 1, failed: 0, callbacks: 1 });
    expect(w.executions.all()).toHaveLength(1);
    expect(w.files.writes).toHaveLength(1);
    expect((await w.reports.get('contoso', 'r1'))?.value.nextRunAt).toBe('2031-03-11T12:00:00Z');
  });

  it('a runner that dies after writing the file: nobody else runs it while its lease holds; after, it runs again to one Completed execution and one callback', async () => {
    const w = await world();
    const points = new PausePoints();
    const gate = points.pause(SCHEDULER_POINTS.afterFileWritten);
    void w.scheduler(points).tick();
    await gate.arrivals(1);
    expect(w.executions.all()[0]).toMatchObject({ status: 'Running', leaseUntil: '2031-03-10T12:15:30Z' });
    w.clock.set('2031-03-10T12:15:29Z');
    expect(await w.scheduler().tick()).toEqual({ created: 0, completed: 0, failed: 0, callbacks: 0 });
    w.clock.set('2031-03-10T12:15:30Z');
    expect(await w.scheduler().tick()).toEqual({ created: 0, completed: 1, failed: 0, callbacks: 1 });
    expect(w.executions.all()).toHaveLength(1);
    expect(w.executions.all()[0]).toMatchObject({ status: 'Completed', attempts: 2 });
    expect(w.files.writes).toEqual([fileNameOf(w.executions.all()[0] as never), fileNameOf(w.executions.all()[0] as never)]);
    expect(w.callbacks.calls).toHaveLength(1);
  });

  it('retries a callback at 1 and 5 minutes, stops once answered', async () => {
    const w = await world();
    const answers = new FakeCallbacks([
      { ok: false, reason: 'HTTP 500' },
      { ok: false, reason: 'connection refused' },
    ]);
    expect(await w.scheduler(undefined, answers).tick()).toMatchObject({ completed: 1, callbacks: 0 });
    expect(w.executions.all()[0]?.callback).toEqual({ attempts: 1, lastOutcome: 'HTTP 500', nextAt: '2031-03-10T12:01:30Z' });
    w.clock.set('2031-03-10T12:01:29Z');
    await w.scheduler(undefined, answers).tick();
    expect(answers.calls).toHaveLength(1);
    w.clock.set('2031-03-10T12:01:30Z');
    await w.scheduler(undefined, answers).tick();
    expect(w.executions.all()[0]?.callback).toEqual({ attempts: 2, lastOutcome: 'connection refused', nextAt: '2031-03-10T12:06:30Z' });
    w.clock.set('2031-03-10T12:06:30Z');
    expect(await w.scheduler(undefined, answers).tick()).toMatchObject({ callbacks: 1 });
    expect(w.executions.all()[0]?.callback).toEqual({ attempts: 3, deliveredAt: '2031-03-10T12:06:30Z', lastOutcome: 'HTTP 200' });
    w.clock.set('2031-03-10T13:00:00Z');
    await w.scheduler(undefined, answers).tick();
    expect(answers.calls).toHaveLength(3);
  });

  it('gives up on a callback after the configured attempts', async () => {
    const w = await world();
    const down = new FakeCallbacks([1, 2, 3, 4].map(() => ({ ok: false as const, reason: 'HTTP 503' })));
    await w.scheduler(undefined, down).tick();
    for (const at of ['2031-03-10T12:01:30Z', '2031-03-10T12:06:30Z', '2031-03-10T14:00:00Z']) {
      w.clock.set(at);
      await w.scheduler(undefined, down).tick();
    }
    expect(down.calls).toHaveLength(3);
    expect(w.executions.all()[0]?.callback).toEqual({ attempts: 3, lastOutcome: 'HTTP 503' });
  });

  it('no callback without a URL', async () => {
    const w = await world({ callbackUrl: null });
    expect(await w.scheduler().tick()).toMatchObject({ completed: 1, callbacks: 0 });
    expect(w.callbacks.calls).toEqual([]);
    expect(w.executions.all()[0]?.callback).toBeUndefined();
  });

  it('a paused report creates nothing; its pending execution becomes Paused', async () => {
    const paused = await world({ reportStatus: 'Paused', nextRunAt: '' });
    expect(await paused.scheduler().tick()).toEqual({ created: 0, completed: 0, failed: 0, callbacks: 0 });
    const w = await world();
    const points = new PausePoints();
    const gate = points.pause(SCHEDULER_POINTS.afterExecutionsCreated);
    void w.scheduler(points).tick();
    await gate.arrivals(1);
    const stored = await w.reports.get('contoso', 'r1');
    await w.reports.replace({ ...(stored?.value as ReportRecord), reportStatus: 'Paused', nextRunAt: '' }, stored?.etag as string);
    await w.scheduler().tick();
    expect(w.executions.all().map((e) => e.status)).toEqual(['Paused']);
    expect(w.files.writes).toEqual([]);
  });

  it('retries a failing execution after 5 minutes and marks it Failed after 3 attempts', async () => {
    const w = await world({ query: 'SELECT Nope FROM ISVUsage' });
    await w.scheduler().tick();
    expect(w.executions.all()[0]).toMatchObject({ status: 'Pending', attempts: 1, retryAt: '2031-03-10T12:05:30Z' });
    expect(w.executions.all()[0]?.failure).toContain("Unknown column or metric 'Nope'");
    w.clock.set('2031-03-10T12:05:30Z');
    await w.scheduler().tick();
    w.clock.set('2031-03-10T12:10:30Z');
    expect(await w.scheduler().tick()).toMatchObject({ failed: 1 });
    expect(w.executions.all()[0]).toMatchObject({ status: 'Failed', attempts: 3 });
    expect(w.executions.all()[0]?.retryAt).toBeUndefined();
  });
});
