/**
 * The host's floor for benchmarks: `POST /api/bench/floor`, an authenticated route that does one Table insert and
 * nothing else. Off unless BENCH_FLOOR_ROUTE=true: 404 then, before authentication.
 * - Leads (decision 0523): authenticated like a customer's capture, stores the body, answers 202; a capture's rate
 *   is reported against it (issue 12: at least 0.8× this row).
 * - Metering (decision 0315), with `?as=usage&api-version=2018-08-31`: authenticated like `POST /api/usageEvent`
 *   (the publisher's Entra app token for the marketplace resource; the metering surface's 403s), stores a
 *   usage-sized row (shared/metering/http/bench-floor.ts) and answers 200 with it; single usage events are reported
 *   against it (issue 17: at least 0.85× its events/s, p99 at most 1.3× its p99).
 */
import { randomUUID } from 'node:crypto';
import { app, type HttpHandler } from '@azure/functions';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { accepted, ok } from '../shared/http/responses';
import { problem, surfaces } from '../shared/http/surfaces';
import { BENCH_FLOOR_USAGE_TABLE, floorUsageEntity, floorUsageView } from '../shared/metering/http/bench-floor';

export const BENCH_FLOOR_TABLE = 'BenchFloor';

const handler = once((): HttpHandler => {
  const s = services();
  const authenticator = () => s.authenticator;
  const insert = endpoint({ surface: surfaces.leads, allow: ['customer'] as const, authenticator }, async (request) => {
    const body = await request.text();
    const table = await s.storage.table(BENCH_FLOOR_TABLE);
    const rowKey = randomUUID();
    await table.createEntity({ partitionKey: `p${rowKey.slice(0, 2)}`, rowKey, body });
    return accepted({ rowKey });
  });
  const usage = endpoint({ surface: surfaces.metering, allow: ['publisher'] as const, authenticator }, async (request, { principal }) => {
    const entity = floorUsageEntity(await request.text(), principal.publisherId, randomUUID(), s.clock.now());
    await (await s.storage.table(BENCH_FLOOR_USAGE_TABLE)).createEntity(entity);
    return ok(floorUsageView(entity));
  });
  return async (request, context) => {
    if (!s.config.benchFloorRoute) return problem(404, 'Not found.');
    return request.query.get('as') === 'usage' ? usage(request, context) : insert(request, context);
  };
});

app.http('bench-floor', {
  methods: ['POST'],
  route: 'api/bench/floor',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handler()),
});
