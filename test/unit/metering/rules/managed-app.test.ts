import { describe, expect, it } from 'vitest';
import { isGuid } from '../../../../shared/guid';
import { applicationIdOf, managedGroupProblem, parseApplicationId, resourceUsageIdOf } from '../../../../shared/metering/rules/managed-app';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const R1 = `/subscriptions/${SUB}/resourceGroups/rg-coa-1/providers/Microsoft.Solutions/applications/coa-1`;

describe('parseApplicationId', () => {
  it('reads the subscription (lower case), resource group and name of an application id', () => {
    expect(parseApplicationId(R1)).toEqual({ subscriptionId: SUB, resourceGroup: 'rg-coa-1', name: 'coa-1' });
    expect(parseApplicationId(R1.replace(SUB, SUB.toUpperCase()).toLowerCase())).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg-coa-1',
      name: 'coa-1',
    });
  });

  it('takes a test GUID subscription and ARM name characters', () => {
    const id =
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/My_RG.(1)/providers/Microsoft.Solutions/applications/App_1.x';
    expect(parseApplicationId(id)).toEqual({
      subscriptionId: '11111111-1111-1111-1111-111111111111',
      resourceGroup: 'My_RG.(1)',
      name: 'App_1.x',
    });
  });

  it.each([
    ['another provider', R1.replace('Microsoft.Solutions', 'Microsoft.Compute')],
    ['a dot for the provider dot', R1.replace('Microsoft.Solutions', 'MicrosoftxSolutions')],
    ['no subscription GUID', R1.replace(SUB, 'sub-1')],
    ['a trailing slash', `${R1}/`],
    ['a child path', `${R1}/x`],
    ['no leading slash', R1.slice(1)],
    ['a group ending in a dot', R1.replace('rg-coa-1', 'rg.')],
    ['a 91-character group', R1.replace('rg-coa-1', 'r'.repeat(91))],
    ['a 2-character name', R1.replace('/applications/coa-1', `/applications/${'ab'}`)],
    ['a 65-character name', R1.replace('/applications/coa-1', `/applications/${'a'.repeat(65)}`)],
    ['a name starting with a dash', R1.replace('/applications/coa-1', `/applications/${'-coa'}`)],
    ['junk before', `x${R1}`],
  ])('refuses %s', (_, id) => {
    expect(parseApplicationId(id)).toBeUndefined();
  });

  it('accepts the boundary lengths: a 1- and a 90-character group, a 3- and a 64-character name', () => {
    expect(parseApplicationId(R1.replace('rg-coa-1', 'r'))?.resourceGroup).toBe('r');
    expect(parseApplicationId(R1.replace('rg-coa-1', 'r'.repeat(90)))?.resourceGroup).toHaveLength(90);
    expect(parseApplicationId(R1.replace('/applications/coa-1', `/applications/${'abc'}`))?.name).toBe('abc');
    expect(parseApplicationId(R1.replace('/applications/coa-1', `/applications/${'a'.repeat(64)}`))?.name).toHaveLength(64);
  });

  it('builds the id back from its parts, the subscription in lower case', () => {
    expect(applicationIdOf(SUB.toUpperCase(), 'rg-coa-1', 'coa-1')).toBe(R1);
  });
});

describe('managedGroupProblem', () => {
  const app = { subscriptionId: SUB, resourceGroup: 'rg-coa-1', name: 'coa-1' };
  it('is undefined for another group of the same subscription, in any case', () => {
    expect(managedGroupProblem(`/subscriptions/${SUB}/resourceGroups/mrg-coa-1`, app)).toBeUndefined();
    expect(managedGroupProblem(`/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourcegroups/mrg-coa-1`, app)).toBeUndefined();
  });
  it('names the problem', () => {
    expect(managedGroupProblem('mrg-coa-1', app)).toBe(
      'must be a resource group id, /subscriptions/{subscriptionId}/resourceGroups/{name}',
    );
    expect(managedGroupProblem(`/subscriptions/${SUB}/resourceGroups/mrg-coa-1/x`, app)).toBe(
      'must be a resource group id, /subscriptions/{subscriptionId}/resourceGroups/{name}',
    );
    expect(managedGroupProblem('/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/mrg', app)).toBe(
      "must be in the application's Azure subscription",
    );
    expect(managedGroupProblem(`/subscriptions/${SUB}/resourceGroups/RG-COA-1`, app)).toBe(
      "must not be the application's own resource group",
    );
  });
});

describe('resourceUsageIdOf', () => {
  it('is a GUID, the same for the same id in any case, and different for another application', () => {
    const id = resourceUsageIdOf(R1);
    expect(isGuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resourceUsageIdOf(R1.toUpperCase())).toBe(id);
    expect(resourceUsageIdOf(R1.replace('/applications/coa-1', `/applications/${'coa-2'}`))).not.toBe(id);
  });
  it('is pinned, so stored usage keeps its key across releases', () => {
    expect(resourceUsageIdOf(R1)).toBe('9465c097-d6ab-49b5-8d48-e6c1c54de40c');
  });
});
