/**
 * The local token issuer, on Entra ID's own paths so ISV code only swaps the host name:
 * `POST /{tenant}/oauth2/token` (v1 client credentials, `resource`), `POST /{tenant}/oauth2/v2.0/token` (v2,
 * `scope={resource}/.default`), the JWKS at `/{tenant}/discovery/keys` and `/{tenant}/discovery/v2.0/keys`, and
 * the OpenID configuration documents. Served only when AUTH_MODE is `local`.
 */
import { randomUUID } from 'node:crypto';
import { app, type HttpHandler, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { LocalKeyStore } from '../shared/auth/keys';
import { secretMatches, type PublisherRegistry } from '../shared/auth/publishers';
import { localIssuer, mintToken, TOKEN_LIFETIME_SECONDS } from '../shared/auth/tokens';
import type { Clock } from '../shared/clock';
import { services } from '../shared/composition';
import type { Config } from '../shared/config';
import { endpoint } from '../shared/http/endpoint';
import { NotFoundError } from '../shared/errors';
import { lazyHandler } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface IssuerDeps {
  auth: Config['auth'];
  keys: LocalKeyStore;
  clock: Clock;
  publishers: PublisherRegistry;
  publicBaseUrl: (request: HttpRequest) => string;
}

/** Entra's error body for the token endpoints. */
function aadError(status: number, error: string, description: string, code: number): HttpResponseInit {
  return {
    status,
    jsonBody: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').replace('Z', 'Z'),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

const tenantSchema = z.string().regex(/^[A-Za-z0-9.-]{1,64}$/);
const clientIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

async function readForm(request: HttpRequest): Promise<Map<string, string> | undefined> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const form = new URLSearchParams(await request.text());
  // The docs capitalise the field names inconsistently (Grant_type, Client_id); match them case-insensitively.
  const fields = new Map<string, string>();
  for (const [key, value] of form) if (!fields.has(key.toLowerCase())) fields.set(key.toLowerCase(), value);
  return fields;
}

export function makeTokenHandler(deps: IssuerDeps, version: 'v1' | 'v2'): HttpHandler {
  return endpoint({ surface: surfaces.public }, async (request) => {
    if (deps.auth.mode !== 'local') throw new NotFoundError('The local token issuer is disabled (AUTH_MODE is not local).');
    const tenant = tenantSchema.safeParse(request.params['tenantId']);
    if (!tenant.success) return aadError(400, 'invalid_request', 'The tenant identifier is not valid.', 900023);
    const form = await readForm(request);
    if (!form) return aadError(400, 'invalid_request', "The request body must be 'application/x-www-form-urlencoded'.", 900144);
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', "The grant type must be 'client_credentials'.", 70003);
    }
    const clientId = clientIdSchema.safeParse(form.get('client_id'));
    if (!clientId.success) return aadError(400, 'invalid_request', "The request body must contain the parameter 'client_id'.", 900144);
    let resource: string | undefined;
    if (version === 'v1') resource = form.get('resource');
    else
      resource = form
        .get('scope')
        ?.split(' ')
        .find((s) => s.endsWith('/.default'))
        ?.replace(/\/\.default$/, '');
    if (!resource || !deps.auth.audiences.includes(resource)) {
      return aadError(400, 'invalid_resource', `The resource '${resource ?? ''}' is not known to this issuer.`, 500011);
    }
    const tenantId = tenant.data.toLowerCase();
    const appId = clientId.data.toLowerCase();
    const registered = await deps.publishers.findApp(tenantId, appId);
    if (registered && !secretMatches(registered, form.get('client_secret') ?? '')) {
      return aadError(401, 'invalid_client', 'Invalid client secret provided.', 7000215);
    }
    const now = deps.clock.now();
    const minted = await mintToken(
      deps.keys,
      { kind: 'app', tenantId, appId },
      { issuerBase: deps.auth.localIssuerBase, audience: resource, version, now },
    );
    if (version === 'v2') {
      return ok({
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: minted.accessToken,
      });
    }
    // Entra's v1 endpoint sends every number as a string (seed 004 ~25166-25185).
    return ok({
      token_type: 'Bearer',
      expires_in: String(TOKEN_LIFETIME_SECONDS),
      ext_expires_in: '0',
      expires_on: String(minted.expiresOn),
      not_before: String(minted.issuedAt),
      resource,
      access_token: minted.accessToken,
    });
  });
}

export function makeJwksHandler(deps: IssuerDeps): HttpHandler {
  return endpoint({ surface: surfaces.public }, async () => {
    if (deps.auth.mode !== 'local') throw new NotFoundError('The local token issuer is disabled (AUTH_MODE is not local).');
    return ok(await deps.keys.jwks(), { 'cache-control': 'public, max-age=300' });
  });
}

export function makeOpenIdConfigurationHandler(deps: IssuerDeps, version: 'v1' | 'v2'): HttpHandler {
  return endpoint({ surface: surfaces.public }, async (request) => {
    if (deps.auth.mode !== 'local') throw new NotFoundError('The local token issuer is disabled (AUTH_MODE is not local).');
    const tenant = request.params['tenantId'] ?? 'common';
    const base = deps.publicBaseUrl(request);
    const suffix = version === 'v2' ? '/v2.0' : '';
    return ok({
      issuer: localIssuer(deps.auth.localIssuerBase, tenant, version),
      // MSAL (and so @azure/identity) takes a document without authorization_endpoint for no OpenID configuration at
      // all; the issuer serves client credentials only, so that endpoint is named as Entra names it but not served.
      authorization_endpoint: `${base}/${tenant}/oauth2${suffix}/authorize`,
      token_endpoint: `${base}/${tenant}/oauth2${suffix}/token`,
      jwks_uri: `${base}/${tenant}/discovery${suffix}/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      grant_types_supported: ['client_credentials'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['token'],
      subject_types_supported: ['pairwise'],
    });
  });
}

function issuerDeps(): IssuerDeps {
  const s = services();
  return {
    auth: s.config.auth,
    keys: s.keys,
    clock: s.clock,
    publishers: s.publishers,
    publicBaseUrl: (request) => s.config.publicBaseUrl ?? new URL(request.url).origin,
  };
}

app.http('issuer-token-v1', {
  methods: ['POST'],
  route: '{tenantId}/oauth2/token',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeTokenHandler(issuerDeps(), 'v1')),
});

app.http('issuer-token-v2', {
  methods: ['POST'],
  route: '{tenantId}/oauth2/v2.0/token',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeTokenHandler(issuerDeps(), 'v2')),
});

app.http('issuer-keys-v1', {
  methods: ['GET'],
  route: '{tenantId}/discovery/keys',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeJwksHandler(issuerDeps())),
});

app.http('issuer-keys-v2', {
  methods: ['GET'],
  route: '{tenantId}/discovery/v2.0/keys',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeJwksHandler(issuerDeps())),
});

app.http('issuer-openid-v1', {
  methods: ['GET'],
  route: '{tenantId}/.well-known/openid-configuration',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeOpenIdConfigurationHandler(issuerDeps(), 'v1')),
});

app.http('issuer-openid-v2', {
  methods: ['GET'],
  route: '{tenantId}/v2.0/.well-known/openid-configuration',
  authLevel: 'anonymous',
  handler: lazyHandler(() => makeOpenIdConfigurationHandler(issuerDeps(), 'v2')),
});
