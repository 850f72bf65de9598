/**
 * The simulated approval of a user's assignments ([000:195]: users that "may or may not have approval"; decision
 * 0804): an operator marks a user whose queued assignments fail (FailedAssign, retryable) until the mark is cleared.
 */
import { ForbiddenError, ValidationError } from '../../errors';
import type { LicenseCaller } from '../model';
import type { LicenseStore } from '../ports';
import { isGuid } from '../rules/sku';

export class ApprovalFaults {
  constructor(private readonly deps: { store: LicenseStore }) {}

  async set(caller: LicenseCaller, tenantId: string, userId: string, fail: boolean): Promise<void> {
    if (caller.kind !== 'operator') throw new ForbiddenError('Only an operator can simulate approval failures.');
    if (!isGuid(userId)) throw new ValidationError('userId must be a GUID.', [], 'InvalidUser');
    await this.deps.store.setApprovalFault(tenantId.toLowerCase(), userId.toLowerCase(), fail);
  }
}
