/**
 * The analytics surface's documented JSON (seed 004 ~20560–22434): every answer is the envelope
 * `{value, totalCount, message, statusCode}`; the items are the seed's camelCase shapes.
 */
import type { DatasetDefinition, ExecutionRecord, QueryRecord, ReportRecord } from '../model';

export function envelope(value: readonly unknown[], message: string | null): Record<string, unknown> {
  return { value, totalCount: value.length, message, statusCode: 200 };
}

export function datasetView(dataset: DatasetDefinition) {
  return {
    datasetName: dataset.datasetName,
    selectableColumns: Object.keys(dataset.columns),
    availableMetrics: [...dataset.metrics],
    availableDateRanges: [...dataset.availableDateRanges],
  };
}

export function queryView(query: QueryRecord) {
  return {
    queryId: query.queryId,
    name: query.name,
    description: query.description,
    query: query.query,
    type: query.type,
    user: query.user,
    createdTime: query.createdTime,
    modifiedTime: query.modifiedTime,
  };
}

export function reportView(report: ReportRecord) {
  return {
    reportId: report.reportId,
    reportName: report.reportName,
    description: report.description,
    queryId: report.queryId,
    query: report.query,
    user: report.user,
    createdTime: report.createdTime,
    modifiedTime: report.modifiedTime,
    startTime: report.startTime,
    reportStatus: report.reportStatus,
    recurrenceInterval: report.recurrenceInterval,
    recurrenceCount: report.recurrenceCount,
    callbackUrl: report.callbackUrl,
    format: report.format,
  };
}

export function executionView(execution: ExecutionRecord, link: { url: string; expiresAt: string } | undefined) {
  return {
    executionId: execution.executionId,
    reportId: execution.reportId,
    recurrenceInterval: execution.recurrenceInterval,
    recurrenceCount: execution.recurrenceCount,
    callbackUrl: execution.callbackUrl,
    format: execution.format,
    executionStatus: execution.status,
    reportAccessSecureLink: link?.url ?? null,
    reportExpiryTime: link?.expiresAt ?? null,
    reportGeneratedTime: execution.reportGeneratedTime ?? null,
  };
}

/** The download route of a link token. */
export function downloadPath(token: string): string {
  return `/insights/v1/cmp/ScheduledReport/download?token=${encodeURIComponent(token)}`;
}
