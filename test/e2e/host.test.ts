/**
 * The local host as a newcomer meets it: the real `dist/local/main.js` over HTTP, with the app and a probe
 * fixture app loaded through package.json `main` and LOCAL_APP_EXTRA_ENTRIES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

let host: TestHost;
let keyFile: string;

beforeAll(async () => {
  const env = testEnv({
    LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/probe.js',
    LOCAL_MAX_BODY_BYTES: '65536',
    MAX_JSON_BODY_BYTES: '4096',
  });
  keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
  host = await startTestHost(env);
});

afterAll(async () => {
  await host?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${host.url}${path}`, { headers });
const bearer = async (request: Parameters<typeof tokenFor>[1]) => ({ authorization: `Bearer ${await tokenFor(keyFile, request)}` });

describe('health and request ids', () => {
  it('answers GET /api/health publicly with the storage and version', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', storage: 'azurite', version: '0.1.0', testClock: true });
  });

  it('echoes x-ms-requestid and x-ms-correlationid when sent', async () => {
    const res = await get('/api/health', { 'x-ms-requestid': 'R1', 'x-ms-correlationid': 'C1' });
    expect(res.headers.get('x-ms-requestid')).toBe('R1');
    expect(res.headers.get('x-ms-correlationid')).toBe('C1');
  });

  it('generates GUID ids when absent, also on error responses', async () => {
    const res = await get('/api/me');
    expect(res.status).toBe(401);
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(res.headers.get('x-ms-requestid')).toMatch(guid);
    expect(res.headers.get('x-ms-correlationid')).toMatch(guid);
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    expect((await get('/api/nothing-here')).status).toBe(404);
    const res = await fetch(`${host.url}/api/health`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('binds route parameters, honours constraints and optional segments', async () => {
    const withId = await get('/api/test/forms/text/42');
    expect(withId.status).toBe(202);
    expect(await withId.text()).toBe('id=42');
    const without = await get('/api/test/forms/text');
    expect(await without.text()).toBe('id=none');
    expect((await get('/api/test/forms/text/not-a-number')).status).toBe(404);
  });

  it('refuses a body over the host limit with 413 and never invokes the function', async () => {
    const res = await fetch(`${host.url}/api/test/forms/echo`, { method: 'POST', body: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
  });
});

describe('HttpResponseInit forms', () => {
  it('sends status, string body and headers', async () => {
    const res = await get('/api/test/forms/text/7');
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('x-probe')).toBe('a');
  });

  it('sends cookies as Set-Cookie headers with their attributes', async () => {
    const res = await get('/api/test/forms/cookies');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toEqual(['session=abc; Path=/api; Max-Age=60; Secure; HttpOnly; SameSite=Strict', 'theme=dark']);
  });

  it('accepts an HttpResponse instance', async () => {
    const res = await get('/api/test/forms/instance');
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/test/thing');
    expect(await res.json()).toEqual({ made: 'HttpResponse' });
  });

  it('passes method, query and body to a real HttpRequest', async () => {
    const res = await fetch(`${host.url}/api/test/forms/echo?a=1&B=two`, { method: 'POST', body: 'hello' });
    expect(await res.json()).toEqual({ method: 'POST', query: { a: '1', B: 'two' }, body: 'hello' });
  });

  it('sends binary bodies byte for byte', async () => {
    const res = await get('/api/test/forms/binary');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('turns an unhandled exception into an opaque 500 that carries the request id and no internals', async () => {
    const res = await get('/api/test/forms/throws', { 'x-ms-requestid': 'R-500' });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-ms-requestid')).toBe('R-500');
    const text = await res.text();
    expect(text).not.toContain('AccountKey');
    expect(text).not.toContain('secret internals');
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });
});

describe('api-version and body errors on a documented surface (metering body)', () => {
  const post = (query: string, body: string, contentType = 'application/json') =>
    fetch(`${host.url}/api/test/versioned${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['missing api-version', '', '{"quantity":1}', 'application/json', 400, 'ApiVersion'],
    ['unknown api-version', '?api-version=2019-01-01', '{"quantity":1}', 'application/json', 400, 'ApiVersion'],
    ['malformed JSON', '?api-version=2018-08-31', '{"quantity":', 'application/json', 400, '$'],
    ['a schema violation', '?api-version=2018-08-31', '{"quantity":0}', 'application/json', 400, 'Quantity'],
  ])('%s gives %i with the seed body naming the field', async (_name, query, body, contentType, status, target) => {
    const res = await post(query, body, contentType);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { code: string; target: string; details: { target: string; code: string }[] };
    expect(json).toMatchObject({ code: 'BadArgument', target: 'usageEventRequest', message: 'One or more errors have occurred.' });
    expect(json.details[0]?.target).toBe(target);
  });

  it('a wrong content type gives 415', async () => {
    expect((await post('?api-version=2018-08-31', 'quantity=1', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('a valid request passes', async () => {
    const res = await post('?api-version=2018-08-31', '{"quantity":2.5}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ quantity: 2.5 });
  });
});

describe('identity', () => {
  it('accepts a publisher, a customer and an operator token and says who they are', async () => {
    const publisher = await (await get('/api/me', await bearer(publisherRequest('contoso')))).json();
    expect(publisher).toMatchObject({ principal: { kind: 'publisher', publisherId: 'contoso' } });
    const customer = await (await get('/api/me', await bearer(customerRequest('fabrikam', 'ann')))).json();
    expect(customer).toMatchObject({ principal: { kind: 'customer', email: 'ann@fabrikam.example' } });
    const operator = await (await get('/api/me', await bearer(operatorRequest()))).json();
    expect(operator).toMatchObject({ principal: { kind: 'operator' } });
  });

  it('refuses a token signed by another key (forged) with 401', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const otherKeys = `${mkdtempSync(`${tmpdir()}/forger-`)}/keys.json`;
    const forged = await tokenFor(otherKeys, publisherRequest('contoso'));
    const res = await get('/api/me', { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses an expired token with 401 and says it expired', async () => {
    const token = await tokenFor(keyFile, publisherRequest('contoso'), { now: new Date(Date.now() - 2 * 3600_000) });
    const res = await get('/api/me', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expired/);
  });

  it('refuses a token for another audience', async () => {
    const token = await tokenFor(keyFile, publisherRequest('contoso'), { audience: 'api://someone-else' });
    expect((await get('/api/me', { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('issues Entra-shaped v1 client-credentials tokens that the API accepts', async () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const res = await fetch(`${host.url}/${tenant}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Grant_type=client_credentials&Client_id=0e6b0d3a-5f7e-4b8e-9a2a-111111111111&client_secret=s3cret&Resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3600',
      ext_expires_in: '0',
      resource: '20e940b3-4c77-4b0b-9a53-9e16a1b010a7',
    });
    expect(Number(body['expires_on']) - Number(body['not_before'])).toBe(3600);
    const me = await get('/api/me', { authorization: `Bearer ${body['access_token']}` });
    expect(await me.json()).toMatchObject({ principal: { kind: 'publisher', tenantId: tenant } });
  });

  it('issues v2 tokens for scope {resource}/.default', async () => {
    const res = await fetch(`${host.url}/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=app2&client_secret=x&scope=20e940b3-4c77-4b0b-9a53-9e16a1b010a7/.default',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { expires_in: unknown }).expires_in).toBe(3600);
  });

  it('answers the token route with Entra error codes for a bad grant or resource', async () => {
    const post = (body: string) =>
      fetch(`${host.url}/common/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const badResource = await post('grant_type=client_credentials&client_id=a&client_secret=b&resource=https://graph.microsoft.com');
    expect(badResource.status).toBe(400);
    expect(((await badResource.json()) as { error: string }).error).toBe('invalid_resource');
    const badGrant = await post('grant_type=password&client_id=a&resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7');
    expect(((await badGrant.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('checks the client secret of an app an operator registered, and keeps a pair to one publisher', async () => {
    const tenant = '3c1f8a2e-1d4b-4e55-9a77-000000000001';
    const appId = '9a8b7c6d-1111-4222-8333-444455556666';
    const operator = { ...(await bearer(operatorRequest())), 'content-type': 'application/json' };
    const register = (publisherId: string) =>
      fetch(`${host.url}/api/admin/publishers/${publisherId}/apps`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({ tenantId: tenant, appId, clientSecret: 'the-right-secret-value' }),
      });
    expect((await register('northwind')).status).toBe(201);
    expect((await register('northwind')).status).toBe(200); // idempotent retry
    const taken = await register('someone-else');
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { code: string }).code).toBe('AppAlreadyRegistered');

    const token = (secret: string) =>
      fetch(`${host.url}/${tenant}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${appId}&client_secret=${secret}&resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7`,
      });
    const wrong = await token('wrong');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
    const right = (await (await token('the-right-secret-value')).json()) as { access_token: string };
    const me = await get('/api/me', { authorization: `Bearer ${right.access_token}` });
    expect(await me.json()).toMatchObject({ principal: { kind: 'publisher', publisherId: 'northwind' } });
  });

  it('publishes the signing keys as a JWKS', async () => {
    const jwks = (await (await get('/common/discovery/v2.0/keys')).json()) as { keys: { kid: string; kty: string; d?: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]?.d).toBeUndefined(); // never the private part
  });
});

describe('errors on the admin surface (problem+json)', () => {
  it('gives 403 to a non-operator and 401 without a token', async () => {
    expect((await fetch(`${host.url}/api/admin/clock`)).status).toBe(401);
    expect((await get('/api/admin/clock', await bearer(customerRequest()))).status).toBe(403);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"advance": ', 400, '$'],
    ['a wrong content type', 'text/plain', '{"advance":"PT1H"}', 415, 'content-type'],
    ['an unknown field', 'application/json', '{"advance":"PT1H","extra":1}', 400, '$'],
    ['a bad duration', 'application/json', '{"advance":"one hour"}', 400, '$'],
  ])('refuses %s with %i and changes nothing', async (_name, contentType, body, status) => {
    const headers = { ...(await bearer(operatorRequest())), 'content-type': contentType };
    const before = (await (await get('/api/admin/clock', headers)).json()) as { offsetMs: number };
    const res = await fetch(`${host.url}/api/admin/clock`, { method: 'PUT', headers, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const after = (await (await get('/api/admin/clock', headers)).json()) as { offsetMs: number };
    expect(after.offsetMs).toBe(before.offsetMs);
  });

  it('refuses a JSON body over MAX_JSON_BODY_BYTES with 413', async () => {
    const headers = { ...(await bearer(operatorRequest())), 'content-type': 'application/json' };
    const res = await fetch(`${host.url}/api/admin/clock`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ advance: 'PT1H', pad: 'x'.repeat(10_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
