/**
 * The report management APIs (seed 004 ~20640, ~21981–22434; URIs reconstructed in decision 0900):
 * `POST /insights/v1/cmp/ScheduledReport`, `GET .../ScheduledReport` (reportId, reportName, queryId),
 * `PUT|DELETE .../ScheduledReport/{reportId}`, `PUT .../ScheduledReport/pause/{reportId}` and
 * `PUT .../ScheduledReport/resume/{reportId}`. Publisher app tokens only.
 */
import { app, type HttpRequest } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { callerOf } from '../shared/analytics/http/caller';
import { camelFields, createReportBody, listReportsQuery, reportParams, updateReportBody } from '../shared/analytics/http/schemas';
import { envelope, reportView } from '../shared/analytics/http/views';
import type { ReportManagement } from '../shared/analytics/service/report-management';
import { ValidationError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery, readJson } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface ReportsDeps {
  reports: () => ReportManagement;
  authenticator: () => Authenticator;
  maxBodyBytes: number;
}

/** One report id in the path (the executions API alone takes several). */
function reportIdOf(request: HttpRequest): string {
  const { reportId } = parseParams(request, reportParams);
  if (reportId.length !== 1) throw new ValidationError('The path is not valid.', [{ path: 'reportId', message: 'must be one report id' }]);
  return reportId[0] as string;
}

export function makeReportsHandlers(deps: ReportsDeps) {
  const options = { surface: surfaces.analytics, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    create: endpoint(options, async (request, { principal }) => {
      const b = await readJson(request, createReportBody, deps.maxBodyBytes);
      const report = await deps.reports().create(callerOf(principal), camelFields(b));
      return ok(envelope([reportView(report)], 'Report created successfully'));
    }),
    list: endpoint(options, async (request, { principal }) => {
      const found = await deps.reports().list(callerOf(principal), parseQuery(request, listReportsQuery));
      return ok(envelope(found.map(reportView), 'Reports fetched successfully'));
    }),
    update: endpoint(options, async (request, { principal }) => {
      const reportId = reportIdOf(request);
      const b = await readJson(request, updateReportBody, deps.maxBodyBytes);
      const report = await deps.reports().update(callerOf(principal), reportId, camelFields(b));
      return ok(envelope([reportView(report)], 'Report updated successfully'));
    }),
    remove: endpoint(options, async (request, { principal }) => {
      const report = await deps.reports().delete(callerOf(principal), reportIdOf(request));
      return ok(envelope([reportView(report)], 'Report deleted successfully'));
    }),
    pause: endpoint(options, async (request, { principal }) => {
      const report = await deps.reports().pause(callerOf(principal), reportIdOf(request));
      return ok(envelope([reportView(report)], 'Report paused successfully'));
    }),
    resume: endpoint(options, async (request, { principal }) => {
      const report = await deps.reports().resume(callerOf(principal), reportIdOf(request));
      return ok(envelope([reportView(report)], 'Report resumed successfully'));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeReportsHandlers({
    reports: () => s.analytics().reports,
    authenticator: () => s.authenticator,
    maxBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('analytics-reports-create', {
  methods: ['POST'],
  route: 'insights/v1/cmp/ScheduledReport',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().create),
});
app.http('analytics-reports-list', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledReport',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});
app.http('analytics-reports-update', {
  methods: ['PUT'],
  route: 'insights/v1/cmp/ScheduledReport/{reportId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().update),
});
app.http('analytics-reports-delete', {
  methods: ['DELETE'],
  route: 'insights/v1/cmp/ScheduledReport/{reportId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().remove),
});
app.http('analytics-reports-pause', {
  methods: ['PUT'],
  route: 'insights/v1/cmp/ScheduledReport/pause/{reportId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().pause),
});
app.http('analytics-reports-resume', {
  methods: ['PUT'],
  route: 'insights/v1/cmp/ScheduledReport/resume/{reportId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().resume),
});
