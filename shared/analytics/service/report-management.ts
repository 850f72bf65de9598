/**
 * The report management APIs (seed 004 ~20640–20760, ~21981–22434): create, list, update, delete, pause and
 * resume a scheduled report. A report names one of the caller's queries or a system query; its schedule follows
 * rules/recurrence.ts, and `nextRunAt` (the timer's due column) moves with every change here. Changes are
 * conditional (If-Match) and retried on a concurrent change, so the timer and an API call never undo each other.
 */
import type { Clock } from '../../clock';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ReportFormat, ReportRecord } from '../model';
import type { ExecutionStore, ReportFiles, ReportStore } from '../ports';
import { iso, MIN_INTERVAL_HOURS, nextRunFrom, scheduleProblems } from '../rules/recurrence';
import type { Caller, QueryManagement } from './query-management';

export interface ReportInput {
  reportName: string;
  description?: string;
  queryId: string;
  startTime?: Date;
  recurrenceInterval?: number;
  recurrenceCount?: number | null;
  format?: ReportFormat;
  callbackUrl?: string | null;
  executeNow?: boolean;
  queryStartTime?: Date;
  queryEndTime?: Date;
}

export type ReportUpdate = Partial<Omit<ReportInput, 'queryId' | 'executeNow' | 'queryStartTime' | 'queryEndTime'>>;

export interface ReportFilters {
  reportId?: string;
  reportName?: string;
  queryId?: string;
}

const invalid = (problems: [string, string][]) =>
  new ValidationError(
    problems.map(([, message]) => message).join('; '),
    problems.map(([path, message]) => ({ path, message })),
    'InvalidReportParameters',
  );

export class ReportManagement {
  readonly #reports: ReportStore;
  readonly #executions: ExecutionStore;
  readonly #files: ReportFiles;
  readonly #queries: QueryManagement;
  readonly #clock: Clock;
  readonly #newId: () => string;
  readonly #httpsCallbacks: boolean;

  constructor(deps: {
    reports: ReportStore;
    executions: ExecutionStore;
    files: ReportFiles;
    queries: QueryManagement;
    clock: Clock;
    newId: () => string;
    /** Outside local mode a callback URL must be https (the outbound client calls nothing else; decision 0006). */
    httpsCallbacks?: boolean;
  }) {
    this.#reports = deps.reports;
    this.#executions = deps.executions;
    this.#files = deps.files;
    this.#queries = deps.queries;
    this.#clock = deps.clock;
    this.#newId = deps.newId;
    this.#httpsCallbacks = deps.httpsCallbacks ?? false;
  }

  #checkCallback(url: string | null | undefined): void {
    if (this.#httpsCallbacks && url && !url.toLowerCase().startsWith('https:')) {
      throw invalid([['CallbackUrl', 'CallbackUrl must be an https URL']]);
    }
  }

  async create(caller: Caller, input: ReportInput): Promise<ReportRecord> {
    const now = this.#clock.now();
    this.#checkCallback(input.callbackUrl);
    const query = await this.#queries.find(caller, input.queryId);
    if (!query) throw invalid([['QueryId', `Invalid QueryId: no query ${input.queryId} is available to this account`]]);
    const executeNow = input.executeNow === true;
    const schedule = executeNow
      ? { startTime: now, recurrenceInterval: input.recurrenceInterval ?? MIN_INTERVAL_HOURS, recurrenceCount: 1 }
      : { startTime: input.startTime, recurrenceInterval: input.recurrenceInterval, recurrenceCount: input.recurrenceCount ?? null };
    const missing: [string, string][] = [];
    if (!schedule.startTime) missing.push(['StartTime', 'StartTime is required']);
    if (schedule.recurrenceInterval === undefined) missing.push(['RecurrenceInterval', 'RecurrenceInterval is required']);
    if (missing.length > 0) throw invalid(missing);
    const checked = {
      startTime: schedule.startTime as Date,
      recurrenceInterval: schedule.recurrenceInterval as number,
      recurrenceCount: schedule.recurrenceCount,
    };
    const problems = executeNow ? scheduleProblems(checked, now, false) : scheduleProblems(checked, now, true);
    if (input.queryStartTime && input.queryEndTime && input.queryStartTime > input.queryEndTime) {
      problems.push(['QueryStartTime', 'QueryStartTime must not be after QueryEndTime']);
    }
    if (problems.length > 0) throw invalid(problems);
    const startTime = iso(checked.startTime);
    const report: ReportRecord = {
      reportId: this.#newId(),
      publisherId: caller.publisherId,
      reportName: input.reportName,
      description: input.description ?? '',
      queryId: query.queryId,
      query: query.query,
      user: caller.user,
      createdTime: iso(now),
      modifiedTime: null,
      startTime,
      reportStatus: 'Active',
      recurrenceInterval: checked.recurrenceInterval,
      recurrenceCount: checked.recurrenceCount,
      callbackUrl: input.callbackUrl ?? null,
      format: input.format ?? 'csv',
      executeNow,
      ...(executeNow && input.queryStartTime ? { queryStartTime: iso(input.queryStartTime) } : {}),
      ...(executeNow && input.queryEndTime ? { queryEndTime: iso(input.queryEndTime) } : {}),
      nextRunAt: startTime,
    };
    await this.#reports.create(report);
    return report;
  }

  async list(caller: Caller, filters: ReportFilters): Promise<ReportRecord[]> {
    const all = (await this.#reports.list(caller.publisherId)).sort((a, b) => b.createdTime.localeCompare(a.createdTime));
    return all.filter(
      (r) =>
        (filters.reportId === undefined || r.reportId === filters.reportId.toLowerCase()) &&
        (filters.reportName === undefined || r.reportName.toLowerCase() === filters.reportName.toLowerCase()) &&
        (filters.queryId === undefined || r.queryId === filters.queryId.toLowerCase()),
    );
  }

  async get(caller: Caller, reportId: string): Promise<ReportRecord> {
    const found = await this.#reports.get(caller.publisherId, reportId.toLowerCase());
    if (!found) throw new NotFoundError(`No report with id ${reportId}.`, 'ReportNotFound');
    return found.value;
  }

  async update(caller: Caller, reportId: string, change: ReportUpdate): Promise<ReportRecord> {
    this.#checkCallback(change.callbackUrl);
    return this.#mutate(caller, reportId, (report, now) => {
      const next: ReportRecord = {
        ...report,
        ...(change.reportName !== undefined ? { reportName: change.reportName } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.startTime !== undefined ? { startTime: iso(change.startTime) } : {}),
        ...(change.recurrenceInterval !== undefined ? { recurrenceInterval: change.recurrenceInterval } : {}),
        ...(change.recurrenceCount !== undefined ? { recurrenceCount: change.recurrenceCount } : {}),
        ...(change.format !== undefined ? { format: change.format } : {}),
        ...(change.callbackUrl !== undefined ? { callbackUrl: change.callbackUrl } : {}),
        modifiedTime: iso(now),
      };
      const problems = scheduleProblems(
        { startTime: new Date(next.startTime), recurrenceInterval: next.recurrenceInterval, recurrenceCount: next.recurrenceCount },
        now,
        false,
      );
      if (problems.length > 0) throw invalid(problems);
      if (report.executeNow || next.reportStatus === 'Paused') return next;
      const nextRunAt = nextRunFrom(next, now);
      return { ...next, nextRunAt, reportStatus: nextRunAt === '' ? 'Inactive' : 'Active' };
    });
  }

  pause(caller: Caller, reportId: string): Promise<ReportRecord> {
    return this.#mutate(caller, reportId, (report, now) => {
      if (report.reportStatus === 'Inactive') throw new ConflictError('The report has no executions left to pause.', 'ReportInactive');
      if (report.reportStatus === 'Paused') return report;
      return { ...report, reportStatus: 'Paused', nextRunAt: '', modifiedTime: iso(now) };
    });
  }

  /** Occurrences that passed while paused are skipped: the next run is the first one not yet past. */
  resume(caller: Caller, reportId: string): Promise<ReportRecord> {
    return this.#mutate(caller, reportId, (report, now) => {
      if (report.reportStatus !== 'Paused') return report;
      const nextRunAt = report.executeNow ? report.startTime : nextRunFrom(report, now);
      return { ...report, reportStatus: nextRunAt === '' ? 'Inactive' : 'Active', nextRunAt, modifiedTime: iso(now) };
    });
  }

  /** The report, its executions and their files. */
  async delete(caller: Caller, reportId: string): Promise<ReportRecord> {
    const report = await this.get(caller, reportId);
    await this.#reports.delete(caller.publisherId, report.reportId);
    await this.#executions.deleteAll(report.reportId);
    await this.#files.deleteAll(`${caller.publisherId}/${report.reportId}/`);
    return report;
  }

  async #mutate(caller: Caller, reportId: string, change: (report: ReportRecord, now: Date) => ReportRecord): Promise<ReportRecord> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.#reports.get(caller.publisherId, reportId.toLowerCase());
      if (!found) throw new NotFoundError(`No report with id ${reportId}.`, 'ReportNotFound');
      const next = change(found.value, this.#clock.now());
      if (next === found.value) return next;
      if (await this.#reports.replace(next, found.etag)) return next;
    }
    throw new ConflictError('The report changed while it was being updated; retry the request.', 'ReportChanged');
  }
}
