/** Small pieces the catalog's trigger files share: who the caller is. */
import type { Principal } from '../../auth/principal';
import type { Caller } from '../service/access';

export function callerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): Caller {
  return principal.kind === 'publisher'
    ? { kind: 'publisher', publisherId: principal.publisherId }
    : { kind: 'operator', subject: principal.subject };
}
