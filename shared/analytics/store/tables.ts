/**
 * Analytics' own Table rows (decision 0906). `AnalyticsQueries`: PartitionKey publisher, RowKey query id.
 * `AnalyticsReports`: PartitionKey publisher, RowKey report id, with `nextRunAt` and `reportStatus` columns so
 * the timer finds due reports with one filtered query. `AnalyticsExecutions`: PartitionKey report id, RowKey
 * execution id (a name GUID of the report and the occurrence, so the insert-only create refuses a second execution
 * of one occurrence, whoever tries), with a `dueAt` column for the timer. The record is kept as JSON in `data`.
 * Every filter is built with the `odata` tag, which binds its values.
 */
import { odata, type TableClient } from '@azure/data-tables';
import type { ExecutionRecord, QueryRecord, ReportRecord } from '../model';
import type { ExecutionStore, QueryStore, ReportStore, Versioned } from '../ports';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

async function missingIs<T>(fallback: T, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (statusOf(error) === 404) return fallback;
    throw error;
  }
}

async function conflictIs(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if ([404, 409, 412].includes(statusOf(error) ?? 0)) return false;
    throw error;
  }
}

async function all<T>(table: TableClient, filter: string): Promise<Versioned<T>[]> {
  const out: Versioned<T>[] = [];
  for await (const entity of table.listEntities<{ data: string }>({ queryOptions: { filter } })) {
    out.push({ value: JSON.parse(entity.data) as T, etag: entity.etag });
  }
  return out;
}

export class TableQueryStore implements QueryStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async create(query: QueryRecord & { publisherId: string }): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.createEntity({ partitionKey: query.publisherId, rowKey: query.queryId, data: JSON.stringify(query) }));
  }

  async list(publisherId: string): Promise<QueryRecord[]> {
    return (await all<QueryRecord>(await this.table(), odata`PartitionKey eq ${publisherId}`)).map((q) => q.value);
  }

  async get(publisherId: string, queryId: string): Promise<QueryRecord | undefined> {
    const table = await this.table();
    return missingIs(
      undefined,
      async () => JSON.parse((await table.getEntity<{ data: string }>(publisherId, queryId)).data) as QueryRecord,
    );
  }

  async delete(publisherId: string, queryId: string): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.deleteEntity(publisherId, queryId));
  }
}

function reportEntity(report: ReportRecord) {
  return {
    partitionKey: report.publisherId,
    rowKey: report.reportId,
    reportStatus: report.reportStatus,
    nextRunAt: report.reportStatus === 'Active' ? report.nextRunAt : '',
    data: JSON.stringify(report),
  };
}

export class TableReportStore implements ReportStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async create(report: ReportRecord): Promise<void> {
    await (await this.table()).createEntity(reportEntity(report));
  }

  async get(publisherId: string, reportId: string): Promise<Versioned<ReportRecord> | undefined> {
    const table = await this.table();
    return missingIs(undefined, async () => {
      const entity = await table.getEntity<{ data: string }>(publisherId, reportId);
      return { value: JSON.parse(entity.data) as ReportRecord, etag: entity.etag };
    });
  }

  async list(publisherId: string): Promise<ReportRecord[]> {
    return (await all<ReportRecord>(await this.table(), odata`PartitionKey eq ${publisherId}`)).map((r) => r.value);
  }

  async replace(report: ReportRecord, etag: string): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.updateEntity(reportEntity(report), 'Replace', { etag }));
  }

  async delete(publisherId: string, reportId: string): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.deleteEntity(publisherId, reportId));
  }

  async due(now: Date): Promise<Versioned<ReportRecord>[]> {
    const at = `${now.toISOString().slice(0, 19)}Z`;
    return all<ReportRecord>(await this.table(), odata`nextRunAt gt ${''} and nextRunAt le ${at}`);
  }
}

/** When the timer must next look at an execution ('' = never). */
export function executionDueAt(execution: ExecutionRecord): string {
  if (execution.status === 'Pending') return execution.retryAt ?? execution.scheduledAt;
  if (execution.status === 'Running') return execution.leaseUntil ?? execution.scheduledAt;
  if (execution.status === 'Completed' && execution.callback && !execution.callback.deliveredAt) return execution.callback.nextAt ?? '';
  return '';
}

function executionEntity(execution: ExecutionRecord) {
  return {
    partitionKey: execution.reportId,
    rowKey: execution.executionId,
    publisherId: execution.publisherId,
    dueAt: executionDueAt(execution),
    data: JSON.stringify(execution),
  };
}

export class TableExecutionStore implements ExecutionStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async create(execution: ExecutionRecord): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.createEntity(executionEntity(execution)));
  }

  async get(reportId: string, executionId: string): Promise<Versioned<ExecutionRecord> | undefined> {
    const table = await this.table();
    return missingIs(undefined, async () => {
      const entity = await table.getEntity<{ data: string }>(reportId, executionId);
      return { value: JSON.parse(entity.data) as ExecutionRecord, etag: entity.etag };
    });
  }

  async list(reportId: string): Promise<ExecutionRecord[]> {
    return (await all<ExecutionRecord>(await this.table(), odata`PartitionKey eq ${reportId}`)).map((e) => e.value);
  }

  async replace(execution: ExecutionRecord, etag: string): Promise<boolean> {
    const table = await this.table();
    return conflictIs(() => table.updateEntity(executionEntity(execution), 'Replace', { etag }));
  }

  async deleteAll(reportId: string): Promise<void> {
    const table = await this.table();
    for (const execution of await this.list(reportId)) {
      await conflictIs(() => table.deleteEntity(reportId, execution.executionId));
    }
  }

  async due(now: Date): Promise<Versioned<ExecutionRecord>[]> {
    const at = `${now.toISOString().slice(0, 19)}Z`;
    return all<ExecutionRecord>(await this.table(), odata`dueAt gt ${''} and dueAt le ${at}`);
  }
}
