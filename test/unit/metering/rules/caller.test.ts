import { describe, expect, it } from 'vitest';
import type { MeteredResource } from '../../../../shared/metering/model';
import { armKey, armWithin, callerOf, mayReport } from '../../../../shared/metering/rules/caller';

const APP = '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-coa-1/providers/Microsoft.Solutions/applications/coa-1';
const MRG = '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/mrg-coa-1';
const VM = `${MRG}/providers/Microsoft.Compute/virtualMachines/vm1`;

function managedApp(overrides: Partial<MeteredResource> = {}): MeteredResource {
  return {
    resourceKey: '11111111-1111-1111-1111-111111111111',
    kind: 'managedApp',
    publisherId: 'contoso',
    offerId: 'contoso-coa',
    status: 'Subscribed',
    plans: [{ planId: 'base', from: '2024-03-01T00:00:00Z' }],
    resourceUri: APP,
    managedResourceGroupId: MRG,
    ...overrides,
  };
}
const identity = (identityResourceId: string) => ({ kind: 'managedIdentity', identityResourceId }) as const;

describe('armKey', () => {
  it('is the id in lower case without its trailing slashes, and nothing else changed', () => {
    expect(armKey('/Subscriptions/X/resourceGroups/MRG-1//')).toBe('/subscriptions/x/resourcegroups/mrg-1');
    expect(armKey('/a/b')).toBe('/a/b');
    expect(armKey('///')).toBe('');
  });
});

describe('armWithin', () => {
  it('is true for the scope itself and anything under it, on whole segments', () => {
    expect(armWithin(MRG, MRG)).toBe(true);
    expect(armWithin(VM, MRG)).toBe(true);
    expect(armWithin(`${MRG}x`, MRG)).toBe(false);
    expect(armWithin(`${MRG}x/providers/a/b`, MRG)).toBe(false);
    expect(armWithin(MRG, VM)).toBe(false);
  });

  it('compares case-insensitively, as ARM does, both ways', () => {
    expect(armWithin(VM.toUpperCase(), MRG)).toBe(true);
    expect(armWithin(VM, MRG.toUpperCase())).toBe(true);
    expect(armWithin(MRG.toLowerCase(), MRG.toUpperCase())).toBe(true);
  });

  it('ignores trailing slashes on either side', () => {
    expect(armWithin(`${MRG}/`, MRG)).toBe(true);
    expect(armWithin(`${MRG}//`, MRG)).toBe(true);
    expect(armWithin(MRG, `${MRG}//`)).toBe(true);
    expect(armWithin(VM, `${MRG}///`)).toBe(true);
    expect(armWithin(MRG, `${MRG}//`)).toBe(true);
    expect(armWithin(`${VM}/`, `${MRG}/`)).toBe(true);
  });

  it('an empty scope contains nothing, not even an empty id', () => {
    expect(armWithin('', '')).toBe(false);
    expect(armWithin('/subscriptions/x', '')).toBe(false);
    expect(armWithin('/subscriptions/x', '/')).toBe(false);
  });
});

describe('mayReport', () => {
  it('a publisher reports for the resources of its own offers only (T55)', () => {
    expect(mayReport({ kind: 'publisher', publisherId: 'contoso' }, managedApp())).toBe(true);
    expect(mayReport({ kind: 'publisher', publisherId: 'fabrikam' }, managedApp())).toBe(false);
    expect(mayReport({ kind: 'publisher', publisherId: 'contoso' }, managedApp({ kind: 'saas' }))).toBe(true);
  });

  it("the managed app's own identity, and identities of resources in its managed resource group, may report (T88)", () => {
    expect(mayReport(identity(APP), managedApp())).toBe(true);
    expect(mayReport(identity(VM), managedApp())).toBe(true);
    expect(mayReport(identity(MRG), managedApp())).toBe(true);
  });

  it("another managed app's identity may not (T94)", () => {
    const other =
      '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/mrg-coa-2/providers/Microsoft.Compute/virtualMachines/vm1';
    expect(mayReport(identity(other), managedApp())).toBe(false);
    expect(mayReport(identity(`${APP}-2`), managedApp())).toBe(false);
  });

  it('uses whichever scope the resource has', () => {
    expect(mayReport(identity(VM), managedApp({ managedResourceGroupId: undefined }))).toBe(false);
    expect(mayReport(identity(APP), managedApp({ managedResourceGroupId: undefined }))).toBe(true);
    expect(mayReport(identity(VM), managedApp({ resourceUri: undefined }))).toBe(true);
    expect(mayReport(identity(APP), managedApp({ resourceUri: undefined }))).toBe(false);
    expect(mayReport(identity(APP), managedApp({ resourceUri: undefined, managedResourceGroupId: undefined }))).toBe(false);
  });

  it('a managed identity never reports for a SaaS subscription, whatever its ids', () => {
    expect(mayReport(identity(APP), managedApp({ kind: 'saas' }))).toBe(false);
  });
});

describe('callerOf', () => {
  it('reads a bare id as that publisher and keeps a caller as it is', () => {
    expect(callerOf('contoso')).toEqual({ kind: 'publisher', publisherId: 'contoso' });
    expect(callerOf(identity(VM))).toEqual(identity(VM));
  });
});
