/**
 * Lead capture (specs/leads.md 1.3–2.2, 2.5 (1), 2.7; decision 0500): `POST /api/storefront/leads`, a customer's
 * Contact me, Get it now, Free trial, Test drive, portal Create or a cross-listed contact request. 202 once the lead
 * and its delivery row are committed; 200 for a replay of the same Idempotency-Key and body (`Idempotent-Replay:
 * true`) or a duplicate of the last 10 minutes (`duplicate: true`); 503 with Retry-After when storage is down.
 * Customer tokens only; problem+json errors naming the field (`path`, `code`).
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { readCapture } from '../shared/leads/http/capture';
import { isStorageUnavailable, storageUnavailable } from '../shared/leads/http/unavailable';
import { capturedView, leadPath } from '../shared/leads/http/views';
import type { CaptureLead, CaptureOutcome } from '../shared/leads/service/capture';

export interface StorefrontLeadsDeps {
  capture: () => CaptureLead;
  authenticator: () => Authenticator;
}

export function makeStorefrontLeadsHandler(deps: StorefrontLeadsDeps) {
  return endpoint({ surface: surfaces.leads, allow: ['customer'] as const, authenticator: deps.authenticator }, async (request, { invocation }) => {
    const input = await readCapture(request);
    let outcome: CaptureOutcome;
    try {
      outcome = await deps.capture().capture(input);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      invocation.warn(`Lead capture for ${input.publisherId}.${input.offerId}: storage unavailable, nothing stored:`, error);
      return storageUnavailable();
    }
    const location = (leadId: string) => leadPath(input.publisherId, input.offerId, leadId);
    switch (outcome.kind) {
      case 'created':
        return accepted(capturedView(outcome.lead, outcome.delivery), { location: location(outcome.lead.leadId) });
      case 'replay':
        return ok({ leadId: outcome.leadId }, { 'idempotent-replay': 'true', location: location(outcome.leadId) });
      case 'duplicate':
        return ok({ leadId: outcome.leadId, duplicate: true }, { location: location(outcome.leadId) });
    }
  });
}

const handler = once(() => {
  const s = services();
  return makeStorefrontLeadsHandler({ capture: () => s.leads().capture, authenticator: () => s.authenticator });
});

app.http('storefront-leads', {
  methods: ['POST'],
  route: 'api/storefront/leads',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handler()),
});
