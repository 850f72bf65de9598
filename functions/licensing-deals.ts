/**
 * Deal registration and customer consent (specs/saas-licensing.md B1.2, B1.8; decision 0806):
 * - `POST /api/licensing/deals` `{offerId, customerTenantId, customerName}` (publisher) → 201 `{dealId, status, relationship}`
 * - `POST /api/licensing/deals/{dealId}/invitations` (publisher) → 201 `{invitationId, consentUrl}`
 * - `POST /api/licensing/invitations/{invitationId}/accept` (the tenant's Global/Billing administrator) → 200
 * - `PUT /api/licensing/deals/{dealId}/lines/{planId}` `{quantity}` / `DELETE …` (publisher) → 200 the deal and its pool
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, readJson } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Licensing } from '../shared/licensing/composition';
import { callerOf, dealBody, dealParams, invitationParams, lineBody, lineParams } from '../shared/licensing/http/requests';
import { poolView } from '../shared/licensing/http/views';

export interface LicensingDealsDeps {
  licensing: () => Licensing;
  authenticator: () => Authenticator;
}

export function makeLicensingDealsHandlers(deps: LicensingDealsDeps) {
  const options = { surface: surfaces.public, allow: ['customer', 'publisher', 'operator'] as const, authenticator: deps.authenticator };
  const lineView = (r: Awaited<ReturnType<Licensing['deals']['setLine']>>) => ({ deal: r.deal, pool: poolView(r.pool, r.status) });
  return {
    register: endpoint(options, async (request, { principal }) => {
      const body = await readJson(request, dealBody, 4096);
      const { deal, relationship } = await deps.licensing().deals.register(callerOf(principal), body);
      return created({ ...deal, relationship });
    }),
    invite: endpoint(options, async (request, { principal }) => {
      const { dealId } = parseParams(request, dealParams);
      return created(await deps.licensing().deals.invite(callerOf(principal), dealId));
    }),
    accept: endpoint(options, async (request, { principal }) => {
      const { invitationId } = parseParams(request, invitationParams);
      return ok(await deps.licensing().deals.accept(callerOf(principal), invitationId));
    }),
    setLine: endpoint(options, async (request, { principal }) => {
      const { dealId, planId } = parseParams(request, lineParams);
      const { quantity } = await readJson(request, lineBody, 1024);
      return ok(
        lineView(
          await deps.licensing().deals.setLine(callerOf(principal), dealId, planId, typeof quantity === 'number' ? quantity : Number.NaN),
        ),
      );
    }),
    removeLine: endpoint(options, async (request, { principal }) => {
      const { dealId, planId } = parseParams(request, lineParams);
      return ok(lineView(await deps.licensing().deals.setLine(callerOf(principal), dealId, planId, undefined)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeLicensingDealsHandlers({ licensing: () => s.licensing(), authenticator: () => s.authenticator });
});

app.http('licensing-deal-register', {
  methods: ['POST'],
  route: 'api/licensing/deals',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().register),
});

app.http('licensing-deal-invite', {
  methods: ['POST'],
  route: 'api/licensing/deals/{dealId}/invitations',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().invite),
});

app.http('licensing-invitation-accept', {
  methods: ['POST'],
  route: 'api/licensing/invitations/{invitationId}/accept',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().accept),
});

app.http('licensing-deal-line-put', {
  methods: ['PUT'],
  route: 'api/licensing/deals/{dealId}/lines/{planId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().setLine),
});

app.http('licensing-deal-line-delete', {
  methods: ['DELETE'],
  route: 'api/licensing/deals/{dealId}/lines/{planId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().removeLine),
});
