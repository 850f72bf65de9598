/** The caller of the analytics surface: the publisher of the Entra app token, and the app as the seed's `user`. */
import type { Principal } from '../../auth/principal';
import type { Caller } from '../service/query-management';

export function callerOf(principal: Extract<Principal, { kind: 'publisher' }>): Caller {
  return { publisherId: principal.publisherId, user: principal.appId };
}
