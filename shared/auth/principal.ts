/**
 * Who is calling: a publisher app, a customer user or an operator, derived from a validated token. Publisher apps
 * are mapped to a publisher account by the registry; in local mode an app the registry has never seen is
 * registered on first use (no manual step), under the publisher the token command named or else its app id.
 */
import type { Clock } from '../clock';
import { MANAGED_IDENTITY_CLAIM, PUBLISHER_CLAIM, TokenError, type TokenValidator, type VerifiedClaims } from './tokens';
import type { PublisherRegistry } from './publishers';

export type Principal =
  | { kind: 'publisher'; publisherId: string; tenantId: string; appId: string }
  | { kind: 'customer'; tenantId: string; userId: string; email?: string; name?: string; roles?: string[] }
  | { kind: 'operator'; tenantId: string; subject: string }
  /**
   * A managed identity (IMDS token) of a deployed managed application's resources: `resourceId` is the ARM id of
   * the resource the identity belongs to (`xms_mirid`). Metering lets it report usage of its own application only.
   */
  | { kind: 'managedIdentity'; tenantId: string; principalId: string; resourceId: string };

export type PrincipalKind = Principal['kind'];

export class AuthenticationFailure extends Error {
  override name = 'AuthenticationFailure';
  constructor(
    message: string,
    readonly reason: TokenError['reason'] | 'unregistered',
  ) {
    super(message);
  }
}

export interface Authenticator {
  authenticate(authorization: string | null): Promise<Principal>;
}

export function bearerToken(authorization: string | null): string {
  if (!authorization) throw new AuthenticationFailure('The Authorization header is missing.', 'missing');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new AuthenticationFailure('The Authorization header must be "Bearer <token>".', 'malformed');
  return match[1];
}

function isAppToken(claims: VerifiedClaims): boolean {
  if (claims.idtyp) return claims.idtyp === 'app';
  return !claims.scp && (claims.appid !== undefined || claims.azp !== undefined) && claims.oid === claims.sub;
}

export interface AuthenticatorOptions {
  validator: TokenValidator;
  registry: PublisherRegistry;
  operatorRole: string;
  localMode: boolean;
  clock: Clock;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      let claims: VerifiedClaims;
      try {
        claims = await options.validator.validate(token);
      } catch (error) {
        if (error instanceof TokenError) throw new AuthenticationFailure(error.message, error.reason);
        throw error;
      }
      const tenantId = claims.tid.toLowerCase();
      if (claims.roles?.includes(options.operatorRole)) {
        return { kind: 'operator', tenantId, subject: String(claims.oid ?? claims.sub ?? '') };
      }
      const identityResource = claims[MANAGED_IDENTITY_CLAIM];
      if (isAppToken(claims) && typeof identityResource === 'string' && identityResource.startsWith('/')) {
        return {
          kind: 'managedIdentity',
          tenantId,
          principalId: String(claims.oid ?? claims.sub ?? '').toLowerCase(),
          resourceId: identityResource,
        };
      }
      if (isAppToken(claims)) {
        const appId = String(claims.appid ?? claims.azp ?? '').toLowerCase();
        let app = await options.registry.findApp(tenantId, appId);
        if (!app && options.localMode) {
          const publisherId = claims[PUBLISHER_CLAIM] ?? appId;
          ({ app } = await options.registry.register({
            publisherId,
            tenantId,
            appId,
            registeredAt: options.clock.now().toISOString(),
            source: 'local-auto',
          }));
        }
        if (!app) throw new AuthenticationFailure('The application is not registered to a publisher account.', 'unregistered');
        return { kind: 'publisher', publisherId: app.publisherId, tenantId, appId };
      }
      return {
        kind: 'customer',
        tenantId,
        userId: String(claims.oid ?? claims.sub ?? '').toLowerCase(),
        ...(claims.email || claims.preferred_username ? { email: String(claims.email ?? claims.preferred_username) } : {}),
        ...(claims.name ? { name: claims.name } : {}),
        ...(claims.roles && claims.roles.length > 0 ? { roles: claims.roles } : {}),
      };
    },
  };
}
