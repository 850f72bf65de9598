/**
 * The publisher's leads (specs/leads.md 2.5; decision 0500): `GET /api/publishers/{publisherId}/offers/{offerId}/leads`
 * (`?state=pending|held|delivered|dead_lettered&limit=&continuation=`, newest first) and
 * `GET .../leads/{leadId}` (the lead, its delivery state and every kept attempt). Publisher tokens read their own
 * namespace (another publisher's → 403), operators any; problem+json errors.
 */
import { app } from '@azure/functions';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { leadParams, listQuery, offerLeadsParams } from '../shared/leads/http/publisher';
import { leadView } from '../shared/leads/http/views';
import type { LeadQueries, LeadReader } from '../shared/leads/service/read';

export interface LeadsDeps {
  queries: () => LeadQueries;
  authenticator: () => Authenticator;
}

function readerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): LeadReader {
  return principal.kind === 'publisher' ? { kind: 'publisher', publisherId: principal.publisherId } : { kind: 'operator' };
}

export function makeLeadsHandlers(deps: LeadsDeps) {
  const options = { surface: surfaces.leads, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  return {
    list: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerLeadsParams);
      const query = parseQuery(request, listQuery);
      const page = await deps.queries().list(readerOf(principal), publisherId, offerId, query);
      const next = page.continuation
        ? `/api/publishers/${publisherId}/offers/${offerId}/leads?${new URLSearchParams({
            ...(query.state ? { state: query.state } : {}),
            ...(query.limit ? { limit: String(query.limit) } : {}),
            continuation: page.continuation,
          }).toString()}`
        : undefined;
      return ok({
        items: page.items.map((i) => leadView(i.lead, i.delivery, false)),
        ...(page.continuation ? { continuation: page.continuation, nextLink: next } : {}),
      });
    }),
    get: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, leadId } = parseParams(request, leadParams);
      const found = await deps.queries().get(readerOf(principal), publisherId, offerId, leadId);
      return ok(leadView(found.lead, found.delivery, true));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeLeadsHandlers({ queries: () => s.leads().queries, authenticator: () => s.authenticator });
});

app.http('leads-list', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/leads',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('leads-get', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/leads/{leadId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});
