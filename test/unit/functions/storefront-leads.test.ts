/**
 * The capture route's edge without a host (spec 4 case 30): storage that cannot be reached is a 503 with
 * Retry-After and a body that says nothing was stored; any other failure stays an opaque 500; the three outcomes get
 * their documented status, headers and body.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { makeStorefrontLeadsHandler } from '../../../functions/storefront-leads';
import type { Authenticator } from '../../../shared/auth/principal';
import type { Delivery, Lead } from '../../../shared/leads/model';
import type { CaptureLead, CaptureOutcome } from '../../../shared/leads/service/capture';

const customer: Authenticator = {
  authenticate: async () => ({ kind: 'customer', tenantId: 't', userId: 'u' }),
} as unknown as Authenticator;

const body = {
  publisherId: 'contoso',
  offerId: 'contoso-app',
  trigger: 'ContactMe',
  storefront: 'AppSource',
  UserDetails: { Email: 'a@b.co' },
  Consent: { Given: true, At: '2025-01-01T12:00:00Z' },
};

function call(result: () => Promise<CaptureOutcome>, headers: Record<string, string> = {}) {
  const handler = makeStorefrontLeadsHandler({ capture: () => ({ capture: result }) as unknown as CaptureLead, authenticator: () => customer });
  const request = new HttpRequest({
    url: 'http://localhost/api/storefront/leads',
    method: 'POST',
    body: { string: JSON.stringify(body) },
    headers: { 'content-type': 'application/json', authorization: 'Bearer x', ...headers },
  });
  return handler(request, new InvocationContext({ functionName: 'storefront-leads' })) as Promise<HttpResponseInit>;
}

const lead = { leadId: '01ARYZ6S410000000000000000', createdAt: 'c', leadSource: 'SPZA-PLT|contoso.contoso-app', action: 'PLT', offerTitle: 'T' } as Lead;

describe('storefront-leads', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10002'), { code: 'ECONNREFUSED' })],
    ['a storage 503', Object.assign(new Error('Server busy'), { name: 'RestError', statusCode: 503 })],
    ['a storage error without a status', Object.assign(new Error('socket hang up'), { name: 'RestError' })],
  ])('answers 503 with Retry-After for %s', async (_name, error) => {
    const res = await call(async () => {
      throw error;
    });
    expect(res.status).toBe(503);
    expect((res.headers as Record<string, string>)['retry-after']).toBe('5');
    expect(res.jsonBody).toMatchObject({ status: 503, code: 'storage_unavailable' });
  });

  it.each([
    ['a bug', new TypeError('x is undefined')],
    ['a storage 409 (not an outage)', Object.assign(new Error('conflict'), { name: 'RestError', statusCode: 409 })],
  ])('keeps %s an opaque 500', async (_name, error) => {
    const res = await call(async () => {
      throw error;
    });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.jsonBody)).not.toContain(error.message);
  });

  it('answers 202 with Location, 200 with Idempotent-Replay, 200 duplicate', async () => {
    const created = await call(async () => ({ kind: 'created', lead, delivery: { state: 'pending' } as Delivery }));
    expect(created.status).toBe(202);
    expect((created.headers as Record<string, string>)['location']).toBe(`/api/publishers/contoso/offers/contoso-app/leads/${lead.leadId}`);
    expect(created.jsonBody).toMatchObject({ leadId: lead.leadId, deliveryState: 'pending', LeadSource: lead.leadSource });
    const replay = await call(async () => ({ kind: 'replay', leadId: lead.leadId }), { 'idempotency-key': 'k' });
    expect(replay.status).toBe(200);
    expect((replay.headers as Record<string, string>)['idempotent-replay']).toBe('true');
    expect(replay.jsonBody).toEqual({ leadId: lead.leadId });
    const duplicate = await call(async () => ({ kind: 'duplicate', leadId: lead.leadId }));
    expect(duplicate.jsonBody).toEqual({ leadId: lead.leadId, duplicate: true });
    expect((duplicate.headers as Record<string, string>)['idempotent-replay']).toBeUndefined();
  });
});
