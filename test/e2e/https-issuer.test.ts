/**
 * ISV code that gets its marketplace token with `@azure/identity` (MSAL underneath), pointed at the local host's
 * HTTPS listener: MSAL refuses an http authority, so this is how such code runs against the backend unchanged
 * except for `authorityHost`. The client trusts the local CA and nothing else; TLS verification stays on.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { operatorRequest, tokenFor } from '../fixtures/tokens';

const MARKETPLACE_SCOPE = '20e940b3-4c77-4b0b-9a53-9e16a1b010a7/.default';
const tenantId = '6f1d7c2a-3b4e-4c5d-8e9f-0a1b2c3d4e5f';
const clientId = '0c9e8d7f-6a5b-4c3d-9e2f-1a2b3c4d5e6f';
const clientSecret = 'the-isv-client-secret-value';

let host: TestHost;
let https: NonNullable<TestHost['https']>;
let ca: string;

beforeAll(async () => {
  const env = testEnv({ LOCAL_HTTPS_PORT: '0' });
  host = await startTestHost(env);
  if (!host.https) throw new Error(`the host started without HTTPS:\n${host.output()}`);
  https = host.https;
  ca = readFileSync(https.ca, 'utf8');
  const operator = await tokenFor(env['LOCAL_ISSUER_KEY_FILE'] as string, operatorRequest());
  const registered = await fetch(`${host.url}/api/admin/publishers/contoso/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId, appId: clientId, clientSecret }),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await host?.stop();
});

/** A GET over HTTPS that trusts the local CA only (Node's fetch takes no CA option). */
function get(url: string, bearer?: string, trust: string | undefined = ca): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: trust, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTPS listener', () => {
  it('serves the same routes as HTTP, with a certificate the local CA signed for localhost', async () => {
    const res = await get(`https://localhost:${https.port}/api/health`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
    expect((await get(`https://127.0.0.1:${https.port}/api/health`)).status).toBe(200);
  });

  it('is refused by a client that does not trust the local CA', async () => {
    await expect(get(`https://localhost:${https.port}/api/health`, undefined, '')).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('names its HTTPS endpoints in the OpenID configuration MSAL reads', async () => {
    const res = await get(`https://localhost:${https.port}/${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(JSON.parse(res.body)).toMatchObject({
      authorization_endpoint: `https://localhost:${https.port}/${tenantId}/oauth2/v2.0/authorize`,
      token_endpoint: `https://localhost:${https.port}/${tenantId}/oauth2/v2.0/token`,
      jwks_uri: `https://localhost:${https.port}/${tenantId}/discovery/v2.0/keys`,
      issuer: `https://login.marketplace.local/${tenantId}/v2.0`,
    });
  });
});

describe('ClientSecretCredential against the local issuer', () => {
  it('gets a marketplace token (CA passed to its HTTP pipeline) that the SaaS and metering APIs accept', async () => {
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost: `https://localhost:${https.port}`,
      disableInstanceDiscovery: true,
      // Trusts the local CA in addition to Node's roots, for this client only; verification stays on.
      tlsOptions: { ca },
    });
    const token = await credential.getToken(MARKETPLACE_SCOPE);
    expect(token.token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: '20e940b3-4c77-4b0b-9a53-9e16a1b010a7', tid: tenantId, azp: clientId });

    const subscriptions = await get(`https://localhost:${https.port}/api/saas/subscriptions?api-version=2018-08-31`, token.token);
    expect(subscriptions.status).toBe(200);
    expect(JSON.parse(subscriptions.body)).toMatchObject({ subscriptions: [] });
    // The same token over plain HTTP: the listeners share one issuer and one set of keys.
    const overHttp = await fetch(`${host.url}/api/saas/subscriptions?api-version=2018-08-31`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(overHttp.status).toBe(200);

    const today = new Date().toISOString().slice(0, 10);
    const usage = await get(`https://localhost:${https.port}/api/usageEvents?api-version=2018-08-31&usageStartDate=${today}`, token.token);
    expect(usage.status).toBe(200);
    const me = await get(`https://localhost:${https.port}/api/me`, token.token);
    expect(JSON.parse(me.body)).toMatchObject({ principal: { kind: 'publisher', publisherId: 'contoso' } });
  });

  it('refuses a wrong client secret with the error Entra gives', async () => {
    const credential = new ClientSecretCredential(tenantId, clientId, 'not-the-secret', {
      authorityHost: `https://localhost:${https.port}`,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
    await expect(credential.getToken(MARKETPLACE_SCOPE)).rejects.toThrow(/invalid_client|AADSTS7000215/);
  });

  it('works in a separate Node process that trusts the CA through NODE_EXTRA_CA_CERTS, as the banner says', async () => {
    const script = [
      "const { ClientSecretCredential } = require('@azure/identity');",
      '(async () => {',
      '  const [authorityHost, tenant, client, secret, scope, url] = process.argv.slice(1);',
      '  const credential = new ClientSecretCredential(tenant, client, secret, { authorityHost, disableInstanceDiscovery: true });',
      '  const { token } = await credential.getToken(scope);',
      '  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });',
      '  console.log(JSON.stringify({ status: res.status }));',
      '})().catch((e) => { console.error(e.message); process.exit(1); });',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        script,
        `https://localhost:${https.port}`,
        tenantId,
        clientId,
        clientSecret,
        MARKETPLACE_SCOPE,
        `${host.url}/api/saas/subscriptions?api-version=2018-08-31`,
      ],
      { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: path.resolve(https.ca) } },
    );
    expect(JSON.parse(stdout.trim())).toEqual({ status: 200 });
  });
});
