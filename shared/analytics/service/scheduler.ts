/**
 * The scheduled runs (decision 0903), one pass per timer tick on the project clock:
 * 1. every Active report whose next run has come gets one execution per due occurrence, created insert-only under
 *    a name GUID of (report, occurrence) — a second tick, a second host or a restart after a crash between this
 *    and step 2 finds the row there and creates nothing;
 * 2. the report's `nextRunAt` moves past them (If-Match; Inactive when its count is used up);
 * 3. every execution with work due runs: Pending (or Running with a lapsed lease: its runner died) is claimed with
 *    If-Match, so one runner runs it; its query streams into the report file; it completes with the file's row
 *    count. A failure is retried twice, then the execution is Failed. A paused report's execution becomes Paused;
 * 4. a completed execution with a callback URL calls it (POST, retried at 1, 5, 15, 60 minutes, up to the
 *    configured attempts); the answer is recorded, so a callback is made once per execution when it is answered.
 */
import type { Clock } from '../../clock';
import { noFaults, type Faults } from '../../faults';
import type { ExecutionRecord, ReportRecord } from '../model';
import type { Callbacks, ExecutionStore, ReportFiles, ReportStore, Versioned } from '../ports';
import { contentType, formatLine } from '../rules/delimited';
import { callbackDelayMs, dueOccurrences, executionIdOf, iso } from '../rules/recurrence';
import { dateWindow, explicitWindow } from '../rules/timespan';
import { planOf } from './checked-query';
import type { QueryEngine } from './run-query';

/** Named crash points (shared/faults.ts) for the crash tests. */
export const SCHEDULER_POINTS = {
  afterExecutionsCreated: 'analytics.after-executions-created',
  afterFileWritten: 'analytics.after-file-written',
} as const;

const RUN_ATTEMPTS = 3;
const RETRY_MS = 5 * 60_000;

export interface SchedulerSettings {
  /** How long a claimed execution is its runner's before another may take it over. */
  leaseMs: number;
  callbackMaxAttempts: number;
}

export interface TickResult {
  created: number;
  completed: number;
  failed: number;
  callbacks: number;
}

export function fileNameOf(execution: Pick<ExecutionRecord, 'publisherId' | 'reportId' | 'executionId' | 'format'>): string {
  return `${execution.publisherId}/${execution.reportId}/${execution.executionId}.${execution.format}`;
}

/** What the callback receives: the execution's identity and state; the download link comes from the executions API. */
export function callbackBody(execution: ExecutionRecord): Record<string, unknown> {
  return {
    executionId: execution.executionId,
    reportId: execution.reportId,
    executionStatus: execution.status,
    format: execution.format,
    reportGeneratedTime: execution.reportGeneratedTime ?? null,
  };
}

export class ReportScheduler {
  readonly #reports: ReportStore;
  readonly #executions: ExecutionStore;
  readonly #files: ReportFiles;
  readonly #engine: QueryEngine;
  readonly #callbacks: Callbacks;
  readonly #clock: Clock;
  readonly #faults: Faults;
  readonly #settings: SchedulerSettings;

  constructor(deps: {
    reports: ReportStore;
    executions: ExecutionStore;
    files: ReportFiles;
    engine: QueryEngine;
    callbacks: Callbacks;
    clock: Clock;
    faults?: Faults;
    settings: SchedulerSettings;
  }) {
    this.#reports = deps.reports;
    this.#executions = deps.executions;
    this.#files = deps.files;
    this.#engine = deps.engine;
    this.#callbacks = deps.callbacks;
    this.#clock = deps.clock;
    this.#faults = deps.faults ?? noFaults;
    this.#settings = deps.settings;
  }

  async tick(): Promise<TickResult> {
    const result: TickResult = { created: 0, completed: 0, failed: 0, callbacks: 0 };
    for (const report of await this.#reports.due(this.#clock.now())) result.created += await this.#schedule(report);
    for (const execution of await this.#executions.due(this.#clock.now())) {
      const { value } = execution;
      if (value.status === 'Completed') {
        if (await this.#callback(execution)) result.callbacks += 1;
        continue;
      }
      const outcome = await this.#run(execution, result);
      if (outcome === 'Completed') result.completed += 1;
      if (outcome === 'Failed') result.failed += 1;
    }
    return result;
  }

  async #schedule({ value: report, etag }: Versioned<ReportRecord>): Promise<number> {
    if (report.reportStatus !== 'Active') return 0;
    const { due, nextRunAt } = dueOccurrences(report, this.#clock.now());
    let created = 0;
    for (const scheduledAt of due) {
      const execution: ExecutionRecord = {
        executionId: executionIdOf(report.reportId, scheduledAt),
        reportId: report.reportId,
        publisherId: report.publisherId,
        scheduledAt,
        status: 'Pending',
        recurrenceInterval: report.recurrenceInterval,
        recurrenceCount: report.recurrenceCount,
        callbackUrl: report.callbackUrl,
        format: report.format,
        attempts: 0,
      };
      if (await this.#executions.create(execution)) created += 1;
    }
    await this.#faults.reach(SCHEDULER_POINTS.afterExecutionsCreated);
    // A lost race (the report changed meanwhile) is harmless: the next tick recomputes from the stored report, and the executions it would create exist.
    await this.#reports.replace({ ...report, nextRunAt, reportStatus: nextRunAt === '' ? 'Inactive' : 'Active' }, etag);
    return created;
  }

  async #run({ value: execution, etag }: Versioned<ExecutionRecord>, result: TickResult): Promise<ExecutionRecord['status'] | undefined> {
    const now = this.#clock.now();
    const report = (await this.#reports.get(execution.publisherId, execution.reportId))?.value;
    if (!report) return undefined;
    if (report.reportStatus === 'Paused') {
      await this.#executions.replace({ ...execution, status: 'Paused' }, etag);
      return 'Paused';
    }
    const claimed: ExecutionRecord = {
      ...execution,
      status: 'Running',
      attempts: execution.attempts + 1,
      leaseUntil: iso(new Date(now.getTime() + this.#settings.leaseMs)),
    };
    delete claimed.retryAt;
    if (!(await this.#executions.replace(claimed, etag))) return undefined;
    const current = (await this.#executions.get(claimed.reportId, claimed.executionId)) as Versioned<ExecutionRecord>;
    try {
      const rowCount = await this.#writeFile(report, claimed);
      await this.#faults.reach(SCHEDULER_POINTS.afterFileWritten);
      const done: ExecutionRecord = {
        ...claimed,
        status: 'Completed',
        reportGeneratedTime: iso(this.#clock.now()),
        rowCount,
        ...(claimed.callbackUrl ? { callback: { attempts: 0, nextAt: iso(this.#clock.now()) } } : {}),
      };
      delete done.leaseUntil;
      if (!(await this.#executions.replace(done, current.etag))) return undefined;
      const stored = await this.#executions.get(done.reportId, done.executionId);
      if (stored && done.callback && (await this.#callback(stored))) result.callbacks += 1;
      return 'Completed';
    } catch (error) {
      const failed = claimed.attempts >= RUN_ATTEMPTS;
      const next: ExecutionRecord = {
        ...claimed,
        status: failed ? 'Failed' : 'Pending',
        failure: error instanceof Error ? error.message : String(error),
        ...(failed ? {} : { retryAt: iso(new Date(this.#clock.now().getTime() + RETRY_MS)) }),
      };
      delete next.leaseUntil;
      await this.#executions.replace(next, current.etag);
      return next.status;
    }
  }

  async #writeFile(report: ReportRecord, execution: ExecutionRecord): Promise<number> {
    const plan = planOf(report.query);
    const at = new Date(execution.scheduledAt);
    const window =
      report.executeNow && (report.queryStartTime || report.queryEndTime)
        ? explicitWindow(report.queryStartTime, report.queryEndTime, at)
        : dateWindow(plan.timespan, at);
    let rows = 0;
    const engine = this.#engine;
    async function* lines(): AsyncIterable<string> {
      yield formatLine(execution.format, plan.select);
      for await (const row of engine.run(report.publisherId, plan, window)) {
        rows += 1;
        yield formatLine(execution.format, row);
      }
    }
    await this.#files.write(fileNameOf(execution), contentType(execution.format), lines());
    return rows;
  }

  /** One callback attempt when it is due; true when it was answered. */
  async #callback({ value: execution, etag }: Versioned<ExecutionRecord>): Promise<boolean> {
    const state = execution.callback;
    if (!execution.callbackUrl || !state || state.deliveredAt) return false;
    const outcome = await this.#callbacks.notify(execution.callbackUrl, callbackBody(execution), execution.executionId);
    const attempts = state.attempts + 1;
    const now = this.#clock.now();
    const callback: NonNullable<ExecutionRecord['callback']> = outcome.ok
      ? { attempts, deliveredAt: iso(now), lastOutcome: `HTTP ${outcome.status}` }
      : {
          attempts,
          lastOutcome: outcome.reason,
          ...(attempts < this.#settings.callbackMaxAttempts ? { nextAt: iso(new Date(now.getTime() + callbackDelayMs(attempts))) } : {}),
        };
    await this.#executions.replace({ ...execution, callback }, etag);
    return outcome.ok;
  }
}
