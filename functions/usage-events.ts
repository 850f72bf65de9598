/**
 * The marketplace metering API (specs/metering.md 1.1–1.3; seed 004 ~7760–8069):
 * `POST /api/usageEvent`, `POST /api/batchUsageEvent`, `GET /api/usageEvents`, api-version 2018-08-31, a
 * publisher token (403 otherwise, never 401), the seed's error bodies.
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseQuery } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { usageQuery } from '../shared/metering/http/params';
import { BatchTooLargeError, readBatch, readUsageEvent, type ParsedEvent } from '../shared/metering/http/request';
import { batchSurface } from '../shared/metering/http/surfaces';
import { batchResponse, batchTooLarge, singleResponse } from '../shared/metering/http/views';
import type { UsageCaller } from '../shared/metering/model';
import type { UsageIngestion } from '../shared/metering/service/ingest';
import type { UsageQueries } from '../shared/metering/service/query';
import { services } from '../shared/composition';

export interface UsageEventsDeps {
  ingestion: UsageIngestion;
  queries: UsageQueries;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

export function makeUsageEventHandlers(deps: UsageEventsDeps) {
  const options = { surface: surfaces.metering, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    // A managed application's own identity may report single events for it (specs/metering.md 2.9, T88, T94).
    single: endpoint({ ...options, allow: ['publisher', 'managedIdentity'] as const }, async (request, { principal }) => {
      const input = await readUsageEvent(request, deps.maxJsonBodyBytes);
      const caller: UsageCaller =
        principal.kind === 'publisher'
          ? { kind: 'publisher', publisherId: principal.publisherId }
          : { kind: 'managedIdentity', identityResourceId: principal.resourceId };
      return singleResponse(await deps.ingestion.submit(caller, input));
    }),

    batch: endpoint({ ...options, surface: batchSurface }, async (request, { principal }) => {
      let items: ParsedEvent[];
      try {
        items = await readBatch(request, deps.maxJsonBodyBytes);
      } catch (error) {
        if (error instanceof BatchTooLargeError) return batchTooLarge(error.message);
        throw error;
      }
      const outcomes = await deps.ingestion.submitBatch(
        principal.publisherId,
        items.flatMap((item) => (item.ok ? [item.input] : [])),
      );
      return batchResponse(items, outcomes);
    }),

    query: endpoint(options, async (request, { principal }) => {
      const { usageStartDate, UsageEndDate, ...filter } = parseQuery(request, usageQuery);
      const rows = await deps.queries.list(principal.publisherId, { start: usageStartDate, end: UsageEndDate, ...filter });
      return ok(rows);
    }),
  };
}

const handlers = once(() => {
  const s = services();
  const m = services().metering();
  return makeUsageEventHandlers({
    ingestion: m.ingestion,
    queries: m.queries,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('usage-event', {
  methods: ['POST'],
  route: 'api/usageEvent',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().single),
});

app.http('batch-usage-event', {
  methods: ['POST'],
  route: 'api/batchUsageEvent',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().batch),
});

app.http('usage-events-list', {
  methods: ['GET'],
  route: 'api/usageEvents',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().query),
});
