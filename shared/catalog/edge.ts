/** Small pieces the catalog's trigger files share: who the caller is, and the base URL for links in responses. */
import type { HttpRequest } from '@azure/functions';
import type { Principal } from '../auth/principal';
import type { Caller } from './service/access';

export function callerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): Caller {
  return principal.kind === 'publisher'
    ? { kind: 'publisher', publisherId: principal.publisherId }
    : { kind: 'operator', subject: principal.subject };
}

/** PUBLIC_BASE_URL when set (behind a proxy), else the origin the request came to. */
export function baseUrlOf(request: HttpRequest, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ?? new URL(request.url).origin;
}
