/** The ARM test drive configuration (specs/testdrive.md 1.2, §4 cases 1–10, 13, 22–24). */
import { describe, expect, it } from 'vitest';
import {
  capacityPerRegion,
  MAX_ACCESS_INFORMATION,
  MAX_DESCRIPTION,
  maxConcurrentDrives,
  parseConfig,
  SUPPORTED_REGIONS,
} from '../../../../shared/testdrive/rules/config';

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    regions: ['westus2', 'eastus'],
    instances: { hot: 2, warm: 1, cold: 3 },
    durationHours: 2,
    template: {
      parameters: {
        adminUser: { type: 'string', metadata: { type: 'username' } },
        adminPassword: { type: 'securestring', metadata: { type: 'password' } },
      },
    },
    azureSubscriptionId: '6A2B9A49-2D1E-4C8F-8D1E-0A1B2C3D4E5F',
    accessInformation: 'Sign in with the user name and password below.',
    ...overrides,
  };
}

function violations(raw: unknown): { path: string; message: string }[] {
  const result = parseConfig(raw);
  return 'violations' in result ? result.violations : [];
}

function paths(raw: unknown): string[] {
  return violations(raw).map((v) => v.path);
}

describe('parseConfig', () => {
  it('accepts a full ARM configuration and keeps every value', () => {
    const result = parseConfig(valid({ description: 'Try it' }));
    expect(result).toEqual({
      config: {
        regions: ['westus2', 'eastus'],
        instances: { hot: 2, warm: 1, cold: 3 },
        durationHours: 2,
        template: valid().template,
        parameters: [
          { name: 'adminUser', kind: 'username' },
          { name: 'adminPassword', kind: 'password' },
        ],
        description: 'Try it',
        accessInformation: 'Sign in with the user name and password below.',
        azureSubscriptionId: '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f',
      },
    });
  });

  it('rejects anything but an object', () => {
    for (const raw of [undefined, null, [], 'x', 3]) {
      expect(violations(raw)).toEqual([{ path: '', message: 'the test drive configuration must be an object' }]);
    }
  });

  it('takes an absent type as arm and rejects other types', () => {
    expect(paths(valid({ type: 'arm' }))).toEqual([]);
    expect(violations(valid({ type: 'hosted-ce' }))).toEqual([{ path: 'type', message: '"hosted-ce" test drives are not supported by this backend (arm only)' }]);
  });

  it.each([
    [-1, false],
    [0, true],
    [99, true],
    [100, false],
    [1.5, false],
    ['2', false],
    [null, false],
  ])('hot = %s is accepted: %s (0–99 per region)', (hot, ok) => {
    const v = violations(valid({ instances: { hot, warm: 0, cold: 1 } }));
    expect(v).toEqual(ok ? [] : [{ path: 'instances.hot', message: 'must be a whole number from 0 to 99 (per region)' }]);
  });

  it.each(['warm', 'cold'] as const)('%s has the same 0–99 range', (tier) => {
    expect(paths(valid({ instances: { hot: 1, [tier]: 100 } }))).toEqual([`instances.${tier}`]);
    expect(paths(valid({ instances: { hot: 1, [tier]: 99 } }))).toEqual([]);
    expect(paths(valid({ instances: { hot: 1, [tier]: -1 } }))).toEqual([`instances.${tier}`]);
  });

  it('has capacity whenever any tier is above 0', () => {
    expect(paths(valid({ instances: { hot: 1, warm: 1, cold: 0 } }))).toEqual([]);
    expect(paths(valid({ instances: { hot: 0, warm: 1, cold: 0 } }))).toEqual([]);
    expect(paths(valid({ instances: { hot: 0, warm: 0, cold: 1 } }))).toEqual([]);
  });

  it('reports no capacity beside violations elsewhere', () => {
    expect(paths(valid({ instances: { hot: 0, warm: 0, cold: 0 }, durationHours: 0 }))).toEqual(['instances', 'durationHours']);
    expect(paths(valid({ instances: { hot: 0, warm: 0, cold: 0 }, regions: [] }))).toEqual(['regions', 'instances']);
  });

  it('counts a missing tier as 0', () => {
    const result = parseConfig(valid({ instances: { cold: 2 } }));
    expect('config' in result && result.config.instances).toEqual({ hot: 0, warm: 0, cold: 2 });
  });

  it('rejects all-zero counts as no capacity, and missing or non-object counts', () => {
    expect(violations(valid({ instances: { hot: 0, warm: 0, cold: 0 } }))).toEqual([
      { path: 'instances', message: 'hot, warm and cold are all 0: the test drive has no capacity' },
    ]);
    expect(violations(valid({ instances: undefined }))).toEqual([{ path: 'instances', message: 'must give the hot, warm and cold instances per region' }]);
    expect(violations(valid({ instances: [1, 2] }))).toEqual([{ path: 'instances', message: 'must be an object {hot, warm, cold}' }]);
    expect(violations(valid({ instances: { hot: 0, warm: -1, cold: 0 } }))).toEqual([
      { path: 'instances.warm', message: 'must be a whole number from 0 to 99 (per region)' },
    ]);
  });

  it.each([
    [0, false],
    [1, true],
    [2, true],
    [999, true],
    [1000, false],
    [1.5, false],
    ['2', false],
    [undefined, false],
  ])('durationHours = %s is accepted: %s (whole hours 1–999)', (hours, ok) => {
    expect(violations(valid({ durationHours: hours }))).toEqual(ok ? [] : [{ path: 'durationHours', message: 'must be a whole number of hours from 1 to 999' }]);
  });

  it('rejects empty, unknown and duplicate regions', () => {
    expect(violations(valid({ regions: [] }))).toEqual([{ path: 'regions', message: 'must list at least one region' }]);
    expect(violations(valid({ regions: 'westus' }))).toEqual([{ path: 'regions', message: 'must list at least one region' }]);
    expect(violations(valid({ regions: ['westus', 'moon'] }))).toEqual([{ path: 'regions[1]', message: '"moon" is not a supported test drive region' }]);
    expect(violations(valid({ regions: ['westus', 7] }))).toEqual([{ path: 'regions[1]', message: '7 is not a supported test drive region' }]);
    expect(violations(valid({ regions: ['westus', 'eastus', 'westus'] }))).toEqual([{ path: 'regions[2]', message: 'westus is listed twice' }]);
  });

  it('supports the 26 regions of the spec', () => {
    expect(SUPPORTED_REGIONS).toHaveLength(26);
    expect(paths(valid({ regions: [...SUPPORTED_REGIONS] }))).toEqual([]);
    expect(SUPPORTED_REGIONS).toContain('centralindia');
    expect(SUPPORTED_REGIONS).toContain('eastus');
  });

  it('requires a GUID subscription', () => {
    expect(violations(valid({ azureSubscriptionId: undefined }))).toEqual([{ path: 'azureSubscriptionId', message: 'must be a GUID' }]);
    expect(paths(valid({ azureSubscriptionId: 'not-a-guid' }))).toEqual(['azureSubscriptionId']);
    expect(paths(valid({ azureSubscriptionId: 'x6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f' }))).toEqual(['azureSubscriptionId']);
    expect(paths(valid({ azureSubscriptionId: '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5fa' }))).toEqual(['azureSubscriptionId']);
  });

  it('limits the description to 3,000 characters and makes it optional', () => {
    expect(paths(valid({ description: 'x'.repeat(MAX_DESCRIPTION) }))).toEqual([]);
    expect(violations(valid({ description: 'x'.repeat(MAX_DESCRIPTION + 1) }))).toEqual([{ path: 'description', message: 'must be at most 3000 characters' }]);
    const result = parseConfig(valid());
    expect('config' in result && result.config.description).toBe('');
    expect(violations(valid({ description: 5 }))).toEqual([{ path: 'description', message: 'is required (text)' }]);
  });

  it('requires access information of at most 10,000 characters', () => {
    expect(violations(valid({ accessInformation: undefined }))).toEqual([{ path: 'accessInformation', message: 'is required (text)' }]);
    expect(violations(valid({ accessInformation: '   ' }))).toEqual([{ path: 'accessInformation', message: 'is required (text)' }]);
    expect(paths(valid({ accessInformation: 'x'.repeat(MAX_ACCESS_INFORMATION) }))).toEqual([]);
    expect(violations(valid({ accessInformation: 'x'.repeat(MAX_ACCESS_INFORMATION + 1) }))).toEqual([
      { path: 'accessInformation', message: 'must be at most 10000 characters' },
    ]);
  });

  it('reports the template problems with their paths', () => {
    expect(violations(valid({ template: undefined }))).toEqual([{ path: 'template', message: 'must be the main template (a JSON object)' }]);
    expect(paths(valid({ template: { parameters: { x: { type: 'string', metadata: { type: 'guid' } } } } }))).toEqual(['template.parameters.x.metadata.type']);
  });

  it('reports every violation at once', () => {
    expect(paths({ type: 'arm' })).toEqual(['regions', 'instances', 'durationHours', 'template', 'azureSubscriptionId', 'accessInformation']);
  });
});

describe('capacity', () => {
  it('is hot + warm + cold per region and times the regions for the offer', () => {
    const config = { instances: { hot: 2, warm: 1, cold: 3 }, regions: ['a', 'b'] };
    expect(capacityPerRegion(config)).toBe(6);
    expect(maxConcurrentDrives(config)).toBe(12);
    expect(maxConcurrentDrives({ instances: { hot: 0, warm: 0, cold: 1 }, regions: ['a'] })).toBe(1);
  });
});
