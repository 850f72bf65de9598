/**
 * The drive request's edge without a host: no capacity is the documented 409 problem with a Retry-After of one
 * cleanup interval (decision 0708); other refusals keep their status without one.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { CAPACITY_RETRY_AFTER_SECONDS, makeTestDriveHandlers } from '../../../functions/testdrive';
import type { Authenticator } from '../../../shared/auth/principal';
import { ConflictError, NotFoundError } from '../../../shared/errors';
import type { TestDrive } from '../../../shared/testdrive/composition';

const customer: Authenticator = { authenticate: async () => ({ kind: 'customer', tenantId: 't', userId: 'u' }) } as unknown as Authenticator;

function call(error: Error) {
  const testdrive = () =>
    ({
      requests: {
        request: async () => {
          throw error;
        },
      },
    }) as unknown as TestDrive;
  const handler = makeTestDriveHandlers({ testdrive, authenticator: () => customer }).request;
  const request = new HttpRequest({
    url: 'http://localhost/api/storefront/testdrives',
    method: 'POST',
    body: { string: JSON.stringify({ publisherId: 'contoso', offerId: 'crm', Consent: { Given: true, At: '2026-03-01T00:00:00Z' } }) },
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
  });
  return handler(request, new InvocationContext({ functionName: 'testdrive-request' })) as Promise<HttpResponseInit>;
}

const header = (res: HttpResponseInit, name: string) =>
  Object.entries((res.headers ?? {}) as Record<string, string>).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

describe('testdrive-request', () => {
  it('answers no capacity with 409 TestDriveCapacityExhausted and Retry-After: 60', async () => {
    const res = await call(new ConflictError('Every test drive instance of contoso.crm is in use; try again later.', 'TestDriveCapacityExhausted'));
    expect(res.status).toBe(409);
    expect(CAPACITY_RETRY_AFTER_SECONDS).toBe(60);
    expect(header(res, 'Retry-After')).toBe('60');
    expect(JSON.stringify(res.jsonBody)).toContain('TestDriveCapacityExhausted');
  });

  it('keeps other refusals without a Retry-After', async () => {
    const unavailable = await call(new ConflictError('no test drive', 'TestDriveNotAvailable'));
    expect(unavailable.status).toBe(409);
    expect(header(unavailable, 'Retry-After')).toBeUndefined();
    const missing = await call(new NotFoundError('no offer', 'OfferNotFound'));
    expect(missing.status).toBe(404);
    expect(header(missing, 'Retry-After')).toBeUndefined();
  });
});
