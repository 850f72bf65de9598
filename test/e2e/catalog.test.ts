/**
 * The offer catalog as a new user meets it, over HTTP against the built host (issue 3, "Done when"): create an
 * offer with two plans and two metered dimensions, upload a package, read both back, update with a stale ETag
 * (412), freeze it, and see the live version. Plus the edges: api-version, tokens, namespaces.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { MP, SAAS, saasOffer, withField } from '../fixtures/offers';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';
import { azureAppPackage, pngOf } from '../fixtures/zip';

let host: TestHost;
let keyFile: string;
const V = 'api-version=2017-10-31';

beforeAll(async () => {
  const env = testEnv({ SECRETS_KEY: randomBytes(32).toString('base64'), MAX_ARTIFACT_BYTES: '1048576' });
  keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
  host = await startTestHost(env);
});

afterAll(async () => {
  await host?.stop();
});

type Who = 'contoso' | 'fabrikam' | 'operator' | 'customer' | 'none';

async function auth(who: Who): Promise<Record<string, string>> {
  if (who === 'none') return {};
  const request = who === 'operator' ? operatorRequest() : who === 'customer' ? customerRequest() : publisherRequest(who);
  return { authorization: `Bearer ${await tokenFor(keyFile, request)}` };
}

async function call(
  method: string,
  path: string,
  who: Who = 'contoso',
  init: { body?: unknown; raw?: Buffer; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(await auth(who)), ...(init.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (init.raw) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    headers: res.headers,
    json: json as Record<string, unknown> & { error?: { code: string; message: string; details?: { code: string; target: string }[] } },
    bytes: text,
  };
}

const offerPath = (offerId: string, suffix = '') => `/api/publishers/contoso/offers/${offerId}${suffix}?${V}`;

describe('the catalog flow (issue 3, done when)', () => {
  const offerId = 'contoso-cns';
  const packageBytes = azureAppPackage();
  const logoBytes = pngOf(300, 300);
  let etag = '';
  let logoId = '';

  it('creates an offer with two plans and two metered dimensions: 201, version 1, ETag header = body eTag', async () => {
    const res = await call('PUT', offerPath(offerId), 'contoso', { body: saasOffer(offerId) });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'neverPublished',
      version: 1,
      id: offerId,
      publisherId: 'contoso',
      offerTypeId: 'microsoft-saas',
    });
    etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"datetime'.+'"$/);
    expect(res.json['eTag']).toBe(etag);
    expect(res.headers.get('location')).toBe(`/api/publishers/contoso/offers/${offerId}?${V}`);
    // The lead endpoint URL is a secret: written, never returned.
    expect(res.bytes.toString()).not.toContain('top-secret-signature');
    const definition = res.json['definition'] as { offer: Record<string, unknown>; plans: { planId: string }[] };
    expect(definition.offer[`${MP}.httpsEndpointLeadConfiguration`]).toEqual({
      httpsEndpointUrl: '********',
      contactEmail: 'leads@contoso.test',
      secretsSet: ['httpsEndpointUrl'],
    });
    expect(definition.plans.map((p) => p.planId)).toEqual(['basic', 'enterprise']);
    expect((definition.offer[`${SAAS}.meteredDimensions`] as unknown[]).length).toBe(2);
  });

  it('uploads a package and a logo, and lists them on the offer', async () => {
    const pkg = await call(
      'POST',
      `/api/publishers/contoso/offers/${offerId}/artifacts?${V}&kind=azureAppPackage&fileName=app.zip`,
      'contoso',
      {
        raw: packageBytes,
        headers: { 'content-type': 'application/zip' },
      },
    );
    expect(pkg.status).toBe(201);
    const sha = createHash('sha256').update(packageBytes).digest('hex');
    expect(pkg.json).toMatchObject({
      id: sha,
      sha256: sha,
      size: packageBytes.length,
      kind: 'azureAppPackage',
      status: 'ready',
      fileName: 'app.zip',
    });
    const logo = await call(
      'POST',
      `/api/publishers/contoso/offers/${offerId}/artifacts?${V}&kind=logoLarge&fileName=logo.png`,
      'contoso',
      {
        raw: logoBytes,
        headers: { 'content-type': 'image/png' },
      },
    );
    expect(logo.status).toBe(201);
    logoId = String(logo.json['id']);
    const list = await call('GET', offerPath(offerId, '/artifacts'));
    expect((list.json as unknown as { id: string }[]).map((a) => a.id).sort()).toEqual([sha, logoId].sort());
    const content = await call('GET', `/api/publishers/contoso/offers/${offerId}/artifacts/${sha}/content?${V}`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/zip');
    expect(content.bytes.equals(packageBytes)).toBe(true);
    expect((await call('GET', `/api/publishers/contoso/offers/${offerId}/artifacts/${sha}/content?${V}`, 'fabrikam')).status).toBe(403);
  });

  it('refuses a broken package with 422 naming the problem', async () => {
    const res = await call(
      'POST',
      `/api/publishers/contoso/offers/${offerId}/artifacts?${V}&kind=azureAppPackage&fileName=app.zip`,
      'contoso',
      {
        raw: packageBytes.subarray(0, packageBytes.length - 100),
        headers: { 'content-type': 'application/zip' },
      },
    );
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'InvalidPackage', details: [{ code: 'ZipCorrupted', target: 'app.zip' }] });
    // MAX_ARTIFACT_BYTES is 1 MiB for this host.
    const tooLarge = await call(
      'POST',
      `/api/publishers/contoso/offers/${offerId}/artifacts?${V}&kind=azureAppPackage&fileName=big.zip`,
      'contoso',
      {
        raw: Buffer.alloc(1_048_577),
        headers: { 'content-type': 'application/zip' },
      },
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.error?.code).toBe('PayloadTooLarge');
  });

  it('reads the offer back with the same ETag, and the logo reference as a download URL that round-trips', async () => {
    const withLogo = withField(saasOffer(offerId), ['definition', 'offer', `${MP}.largeLogo`], `artifact:${logoId}`);
    const put = await call('PUT', offerPath(offerId), 'contoso', { body: withLogo, headers: { 'if-match': etag } });
    expect(put.status).toBe(200);
    etag = put.headers.get('etag') ?? '';
    const got = await call('GET', offerPath(offerId));
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe(etag);
    const logoUrl = (got.json['definition'] as { offer: Record<string, string> }).offer[`${MP}.largeLogo`];
    expect(logoUrl).toBe(`${host.url}/api/publishers/contoso/offers/${offerId}/artifacts/${logoId}/content?${V}`);
    // PUT the GET body back (the CPP way to edit): URLs and placeholders map back, secrets are kept.
    const back = await call('PUT', offerPath(offerId), 'contoso', { body: got.json, headers: { 'if-match': etag } });
    expect(back.status).toBe(200);
    expect((back.json['definition'] as { offer: Record<string, string> }).offer[`${MP}.largeLogo`]).toBe(logoUrl);
    const stale = etag;
    etag = back.headers.get('etag') ?? '';
    expect(etag).not.toBe(stale);

    const conflict = await call('PUT', offerPath(offerId), 'contoso', { body: got.json, headers: { 'if-match': stale } });
    expect(conflict.status).toBe(412);
    expect(conflict.json.error?.code).toBe('PreconditionFailed');
    expect((await call('GET', offerPath(offerId))).headers.get('etag')).toBe(etag);
  });

  it('freezes the draft (operator) and shows the live version; the draft moves on to version 2', async () => {
    expect((await call('GET', offerPath(offerId, '/slot/production'))).status).toBe(404);
    expect((await call('POST', `/api/admin/offers/contoso/${offerId}/freeze`, 'contoso')).status).toBe(403);
    const frozen = await call('POST', `/api/admin/offers/contoso/${offerId}/freeze`, 'operator');
    expect(frozen.status).toBe(201);
    expect(frozen.headers.get('location')).toBe(`/api/publishers/contoso/offers/${offerId}/versions/1?${V}`);
    expect(frozen.json).toMatchObject({ version: 1, status: 'succeeded', portalStatus: 'Live' });

    const live = await call('GET', offerPath(offerId, '/slot/production'));
    expect(live.status).toBe(200);
    expect(live.json).toMatchObject({ version: 1, status: 'succeeded' });
    const plans = (live.json['definition'] as { plans: { planId: string; planStatus: string }[] }).plans;
    expect(plans.map((p) => [p.planId, p.planStatus])).toEqual([
      ['basic', 'live'],
      ['enterprise', 'live'],
    ]);
    expect((await call('GET', offerPath(offerId, '/versions/1'))).json).toMatchObject({ version: 1 });
    expect((await call('GET', offerPath(offerId, '/slot/preview'))).status).toBe(404);

    const draft = await call('GET', offerPath(offerId));
    expect(draft.json['version']).toBe(2);
    expect(draft.headers.get('etag')).not.toBe(etag);
    const list = await call('GET', `/api/publishers/contoso/offers?${V}`);
    expect(list.json).toEqual([
      {
        offerTypeId: 'microsoft-saas',
        publisherId: 'contoso',
        status: 'succeeded',
        id: offerId,
        version: 2,
        definition: { displayText: 'contoso-cns-prod' },
        changedTime: draft.json['changedTime'],
      },
    ]);
  });

  it('keeps artifacts of a frozen version, and plans of a frozen version, from being deleted', async () => {
    const del = await call('DELETE', offerPath(offerId, `/artifacts/${logoId}`));
    expect(del.status).toBe(409);
    expect(del.json.error?.code).toBe('ArtifactInUse');
    expect((await call('DELETE', offerPath(offerId, '/plans/basic'))).status).toBe(409);
    expect((await call('DELETE', offerPath(offerId))).status).toBe(409);
  });
});

describe('protocol and access (spec 4.A)', () => {
  it('requires a known api-version with the documented body', async () => {
    const missing = await call('GET', '/api/publishers/contoso/offers');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error: { code: 'InvalidAPIVersion', message: 'Invalid api version. Allowed values are [2017-10-31, 2016-08-01-preview]' },
    });
    expect((await call('GET', '/api/publishers/contoso/offers?api-version=2099-01-01')).json.error?.code).toBe('InvalidAPIVersion');
    expect((await call('GET', '/api/publishers/contoso/offers?api-version=2016-08-01-preview')).status).toBe(200);
  });

  it('answers 401 without a token or with a bad one, before looking at the api-version', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }] as Record<string, string>[]) {
      const res = await call('GET', '/api/publishers/contoso/offers', 'none', { headers });
      expect(res.status).toBe(401);
      expect(res.json.error?.code).toBe('Unauthorized');
    }
  });

  it("refuses another publisher's namespace with 403, and customers altogether", async () => {
    const res = await call('GET', `/api/publishers/contoso/offers?${V}`, 'fabrikam');
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: { code: 'Forbidden', message: "The client doesn't have access to the specified namespace." } });
    expect((await call('PUT', offerPath('stolen'), 'fabrikam', { body: saasOffer('stolen') })).status).toBe(403);
    expect((await call('GET', `/api/publishers/contoso/offers?${V}`, 'customer')).status).toBe(403);
  });

  it('lets operators read any namespace but not write', async () => {
    expect((await call('GET', `/api/publishers/contoso/offers?${V}`, 'operator')).status).toBe(200);
    expect((await call('PUT', offerPath('ops-offer'), 'operator', { body: saasOffer('ops-offer') })).status).toBe(403);
  });

  it('names the field and the rule for bad bodies, and refuses other content types', async () => {
    const bad = await call('PUT', offerPath('bad-offer'), 'contoso', {
      body: withField(saasOffer('bad-offer'), ['definition', 'plans', 0, 'planId'], 'Gold'),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({
      code: 'InvalidPlanId',
      details: [{ code: 'InvalidPlanId', target: '$.definition.plans[0].planId' }],
    });
    expect(bad.json.error?.message).toContain('$.definition.plans[0].planId');
    const text = await call('PUT', offerPath('text-offer'), 'contoso', {
      body: saasOffer('text-offer'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const broken = await call('PUT', offerPath('json-offer'), 'contoso', {
      raw: Buffer.from('{"offerTypeId":'),
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await call('GET', offerPath('bad-offer'))).status).toBe(404);
  });

  it('answers 400 for a non-numeric version and an unknown slot', async () => {
    await call('PUT', offerPath('slots'), 'contoso', { body: saasOffer('slots') });
    expect((await call('GET', offerPath('slots', '/versions/one'))).status).toBe(400);
    expect((await call('GET', offerPath('slots', '/slot/bogus'))).status).toBe(400);
    expect((await call('GET', offerPath('slots', '/versions/99'))).status).toBe(404);
  });
});
