/**
 * The no-keys path of a deployment, on this machine: the built host with no connection string and no account key,
 * only the service URIs and the identity settings the Bicep template sets (AzureWebJobsStorage__*ServiceUri,
 * __credential, __clientId), against Azurite in its OAuth mode (HTTPS with a local certificate, bearer tokens).
 * DefaultAzureCredential gets its tokens as on App Service / Functions: from the managed identity endpoint
 * (IDENTITY_ENDPOINT + IDENTITY_HEADER), played here by a loopback server that mints tokens Azurite accepts.
 * A purchase, a usage event and one orchestration then go end to end: tables, blobs and queues of the app and
 * the durable runtime's task hub, all through the token credential.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as AzuriteModule from '../../local/azurite';
import type { AzuriteHandle } from '../../local/azurite';
import { loadOrCreateLocalTls } from '../../local/tls';
import { durableApi, systemKey } from '../durable/api';
import { startTestHost, uniquePrefix, type TestHost } from '../fixtures/host';
import { saasOffer } from '../fixtures/offers';
import { customerRequest, operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const CLIENT_ID = randomUUID();
const IDENTITY_HEADER = randomBytes(16).toString('hex');
const TENANT = randomUUID();

let azurite: AzuriteHandle;
let identity: Server;
let host: TestHost;
let keyFile: string;
const tokenRequests: URL[] = [];
const refused: string[] = [];

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An access token shaped like Entra's for Azure Storage (Azurite checks issuer, audience and lifetime). */
function storageToken(): { token: string; expiresOn: number } {
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${TENANT}/`, iat: now, nbf: now - 60, exp: now + 3600, appid: CLIENT_ID, oid: randomUUID(), tid: TENANT };
  return { token: `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`, expiresOn: claims.exp };
}

/** The App Service managed identity endpoint (api-version 2019-08-01), for the one user-assigned identity. */
function startIdentityEndpoint(): Promise<string> {
  identity = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers['x-identity-header'] !== IDENTITY_HEADER || url.searchParams.get('client_id') !== CLIENT_ID) {
      refused.push(url.search);
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    tokenRequests.push(url);
    const { token, expiresOn } = storageToken();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_on: String(expiresOn), resource: url.searchParams.get('resource'), token_type: 'Bearer', client_id: CLIENT_ID }));
  });
  return new Promise((resolve) => identity.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(identity.address() as { port: number }).port}/msi/token`)));
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mkt-nokeys-'));
  const tls = loadOrCreateLocalTls(path.join(dir, 'tls'));
  const certFile = path.join(dir, 'azurite-cert.pem');
  const keyPem = path.join(dir, 'azurite-key.pem');
  writeFileSync(certFile, tls.cert);
  writeFileSync(keyPem, tls.key, { mode: 0o600 });
  // The built module: its Azurite child is compiled JavaScript (as the test run's own Azurite, test/global-setup.ts).
  const built = '../../dist/local/azurite.js';
  const { startAzurite } = (await import(built)) as typeof AzuriteModule;
  azurite = await startAzurite({ args: ['--oauth', 'basic', '--cert', certFile, '--key', keyPem] });
  const identityEndpoint = await startIdentityEndpoint();
  const uri = (port: number) => `https://127.0.0.1:${port}/devstoreaccount1`;
  keyFile = path.join(dir, 'issuer-keys.json');
  host = await startTestHost(
    {
      // What infra/app/function.bicep sets for storage, and nothing else: no STORAGE_CONNECTION_STRING, no key.
      AzureWebJobsStorage__blobServiceUri: uri(azurite.ports.blob),
      AzureWebJobsStorage__queueServiceUri: uri(azurite.ports.queue),
      AzureWebJobsStorage__tableServiceUri: uri(azurite.ports.table),
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: CLIENT_ID,
      // What the Functions platform gives the worker for managed identity.
      IDENTITY_ENDPOINT: identityEndpoint,
      IDENTITY_HEADER,
      // Trust for Azurite's certificate (in Azure, the storage endpoints' public certificates).
      NODE_EXTRA_CA_CERTS: tls.caFile,
      STORAGE_PREFIX: uniquePrefix(),
      LOCAL_ISSUER_KEY_FILE: keyFile,
      LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js',
      TEST_CLOCK: 'true',
      PORT: '0',
      LOCAL_HTTPS_PORT: 'off',
      LOCAL_QUIET: 'true',
    },
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  identity?.close();
});

async function call(method: string, route: string, who: 'publisher' | 'customer' | 'operator', body?: unknown) {
  const request = who === 'operator' ? operatorRequest() : who === 'customer' ? customerRequest('tnk', 'unk') : publisherRequest('contoso');
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(keyFile, request)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${host.url}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('the app with only service URIs and a token credential (Azurite in OAuth mode over HTTPS)', () => {
  it('starts on identity storage and asks the managed identity endpoint for storage tokens as the configured identity', async () => {
    const health = await fetch(`${host.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ storage: 'azure' });
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const url of tokenRequests) {
      expect(url.searchParams.get('resource')).toBe('https://storage.azure.com');
      expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    }
    expect(refused).toEqual([]);
  });

  it('sells, activates and meters: a purchase and a usage event stored through bearer tokens', async () => {
    expect((await call('PUT', '/api/publishers/contoso/offers/nokeys?api-version=2017-10-31', 'publisher', saasOffer('nokeys', 'contoso'))).status).toBe(201);
    expect((await call('POST', '/api/admin/offers/contoso/nokeys/freeze', 'operator')).status).toBe(201);
    const bought = await call('POST', '/api/storefront/purchases', 'customer', { publisherId: 'contoso', offerId: 'nokeys', planId: 'basic', termUnit: 'P1M' });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const subscriptionId = String(bought.json['subscriptionId']);
    const activate = await call('POST', `/api/saas/subscriptions/${subscriptionId}/activate?api-version=2018-08-31`, 'publisher', { planId: 'basic' });
    expect(activate.status, JSON.stringify(activate.json)).toBe(200);

    const hour = new Date().toISOString().slice(0, 13) + ':00:00Z';
    const event = { resourceId: subscriptionId, quantity: 7, dimension: 'email', effectiveStartTime: hour, planId: 'basic' };
    const usage = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', event);
    expect(usage.status, JSON.stringify(usage.json)).toBe(200);
    expect(usage.json).toMatchObject({ status: 'Accepted', resourceId: subscriptionId, quantity: 7 });
    // Stored, not just answered: the same event again is the documented duplicate, naming the first one.
    const again = await call('POST', '/api/usageEvent?api-version=2018-08-31', 'publisher', event);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ additionalInfo: { acceptedMessage: { usageEventId: usage.json['usageEventId'] } } });
  });

  it('runs an orchestration on the durable runtime, whose task hub is reached through the same token credential', async () => {
    const instance = `nokeys-${randomUUID()}`;
    const started = await fetch(`${host.url}/api/test/durable/start/SampleSequence/${instance}`, { method: 'POST' });
    expect(started.status).toBe(202);
    const status = await durableApi(host.url, systemKey(host.env)).waitFor(instance);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });
});
