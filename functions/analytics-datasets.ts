/**
 * The Get all datasets API (seed 004 ~21697; decision 0900): `GET /insights/v1/cmp/ScheduledDataset`
 * (`?datasetName=` for one). Called with the publisher's Entra app token; the analytics envelope on every answer.
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { datasetQuery } from '../shared/analytics/http/schemas';
import { datasetView, envelope } from '../shared/analytics/http/views';
import { listDatasets } from '../shared/analytics/service/catalog';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseQuery } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export function makeDatasetsHandler(deps: { authenticator: () => Authenticator }) {
  return endpoint({ surface: surfaces.analytics, allow: ['publisher'] as const, authenticator: deps.authenticator }, async (request) => {
    const { datasetName } = parseQuery(request, datasetQuery);
    return ok(envelope(listDatasets(datasetName).map(datasetView), 'Dataset fetched successfully'));
  });
}

const handler = once(() => makeDatasetsHandler({ authenticator: () => services().authenticator }));

app.http('analytics-datasets', {
  methods: ['GET'],
  route: 'insights/v1/cmp/ScheduledDataset',
  authLevel: 'anonymous',
  handler: lazyHandler(handler),
});
