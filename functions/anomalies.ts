/**
 * Metered-usage anomalies (specs/metering.md 2.10, 3.13; a local API shaped after Partner Center's "Metered
 * usage anomalies" tab, seed 004 ~22459–22541; not a Microsoft API):
 * - a weekly timer models each customer's usage of each meter and flags anomalies; operators can also run it;
 * - `GET /api/metering/anomalies?period=30|60|90&impact=gt100|all&offerId=&meterId=&state=&format=json|csv`
 *   (the CSV carries the seed's list columns, seed 004 ~22499, ~22504);
 * - `POST /api/metering/anomalies/{anomalyId}/markAsAnomaly` `{newReportedUsage}` and
 *   `.../markNotAnomaly` `{reason}`: within 30 days of flagging, with the documented restrictions.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery, readJson } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { anomalyListQuery, anomalyParams, markAsAnomalyBody, markNotAnomalyBody } from '../shared/metering/http/params';
import { csv } from '../shared/metering/http/views';
import { anomaliesCsv, type Anomalies } from '../shared/metering/service/anomalies';

export interface AnomalyHttpDeps {
  anomalies: Anomalies;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

export function makeAnomalyHandlers(deps: AnomalyHttpDeps) {
  const publisher = { surface: surfaces.storefront, allow: ['publisher'] as const, authenticator: deps.authenticator };
  const operator = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  return {
    list: endpoint(publisher, async (request, { principal }) => {
      const { period, format, ...filter } = parseQuery(request, anomalyListQuery);
      const value = await deps.anomalies.list(principal.publisherId, { periodDays: period, ...filter });
      return format === 'csv' ? csv(anomaliesCsv(value)) : ok({ value });
    }),
    get: endpoint(publisher, async (request, { principal }) => {
      const { anomalyId } = parseParams(request, anomalyParams);
      return ok(await deps.anomalies.get(principal.publisherId, anomalyId));
    }),
    markAsAnomaly: endpoint(publisher, async (request, { principal }) => {
      const { anomalyId } = parseParams(request, anomalyParams);
      const body = await readJson(request, markAsAnomalyBody, deps.maxJsonBodyBytes);
      return ok(await deps.anomalies.decide(principal.publisherId, anomalyId, 'MarkedAsAnomaly', body, principal.appId));
    }),
    markNotAnomaly: endpoint(publisher, async (request, { principal }) => {
      const { anomalyId } = parseParams(request, anomalyParams);
      const body = await readJson(request, markNotAnomalyBody, deps.maxJsonBodyBytes);
      return ok(await deps.anomalies.decide(principal.publisherId, anomalyId, 'NotAnAnomaly', body, principal.appId));
    }),
    run: endpoint(operator, async () => ok(await deps.anomalies.run())),
  };
}

const handlers = once(() => {
  const s = services();
  return makeAnomalyHandlers({
    anomalies: services().metering().anomalies,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

/** The model "runs weekly" (seed 004 ~24491): Mondays 02:00 UTC on the project clock. */
export const ANOMALY_SCHEDULE = '0 0 2 * * 1';

export async function anomalyTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const summary = await services().metering().anomalies.run();
  context.log(`anomaly detection judged ${summary.judgedDays.join(', ')}: ${summary.series} series, ${summary.flagged} flagged`);
}

app.timer('metering-anomaly-detection', { schedule: ANOMALY_SCHEDULE, handler: anomalyTimer });

app.http('metering-anomalies-list', {
  methods: ['GET'],
  route: 'api/metering/anomalies',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('metering-anomaly-get', {
  methods: ['GET'],
  route: 'api/metering/anomalies/{anomalyId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('metering-anomaly-mark-as-anomaly', {
  methods: ['POST'],
  route: 'api/metering/anomalies/{anomalyId}/markAsAnomaly',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().markAsAnomaly),
});

app.http('metering-anomaly-mark-not-anomaly', {
  methods: ['POST'],
  route: 'api/metering/anomalies/{anomalyId}/markNotAnomaly',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().markNotAnomaly),
});

app.http('admin-metering-anomaly-run', {
  methods: ['POST'],
  route: 'api/admin/metering/anomaly-detection',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().run),
});
