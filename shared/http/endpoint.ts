/**
 * The edge of every HTTP function: authenticate (when the route needs a principal), check the surface's
 * api-version, run the handler, and map any error to the surface's documented body. Request and correlation ids
 * are handled by the app's invocation hooks (functions/hooks.ts), not here.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { AuthenticationFailure, type Authenticator, type Principal, type PrincipalKind } from '../auth/principal';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../errors';
import { checkApiVersion } from './request';
import { errorResponse, internalErrorResponse, type Surface } from './surfaces';

export interface EndpointContext<P extends Principal | undefined> {
  principal: P;
  invocation: InvocationContext;
  apiVersion: string | undefined;
}

type PrincipalOf<K extends PrincipalKind> = Extract<Principal, { kind: K }>;

export interface EndpointOptions<K extends PrincipalKind> {
  surface: Surface;
  /** Principal kinds allowed to call; omit for a public route. */
  allow?: readonly K[];
  authenticator?: () => Authenticator;
}

/** The principal a handler receives: the allowed kinds, or undefined on a public route. */
type HandlerPrincipal<K extends PrincipalKind> = [K] extends [never] ? undefined : PrincipalOf<K>;

export function endpoint<K extends PrincipalKind = never>(
  options: EndpointOptions<K>,
  handler: (request: HttpRequest, ctx: EndpointContext<HandlerPrincipal<K>>) => Promise<HttpResponseInit>,
): HttpHandler {
  const { surface } = options;
  return async (request, invocation) => {
    try {
      let principal: Principal | undefined;
      if (options.allow) {
        principal = await authenticate(options.authenticator as () => Authenticator, surface, request);
        if (!(options.allow as readonly PrincipalKind[]).includes(principal.kind)) {
          throw new ForbiddenError(`This operation is not available to a ${principal.kind} principal.`);
        }
      }
      const apiVersion = checkApiVersion(request, surface);
      return await handler(request, { principal: principal as HandlerPrincipal<K>, invocation, apiVersion });
    } catch (error) {
      if (error instanceof DomainError) return errorResponse(surface, error);
      invocation.error(`Unhandled error in ${invocation.functionName}:`, error);
      return internalErrorResponse(surface);
    }
  };
}

async function authenticate(authenticator: () => Authenticator, surface: Surface, request: HttpRequest): Promise<Principal> {
  try {
    return await authenticator().authenticate(request.headers.get('authorization'));
  } catch (error) {
    if (error instanceof AuthenticationFailure) {
      throw surface.unauthenticatedStatus === 403 ? new ForbiddenError(error.message) : new UnauthenticatedError(error.message);
    }
    throw error;
  }
}
