import { describe, expect, it } from 'vitest';
import { nameGuid } from '../../../shared/auth/tokens';
import { MARKETPLACE_API_RESOURCE } from '../../../shared/config';
import { CONSOLE_AUDIENCE, signInSchema, tokenRequestFor } from '../../../shared/console/signin';

describe('the local sign-in mints what npm run token mints', () => {
  it('a publisher: the derived tenant and app, the publisher claim, the marketplace API audience', () => {
    expect(tokenRequestFor({ kind: 'publisher', publisherId: 'contoso' }, 'Op')).toEqual({
      request: { kind: 'app', tenantId: nameGuid('publisher-tenant', 'contoso'), appId: nameGuid('publisher-app', 'contoso'), publisherId: 'contoso' },
      audience: MARKETPLACE_API_RESOURCE,
    });
  });

  it('a customer: names become the same GUIDs, a GUID stays (lower-cased, no name)', () => {
    expect(tokenRequestFor({ kind: 'customer', tenant: 'fabrikam', user: 'ann', email: 'ann@fabrikam.example' }, 'Op')).toEqual({
      request: { kind: 'user', tenantId: nameGuid('tenant', 'fabrikam'), userId: nameGuid('user', 'ann'), name: 'ann', email: 'ann@fabrikam.example' },
      audience: CONSOLE_AUDIENCE,
    });
    const guid = 'AAAAAAAA-1111-1111-1111-111111111111';
    expect(tokenRequestFor({ kind: 'customer', tenant: guid, user: guid }, 'Op').request).toEqual({ kind: 'user', tenantId: guid.toLowerCase(), userId: guid.toLowerCase() });
  });

  it('an operator: the operators app with the operator role', () => {
    expect(tokenRequestFor({ kind: 'operator' }, 'Marketplace.Operator')).toEqual({
      request: { kind: 'app', tenantId: nameGuid('operator-tenant', 'operators'), appId: nameGuid('operator-app', 'operators'), roles: ['Marketplace.Operator'] },
      audience: CONSOLE_AUDIENCE,
    });
  });

  it('refuses bad names with a message per field', () => {
    const bad = signInSchema.safeParse({ kind: 'customer', tenant: 'not a tenant!', user: '', email: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['tenant', 'Use letters, digits, ".", "_", "@" or "-".'],
      ['user', 'Enter a name or a GUID.'],
      ['user', 'Use letters, digits, ".", "_", "@" or "-".'],
      ['email', 'Enter an e-mail address such as ann@fabrikam.example.'],
    ]);
    expect(signInSchema.safeParse({ kind: 'publisher', publisherId: 'Contoso' }).success).toBe(false);
    expect(signInSchema.safeParse({ kind: 'root' }).success).toBe(false);
  });
});
