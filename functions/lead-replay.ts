/**
 * Replay of dead-lettered leads, the publisher's side (spec 2.5 (6); decision 0522):
 * `POST /api/publishers/{publisherId}/offers/{offerId}/leads/{leadId}/replay` (one lead) and
 * `POST /api/publishers/{publisherId}/offers/{offerId}/leads/replay` (every dead-lettered lead of the offer: a replay
 * batch, decision 0526), both 202; `GET .../leads/replay-batches/{batchId}` reads a batch. A lead that is not
 * dead-lettered → 409; another publisher's offer → 403; an unknown offer, lead or batch → 404.
 * Each replayed lead gets the next generation, a fresh retry window and its own orchestration (started here, and
 * by the sweeper if this host dies first).
 */
import { app } from '@azure/functions';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams } from '../shared/http/request';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { leadParams, offerLeadsParams } from '../shared/leads/http/publisher';
import { batchParams, replayBatchLocation, replayBatchView, replayedView, replayIdempotencyKey } from '../shared/leads/http/replay';
import type { Replayer, ReplayLeads } from '../shared/leads/service/replay';

export interface LeadReplayDeps {
  replay: () => ReplayLeads;
  authenticator: () => Authenticator;
}

function replayerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): Replayer {
  return principal.kind === 'publisher' ? { kind: 'publisher', publisherId: principal.publisherId } : { kind: 'operator' };
}

export function makeLeadReplayHandlers(deps: LeadReplayDeps) {
  const options = { surface: surfaces.leads, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  return {
    one: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, leadId } = parseParams(request, leadParams);
      return accepted(replayedView(await deps.replay().one(replayerOf(principal), publisherId, offerId, leadId)));
    }),
    all: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerLeadsParams);
      const batch = await deps.replay().all(replayerOf(principal), publisherId, offerId, replayIdempotencyKey(request));
      return accepted(replayBatchView(batch), { Location: replayBatchLocation(batch) });
    }),
    batch: endpoint(options, async (request, { principal }) => {
      const ref = parseParams(request, batchParams);
      return ok(replayBatchView(await deps.replay().batch(replayerOf(principal), ref)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  const replay = () => {
    const delivery = s.leads().delivery;
    if (!delivery) throw new Error('lead delivery is not wired (no targets in the composition)');
    return delivery.replay;
  };
  return makeLeadReplayHandlers({ replay, authenticator: () => s.authenticator });
});

app.http('lead-replay', {
  methods: ['POST'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/leads/{leadId}/replay',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().one),
});

app.http('lead-replay-batch', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/leads/replay-batches/{batchId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().batch),
});

app.http('lead-replay-all', {
  methods: ['POST'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/leads/replay',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().all),
});
