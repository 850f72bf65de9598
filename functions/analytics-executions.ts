/**
 * The Get report executions API (seed 004 ~20760, walk-through ~21130; decision 0900):
 * `GET /insights/v1/cmp/ScheduledReport/execution/{reportId}` (executionId, executionStatus, getLatestExecution),
 * and the download behind each `reportAccessSecureLink`: `GET .../ScheduledReport/download?token=`, a sealed,
 * time-limited link (decision 0905) that needs no bearer token, answered as a stream from Blob storage. In `sas`
 * link mode (decision 0907) the link is a read-only SAS straight to the file in Blob storage instead; the route stays
 * for links minted before a switch.
 */
import { Readable } from 'node:stream';
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { callerOf } from '../shared/analytics/http/caller';
import { downloadQuery, executionsQuery, reportParams } from '../shared/analytics/http/schemas';
import { downloadPath, envelope, executionView } from '../shared/analytics/http/views';
import type { Executions } from '../shared/analytics/service/executions';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, parseParams, parseQuery } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface ExecutionsDeps {
  executions: () => Executions;
  authenticator: () => Authenticator;
  publicBaseUrl: string | undefined;
}

export function makeExecutionsHandlers(deps: ExecutionsDeps) {
  return {
    list: endpoint(
      { surface: surfaces.analytics, allow: ['publisher'] as const, authenticator: deps.authenticator },
      async (request, { principal }) => {
        const { reportId } = parseParams(request, reportParams);
        const query = parseQuery(request, executionsQuery);
        const found = await deps.executions().list(callerOf(principal), {
          reportIds: reportId,
          ...(query.executionId ? { executionIds: query.executionId } : {}),
          ...(query.executionStatus ? { statuses: query.executionStatus } : {}),
          ...(query.getLatestExecution !== undefined ? { latestOnly: query.getLatestExecution } : {}),
        });
        const base = baseUrlOf(request, deps.publicBaseUrl);
        return ok(
          envelope(
            found.map((item) =>
              executionView(
                item.execution,
                item.link
                  ? { url: 'url' in item.link ? item.link.url : `${base}${downloadPath(item.link.token)}`, expiresAt: item.link.expiresAt }
                  : undefined,
              ),
            ),
            null,
          ),
        );
      },
    ),
    download: endpoint({ surface: surfaces.analytics }, async (request) => {
      const { token } = parseQuery(request, downloadQuery);
      const file = await deps.executions().download(token);
      return {
        status: 200,
        body: Readable.from(file.stream as AsyncIterable<Buffer>),
        headers: {
          'content-type': file.contentType,
          'content-length': String(file.length),
          'content-disposition': `attachment; filename="${file.fileName}"`,
          'cache-control': 'private, no-store',
        },
      };
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeExecutionsHandlers({
    executions: () => s.analytics().executions,
    authenticator: () => s.authenticator,
    publicBaseUrl: s.config.publicBaseUrl,
  });
});

app.http('analytics-executions', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledReport/execution/{reportId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('analytics-download', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledReport/download',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().download),
});
