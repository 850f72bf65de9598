/**
 * Tokens: minting by the local issuer (shaped like Entra ID's v1 and v2 access tokens) and validation of bearer
 * JWTs from the configured issuer (signature via JWKS, issuer, audience, expiry) against the project's clock.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { SIGNING_ALG, type LocalKeyStore } from './keys';

export const TOKEN_LIFETIME_SECONDS = 3600;
/** Claim carried by tokens the token command mints for a named publisher (local mode only). */
export const PUBLISHER_CLAIM = 'marketplace_publisher';

/** A stable GUID derived from a name, so `--publisher contoso` means the same tenant and app every time. */
export function nameGuid(namespace: string, name: string): string {
  const h = createHash('sha256').update(`${namespace}:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Azure's claim naming the managed identity's own ARM resource (`xms_mirid`): the resource a system-assigned
 * identity belongs to, or the user-assigned identity resource. Metering authorises a managed-identity token by it
 * (specs/metering.md 2.9; decision 0313).
 */
export const MANAGED_IDENTITY_CLAIM = 'xms_mirid';

/** The service principal (object id) and client id of the managed identity of an ARM resource, stable per id. */
export function managedIdentityOf(resourceId: string): { principalId: string; clientId: string } {
  const id = resourceId.toLowerCase();
  return { principalId: nameGuid('managed-identity', id), clientId: nameGuid('managed-identity-client', id) };
}

export function localIssuer(base: string, tenantId: string, version: 'v1' | 'v2'): string {
  return version === 'v2' ? `${base}/${tenantId}/v2.0` : `${base}/${tenantId}/`;
}

export type TokenRequest =
  | { kind: 'app'; tenantId: string; appId: string; publisherId?: string; roles?: string[] }
  | { kind: 'user'; tenantId: string; userId: string; email?: string; name?: string; roles?: string[] }
  /** The managed identity of an ARM resource (a managed application, or a resource in its managed resource group). */
  | { kind: 'managedIdentity'; tenantId: string; resourceId: string; roles?: string[] };

export interface MintOptions {
  issuerBase: string;
  audience: string;
  version?: 'v1' | 'v2';
  now: Date;
  lifetimeSeconds?: number;
  /** More claims, for tokens that must look like a particular caller's (the marketplace's webhook token). */
  claims?: Record<string, unknown>;
}

export interface MintedToken {
  accessToken: string;
  issuedAt: number;
  expiresOn: number;
}

export async function mintToken(keys: LocalKeyStore, request: TokenRequest, options: MintOptions): Promise<MintedToken> {
  const version = options.version ?? 'v1';
  const iat = Math.floor(options.now.getTime() / 1000);
  const exp = iat + (options.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS);
  const claims: JWTPayload & Record<string, unknown> = { tid: request.tenantId, ver: version === 'v2' ? '2.0' : '1.0' };
  if (request.kind === 'app') {
    const servicePrincipal = nameGuid('service-principal', `${request.tenantId}/${request.appId}`);
    Object.assign(claims, { oid: servicePrincipal, sub: servicePrincipal, idtyp: 'app' });
    if (version === 'v2') Object.assign(claims, { azp: request.appId, azpacr: '1' });
    else Object.assign(claims, { appid: request.appId, appidacr: '1' });
    if (request.publisherId) claims[PUBLISHER_CLAIM] = request.publisherId;
  } else if (request.kind === 'managedIdentity') {
    // Shaped as IMDS issues it: an app-only token of the identity's service principal, naming its resource.
    const identity = managedIdentityOf(request.resourceId);
    Object.assign(claims, {
      oid: identity.principalId,
      sub: identity.principalId,
      idtyp: 'app',
      [MANAGED_IDENTITY_CLAIM]: request.resourceId,
    });
    if (version === 'v2') Object.assign(claims, { azp: identity.clientId, azpacr: '2' });
    else Object.assign(claims, { appid: identity.clientId, appidacr: '2' });
  } else {
    Object.assign(claims, { oid: request.userId, sub: request.userId, idtyp: 'user', scp: 'user_impersonation' });
    if (request.email) Object.assign(claims, { email: request.email, preferred_username: request.email, upn: request.email });
    if (request.name) claims['name'] = request.name;
  }
  if (request.roles && request.roles.length > 0) claims['roles'] = request.roles;
  Object.assign(claims, options.claims);
  const { kid, key } = await keys.signingKey();
  const accessToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, typ: 'JWT', kid })
    .setIssuer(localIssuer(options.issuerBase, request.tenantId, version))
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { accessToken, issuedAt: iat, expiresOn: exp };
}

export interface VerifiedClaims extends JWTPayload {
  tid: string;
  oid?: string;
  appid?: string;
  azp?: string;
  idtyp?: string;
  scp?: string;
  roles?: string[];
  email?: string;
  preferred_username?: string;
  name?: string;
  [PUBLISHER_CLAIM]?: string;
  [MANAGED_IDENTITY_CLAIM]?: string;
}

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly reason: 'missing' | 'malformed' | 'expired' | 'invalid',
  ) {
    super(message);
  }
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export interface TokenValidator {
  validate(token: string): Promise<VerifiedClaims>;
}

/** How many verified tokens one process remembers (oldest forgotten first). */
const VERIFIED_CACHE_ENTRIES = 10_000;

export function createTokenValidator(auth: Config['auth'], clock: Clock, localKeys: LocalKeyStore): TokenValidator {
  const verified = new Map<string, { claims: VerifiedClaims; exp: number; nbf?: number }>();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const issuerPattern =
    auth.mode === 'local'
      ? new RegExp(`^${escape(auth.localIssuerBase)}/(${GUID})/(?:v2\\.0)?$`)
      : new RegExp(`^(?:https://sts\\.windows\\.net/(${GUID})/|${escape(auth.entraAuthority)}/(${GUID})/v2\\.0)$`);
  const remote = auth.mode === 'entra' ? createRemoteJWKSet(new URL(`${auth.entraAuthority}/common/discovery/v2.0/keys`)) : undefined;

  return {
    async validate(token) {
      // A token verified before is not verified again until it expires (on the project clock): signature checks
      // were about a fifth of the host's CPU on the metering hot path. Only successes are remembered.
      const now = clock.now().getTime();
      const known = verified.get(token);
      if (known && now < known.exp * 1000 && now >= (known.nbf ?? 0) * 1000) return known.claims;
      let payload: JWTPayload;
      try {
        if (remote) {
          payload = (await jwtVerify(token, remote, { audience: auth.audiences, currentDate: clock.now(), clockTolerance: 0 })).payload;
        } else {
          payload = (
            await jwtVerify(token, await localKeys.verifier(), {
              audience: auth.audiences,
              currentDate: clock.now(),
              algorithms: [SIGNING_ALG],
            })
          ).payload;
        }
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new TokenError('The access token has expired.', 'expired');
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
          throw new TokenError(`The access token's "${error.claim}" claim is not accepted.`, 'invalid');
        }
        if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
          throw new TokenError('The access token is malformed.', 'malformed');
        }
        throw new TokenError('The access token signature is not valid.', 'invalid');
      }
      const match = issuerPattern.exec(String(payload.iss ?? ''));
      const issuerTenant = match?.[1] ?? match?.[2];
      if (!issuerTenant) throw new TokenError('The access token was issued by an issuer this service does not trust.', 'invalid');
      if (typeof payload['tid'] !== 'string' || payload['tid'].toLowerCase() !== issuerTenant.toLowerCase()) {
        throw new TokenError('The access token tenant does not match its issuer.', 'invalid');
      }
      const claims = payload as VerifiedClaims;
      if (typeof claims.exp === 'number') {
        if (verified.size >= VERIFIED_CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
        verified.set(token, { claims, exp: claims.exp, ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}) });
      }
      return claims;
    },
  };
}
