/**
 * The Validate route's edge without a host: the publisher's own offer → 200 with the result, another publisher → 403,
 * settings that do not parse → 400 problem+json naming the field and its code, the 6th call in a minute → 429 with
 * Retry-After, no delivery configured → 503.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { makeLeadDestinationHandlers } from '../../../functions/lead-destination';
import type { Authenticator } from '../../../shared/auth/principal';
import { ValidateDestination } from '../../../shared/leads/service/validate';
import { FakeClock, FakeOffers, leadOffer, ScriptedTarget, targetsWith } from '../../fixtures/leads-fakes';

const publisher = (publisherId: string): Authenticator =>
  ({ authenticate: async () => ({ kind: 'publisher', publisherId }) }) as unknown as Authenticator;

function validator(settings: Record<string, unknown>) {
  const offers = new FakeOffers();
  offers.set(leadOffer('contoso', 'contoso-app', { type: 'Salesforce', settings }));
  return new ValidateDestination({
    offers,
    targets: targetsWith(new ScriptedTarget([{ outcome: 'success', category: 'delivered', httpStatus: 200, unverifiable: true }])),
    clock: new FakeClock('2025-01-01T12:00:00.000Z'),
    random: (n) => new Uint8Array(n),
    rules: { allowDevStorage: false, allowLoopbackTargets: false, dynamicsHostSuffixes: [] },
    elapsed: () => 0,
  });
}

function call(validate: ValidateDestination | undefined, who = 'contoso', offerId = 'contoso-app') {
  const handler = makeLeadDestinationHandlers({ validate: () => validate, authenticator: () => publisher(who) }).validate;
  const request = new HttpRequest({
    url: `http://localhost/api/publishers/contoso/offers/${offerId}/lead-destination/validate`,
    method: 'POST',
    params: { publisherId: 'contoso', offerId },
    headers: { authorization: 'Bearer x' },
  });
  return handler(request, new InvocationContext({ functionName: 'lead-destination-validate' })) as Promise<HttpResponseInit>;
}

const good = { contactEmail: 'ops@contoso.com', objectIdentifier: '00D4P000000zIbO' };

describe('lead-destination-validate', () => {
  it('answers 200 with the result for the publisher own offer', async () => {
    const res = await call(validator(good));
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({
      ok: true,
      destination: 'Salesforce',
      testLeadId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      latencyMs: 0,
    });
  });

  it('refuses another publisher with 403', async () => {
    expect((await call(validator(good), 'fabrikam')).status).toBe(403);
  });

  it('answers 404 for an unknown offer', async () => {
    expect((await call(validator(good), 'contoso', 'nope')).status).toBe(404);
  });

  it('answers 400 naming the field and its code for settings that do not parse', async () => {
    const res = await call(validator({ ...good, objectIdentifier: '00D123' }));
    expect(res.status).toBe(400);
    expect(res.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8' });
    expect(res.jsonBody).toMatchObject({
      status: 400,
      code: 'invalid_destination',
      errors: [{ path: 'microsoft-azure-marketplace.salesForceLeadConfiguration.objectIdentifier', code: 'invalid_org_id' }],
    });
  });

  it('answers 429 with Retry-After on the 6th call within a minute', async () => {
    const v = validator(good);
    for (let i = 0; i < 5; i++) expect((await call(v)).status).toBe(200);
    const res = await call(v);
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'retry-after': '60', 'content-type': 'application/problem+json; charset=utf-8' });
    expect(res.jsonBody).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('answers 503 when the host has no lead delivery configured', async () => {
    const res = await call(undefined);
    expect(res.status).toBe(503);
    expect(res.jsonBody).toMatchObject({ code: 'leads_not_configured' });
  });
});
