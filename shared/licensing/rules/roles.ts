/**
 * Who may manage a customer's licenses (seed 003 [003:7-11]; seed 002 [002:129]): the GDAP roles License
 * Administrator, User Administrator and Directory Writers, and the tenant's Global and Billing administrators.
 * Role names are compared without case and spaces, so `LicenseAdministrator` and `License Administrator` match.
 */
export const LICENSE_ADMIN_ROLES = [
  'License Administrator',
  'User Administrator',
  'Directory Writers',
  'Global Administrator',
  'Billing Administrator',
] as const;

/** The roles above without spaces, lowercase: what a token's role is compared with. */
const ALLOWED = ['licenseadministrator', 'useradministrator', 'directorywriters', 'globaladministrator', 'billingadministrator'];

export function isLicenseAdmin(roles: readonly string[]): boolean {
  return roles.some((role) => ALLOWED.includes(role.replace(/\s/g, '').toLowerCase()));
}

/** Whether the caller administers the tenant's licenses: an operator, or a license administrator of that tenant. */
export function administers(caller: { kind: string; tenantId?: string; roles?: readonly string[] }, tenantId: string): boolean {
  if (caller.kind === 'operator') return true;
  if (caller.kind !== 'customer' || caller.tenantId === undefined || caller.roles === undefined) return false;
  return caller.tenantId.toLowerCase() === tenantId.toLowerCase() && isLicenseAdmin(caller.roles);
}
