/**
 * Managed-identity principals (issue 17; specs/metering.md 2.9; decision 0313): a token shaped as IMDS issues it
 * (app-only, `xms_mirid` naming the identity's resource) is a `managedIdentity` principal, never a publisher, and
 * needs no publisher registration; an app token without the claim is still a publisher's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalKeyStore } from '../../../shared/auth/keys';
import { createAuthenticator } from '../../../shared/auth/principal';
import type { PublisherRegistry } from '../../../shared/auth/publishers';
import { createTokenValidator, managedIdentityOf, mintToken, type TokenRequest } from '../../../shared/auth/tokens';
import { fixedClock } from '../../../shared/clock';
import { MARKETPLACE_API_RESOURCE, parseConfig } from '../../../shared/config';

const NOW = new Date('2026-03-10T12:00:00Z');
const VM = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/mrg-coa-1/providers/Microsoft.Compute/virtualMachines/vm1';
const TENANT = '22222222-2222-2222-2222-222222222222';

async function principalOf(request: TokenRequest, version: 'v1' | 'v2' = 'v1') {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'issuer-keys.json');
  const keys = new LocalKeyStore(file);
  const auth = parseConfig({ STORAGE_CONNECTION_STRING: 'x', LOCAL_ISSUER_KEY_FILE: file }).auth;
  const registered: unknown[] = [];
  const registry = {
    findApp: async () => undefined,
    register: async (app: unknown) => {
      registered.push(app);
      return { app };
    },
  } as unknown as PublisherRegistry;
  const token = await mintToken(keys, request, { issuerBase: auth.localIssuerBase, audience: MARKETPLACE_API_RESOURCE, now: NOW, version });
  const authenticator = createAuthenticator({
    validator: createTokenValidator(auth, fixedClock(NOW), keys),
    registry,
    operatorRole: auth.operatorRole,
    localMode: true,
    clock: fixedClock(NOW),
  });
  return { principal: await authenticator.authenticate(`Bearer ${token.accessToken}`), registered };
}

describe('managed identity tokens', () => {
  it.each(['v1', 'v2'] as const)(
    'a %s managed-identity token is that identity, with its resource and service principal',
    async (version) => {
      const { principal, registered } = await principalOf({ kind: 'managedIdentity', tenantId: TENANT, resourceId: VM }, version);
      expect(principal).toEqual({
        kind: 'managedIdentity',
        tenantId: TENANT,
        principalId: managedIdentityOf(VM).principalId,
        resourceId: VM,
      });
      expect(registered).toEqual([]);
    },
  );

  it('the identity of one resource id is the same whatever its case, and differs from another resource', () => {
    expect(managedIdentityOf(VM.toUpperCase())).toEqual(managedIdentityOf(VM));
    expect(managedIdentityOf(`${VM}2`).principalId).not.toBe(managedIdentityOf(VM).principalId);
    expect(managedIdentityOf(VM).clientId).not.toBe(managedIdentityOf(VM).principalId);
  });

  it('an app token without the claim is still a publisher app', async () => {
    const { principal } = await principalOf({ kind: 'app', tenantId: TENANT, appId: 'app-1', publisherId: 'contoso' });
    expect(principal).toMatchObject({ kind: 'publisher', publisherId: 'contoso' });
  });
});
