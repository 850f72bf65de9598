import { describe, expect, it } from 'vitest';
import { administers, isLicenseAdmin, LICENSE_ADMIN_ROLES } from '../../../../shared/licensing/rules/roles';

describe('license-administering roles', () => {
  it('lists the three GDAP roles and the two tenant administrators', () => {
    expect(LICENSE_ADMIN_ROLES).toEqual([
      'License Administrator',
      'User Administrator',
      'Directory Writers',
      'Global Administrator',
      'Billing Administrator',
    ]);
  });

  it('accepts any of them, ignoring case and spaces', () => {
    expect(isLicenseAdmin(['License Administrator'])).toBe(true);
    expect(isLicenseAdmin(['licenseadministrator'])).toBe(true);
    expect(isLicenseAdmin(['Reader', 'DirectoryWriters'])).toBe(true);
    expect(isLicenseAdmin(['USER  ADMINISTRATOR'])).toBe(true);
    expect(isLicenseAdmin(['License\tAdministrator'])).toBe(true);
    expect(isLicenseAdmin(['Global Administrator'])).toBe(true);
    expect(isLicenseAdmin(['Billing Administrator'])).toBe(true);
  });

  it('refuses other roles and no roles', () => {
    expect(isLicenseAdmin([])).toBe(false);
    expect(isLicenseAdmin(['Reader'])).toBe(false);
    expect(isLicenseAdmin(['License Administrators'])).toBe(false);
    expect(isLicenseAdmin(['Directory Readers'])).toBe(false);
  });
});

describe('who administers a tenant’s licenses', () => {
  it('is an operator or a license administrator of that very tenant', () => {
    expect(administers({ kind: 'operator' }, 'T')).toBe(true);
    expect(administers({ kind: 'customer', tenantId: 'T', roles: ['License Administrator'] }, 't')).toBe(true);
    expect(administers({ kind: 'customer', tenantId: 't', roles: ['License Administrator'] }, 'T')).toBe(true);
    expect(administers({ kind: 'customer', tenantId: 'U', roles: ['License Administrator'] }, 'T')).toBe(false);
    expect(administers({ kind: 'customer', tenantId: 'T', roles: ['Reader'] }, 'T')).toBe(false);
    expect(administers({ kind: 'customer', tenantId: 'T' }, 'T')).toBe(false);
    expect(administers({ kind: 'customer', roles: ['License Administrator'] }, 'T')).toBe(false);
    expect(administers({ kind: 'publisher', tenantId: 'T', roles: ['License Administrator'] }, 'T')).toBe(false);
  });
});
