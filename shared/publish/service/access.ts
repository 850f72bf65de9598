/**
 * Who may do what with publishing: a publisher submits, goes live, cancels and reads only in its own namespace
 * (403 otherwise, as the catalog); operators read any namespace and decide certification.
 */
import { ForbiddenError } from '../../errors';

export type Caller = { kind: 'publisher'; publisherId: string } | { kind: 'operator'; subject: string };

export function authorize(caller: Caller, publisherId: string, access: 'read' | 'write' | 'certify'): void {
  if (caller.kind === 'operator') {
    if (access === 'write') throw new ForbiddenError('Operators cannot publish offers; use a publisher token.');
    return;
  }
  if (access === 'certify') throw new ForbiddenError('Only operators decide certification.');
  if (caller.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
    throw new ForbiddenError("The client doesn't have access to the specified namespace.");
  }
}

export function describeCaller(caller: Caller): string {
  return caller.kind === 'publisher' ? `publisher:${caller.publisherId}` : `operator:${caller.subject}`;
}
