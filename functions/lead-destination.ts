/**
 * Validate of an offer's lead destination (specs/leads.md 2.6; decision 0513):
 * `POST /api/publishers/{publisherId}/offers/{offerId}/lead-destination/validate` checks the draft's destination
 * and sends one test lead through the real target: 200 `{ok, destination, testLeadId, latencyMs}` or 200
 * `{ok: false, error: {category, httpStatus?, message}}`; 400 naming the fields of settings that do not parse; 429
 * with Retry-After after 5 in a minute for one offer. Publisher tokens validate their own offers (403 otherwise),
 * operators any; problem+json errors.
 */
import { app } from '@azure/functions';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { problem, surfaces } from '../shared/http/surfaces';
import { offerLeadsParams } from '../shared/leads/http/publisher';
import type { LeadReader } from '../shared/leads/service/read';
import type { ValidateDestination } from '../shared/leads/service/validate';

export interface LeadDestinationDeps {
  validate: () => ValidateDestination | undefined;
  authenticator: () => Authenticator;
}

function readerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): LeadReader {
  return principal.kind === 'publisher' ? { kind: 'publisher', publisherId: principal.publisherId } : { kind: 'operator' };
}

export function makeLeadDestinationHandlers(deps: LeadDestinationDeps) {
  const options = { surface: surfaces.leads, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  return {
    validate: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerLeadsParams);
      const validate = deps.validate();
      if (!validate) return problem(503, 'Lead delivery is not configured on this host.', { code: 'leads_not_configured' });
      const answer = await validate.validate(readerOf(principal), publisherId, offerId);
      if (answer.kind === 'rate-limited') {
        const limited = problem(429, 'At most 5 validations per offer in a minute; try again later.', { code: 'rate_limited' });
        return { ...limited, headers: { ...(limited.headers as Record<string, string>), 'retry-after': String(answer.retryAfterSeconds) } };
      }
      return ok(answer.result);
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeLeadDestinationHandlers({ validate: () => s.leads().validate, authenticator: () => s.authenticator });
});

app.http('lead-destination-validate', {
  methods: ['POST'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/lead-destination/validate',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().validate),
});
