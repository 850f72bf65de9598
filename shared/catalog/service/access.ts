/**
 * Who may do what in the catalog: a publisher reads and changes only its own namespace (another publisher's id in
 * the path → 403 "The client doesn't have access to the specified namespace" [L23109], [L24452]); operators read
 * any namespace and freeze drafts, but do not edit offers.
 */
import { ForbiddenError, NotFoundError } from '../../errors';
import { ID_PATTERN } from '../model/ids';

export type Caller = { kind: 'publisher'; publisherId: string } | { kind: 'operator'; subject: string };

export const NAMESPACE_FORBIDDEN = "The client doesn't have access to the specified namespace.";

export function describeCaller(caller: Caller): string {
  return caller.kind === 'publisher' ? `publisher:${caller.publisherId}` : `operator:${caller.subject}`;
}

export function authorize(caller: Caller, publisherId: string, access: 'read' | 'write'): void {
  if (caller.kind === 'operator') {
    if (access === 'write') throw new ForbiddenError('Operators can read offers but not change them; use a publisher token.');
  } else if (caller.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
    throw new ForbiddenError(NAMESPACE_FORBIDDEN);
  }
  // A namespace that cannot exist (publisher ids follow the id rule, spec A37) is not looked up in storage.
  if (!ID_PATTERN.test(publisherId)) throw new NotFoundError(`The publisher namespace ${publisherId} does not exist.`, 'PublisherNotFound');
}
