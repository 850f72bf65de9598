/**
 * The query management APIs (seed 004 ~20560, ~21776–21980; URIs reconstructed in decision 0900):
 * `POST /insights/v1/cmp/ScheduledQueries` (Name, Description, Query), `GET .../ScheduledQueries` (queryId,
 * queryName, includeSystemQueries, includeOnlySystemQueries), `DELETE .../ScheduledQueries/{queryId}` and
 * `GET .../ScheduledQueries/testQueryResult?exportQuery=` (or `queryId=`). Publisher app tokens only.
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { createQueryBody, listQueriesQuery, queryParams, tryQueryQuery } from '../shared/analytics/http/schemas';
import { envelope, queryView } from '../shared/analytics/http/views';
import { callerOf } from '../shared/analytics/http/caller';
import type { QueryManagement } from '../shared/analytics/service/query-management';
import type { TryQuery } from '../shared/analytics/service/try-query';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery, readJson } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface QueriesDeps {
  queries: () => QueryManagement;
  tryQuery: () => TryQuery;
  authenticator: () => Authenticator;
  maxBodyBytes: number;
}

export function makeQueriesHandlers(deps: QueriesDeps) {
  const options = { surface: surfaces.analytics, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    create: endpoint(options, async (request, { principal }) => {
      const input = await readJson(request, createQueryBody, deps.maxBodyBytes);
      const created = await deps.queries().create(callerOf(principal), {
        name: input.Name,
        query: input.Query,
        ...(input.Description !== undefined ? { description: input.Description } : {}),
      });
      return ok(envelope([queryView(created)], 'Query created successfully'));
    }),
    list: endpoint(options, async (request, { principal }) => {
      const filters = parseQuery(request, listQueriesQuery);
      const found = await deps.queries().list(callerOf(principal), filters);
      return ok(envelope(found.map(queryView), 'Queries fetched successfully'));
    }),
    remove: endpoint(options, async (request, { principal }) => {
      const { queryId } = parseParams(request, queryParams);
      const deleted = await deps.queries().delete(callerOf(principal), queryId);
      return ok(envelope([{ ...queryView(deleted), modifiedTime: null }], 'Query deleted successfully'));
    }),
    test: endpoint(options, async (request, { principal }) => {
      const input = parseQuery(request, tryQueryQuery);
      const rows = await deps.tryQuery().run(callerOf(principal), input);
      return ok(envelope(rows, null));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeQueriesHandlers({
    queries: () => s.analytics().queries,
    tryQuery: () => s.analytics().tryQuery,
    authenticator: () => s.authenticator,
    maxBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('analytics-queries-create', {
  methods: ['POST'],
  route: 'insights/v1/cmp/ScheduledQueries',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().create),
});

app.http('analytics-queries-list', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledQueries',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('analytics-queries-delete', {
  methods: ['DELETE'],
  route: 'insights/v1/cmp/ScheduledQueries/{queryId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().remove),
});

app.http('analytics-queries-test', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledQueries/testQueryResult',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().test),
});
