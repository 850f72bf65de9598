/**
 * A tenant's groups (the stand-in for an Entra group or a Team, B1.4): `PUT /api/licensing/tenants/{t}/groups/{g}`
 * `{members}` by the tenant's license administrators. Last writer wins: a group is a list the admin replaces.
 */
import { ConflictError, ForbiddenError, ValidationError } from '../../errors';
import type { LicenseCaller, LicenseGroup } from '../model';
import type { LicenseStore } from '../ports';
import { administers } from '../rules/roles';
import { isGuid } from '../rules/sku';

export const MAX_GROUP_MEMBERS = 1000;

export class PutGroup {
  constructor(private readonly deps: { store: LicenseStore }) {}

  async put(
    caller: LicenseCaller,
    tenantId: string,
    groupId: string,
    members: string[],
  ): Promise<{ group: LicenseGroup; created: boolean }> {
    if (!administers(caller, tenantId)) throw new ForbiddenError("Only the tenant's license administrators can manage its groups.");
    const unique = [...new Set(members.map((m) => m.toLowerCase()))];
    const bad = unique.filter((m) => !isGuid(m));
    if (bad.length > 0) throw new ValidationError(`Members must be user ids (GUIDs): ${bad.slice(0, 5).join(', ')}.`, [], 'InvalidGroup');
    if (unique.length > MAX_GROUP_MEMBERS)
      throw new ValidationError(`A group has at most ${MAX_GROUP_MEMBERS} members.`, [], 'InvalidGroup');
    const tenant = tenantId.toLowerCase();
    const group: LicenseGroup = { tenantId: tenant, groupId, members: unique };
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const current = await this.deps.store.getGroup(tenant, groupId);
      if ((await this.deps.store.commit(tenant, [{ kind: 'group', value: group, ...(current ? { etag: current.etag } : {}) }])) === 'ok') {
        return { group, created: current === undefined };
      }
    }
    throw new ConflictError('The group changed too often; retry.', 'LicenseGroupConflict');
  }
}
