/**
 * The host's floor for benchmarks (decision 0523): `POST /api/bench/floor`, authenticated like a customer's capture,
 * reads the body and does one Table insert and nothing else, then answers 202. A capture's rate is reported against
 * it (issue 12: at least 0.8× this row). Off unless BENCH_FLOOR_ROUTE=true: 404 then, before authentication.
 */
import { randomUUID } from 'node:crypto';
import { app, type HttpHandler } from '@azure/functions';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { accepted } from '../shared/http/responses';
import { problem, surfaces } from '../shared/http/surfaces';

export const BENCH_FLOOR_TABLE = 'BenchFloor';

const handler = once((): HttpHandler => {
  const s = services();
  const insert = endpoint({ surface: surfaces.leads, allow: ['customer'] as const, authenticator: () => s.authenticator }, async (request) => {
    const body = await request.text();
    const table = await s.storage.table(BENCH_FLOOR_TABLE);
    const rowKey = randomUUID();
    await table.createEntity({ partitionKey: `p${rowKey.slice(0, 2)}`, rowKey, body });
    return accepted({ rowKey });
  });
  return async (request, context) => (s.config.benchFloorRoute ? insert(request, context) : problem(404, 'Not found.'));
});

app.http('bench-floor', {
  methods: ['POST'],
  route: 'api/bench/floor',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handler()),
});
