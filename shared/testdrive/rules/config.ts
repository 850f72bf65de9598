/**
 * An offer's ARM test drive configuration (`microsoft-azure-marketplace-testdrive.configuration`, spec 1.2 and 3.6),
 * validated: regions from the supported list, hot/warm/cold counts 0–99 per region ([L9618]) not all zero (G2),
 * whole hours 1–999 ([L3348]–[L3350], G3), a main template whose parameters are of the documented types, the
 * deployment subscription (L3289), the description (≤3,000) and access information (≤10,000, L3302–L3303).
 */
import type { TestDriveConfig } from '../model';
import { templateParameters, type Violation } from './template';

/** The 26 regions (spec 3.6; the seed does not name them, G27). */
export const SUPPORTED_REGIONS: readonly string[] = [
  'eastus', 'eastus2', 'westus', 'westus2', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus',
  'canadacentral', 'canadaeast', 'brazilsouth', 'northeurope', 'westeurope', 'uksouth', 'ukwest', 'francecentral',
  'germanywestcentral', 'switzerlandnorth', 'norwayeast', 'eastasia', 'southeastasia', 'japaneast', 'japanwest',
  'australiaeast', 'australiasoutheast', 'centralindia',
];

export const MAX_INSTANCES = 99;
export const MIN_DURATION_HOURS = 1;
export const MAX_DURATION_HOURS = 999;
export const MAX_DESCRIPTION = 3000;
export const MAX_ACCESS_INFORMATION = 10_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wholeNumberIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function regionsOf(value: unknown, out: Violation[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    out.push({ path: 'regions', message: 'must list at least one region' });
    return [];
  }
  const seen = new Set<string>();
  (value as unknown[]).forEach((raw, i) => {
    const region = raw as string;
    if (!SUPPORTED_REGIONS.includes(region)) {
      out.push({ path: `regions[${i}]`, message: `${JSON.stringify(region)} is not a supported test drive region` });
    } else if (seen.has(region)) {
      out.push({ path: `regions[${i}]`, message: `${region} is listed twice` });
    } else seen.add(region);
  });
  return [...seen];
}

function countsOf(value: unknown, out: Violation[]): TestDriveConfig['instances'] {
  const counts = { hot: 0, warm: 0, cold: 0 };
  if (value === undefined) {
    out.push({ path: 'instances', message: 'must give the hot, warm and cold instances per region' });
    return counts;
  }
  if (!isObject(value)) {
    out.push({ path: 'instances', message: 'must be an object {hot, warm, cold}' });
    return counts;
  }
  for (const tier of ['hot', 'warm', 'cold'] as const) {
    const n = value[tier] === undefined ? 0 : value[tier];
    if (wholeNumberIn(n, 0, MAX_INSTANCES)) counts[tier] = n;
    else out.push({ path: `instances.${tier}`, message: `must be a whole number from 0 to ${MAX_INSTANCES} (per region)` });
  }
  if (counts.hot + counts.warm + counts.cold === 0 && !out.some((v) => v.path.startsWith('instances'))) {
    out.push({ path: 'instances', message: 'hot, warm and cold are all 0: the test drive has no capacity' });
  }
  return counts;
}

function textOf(config: Record<string, unknown>, key: string, max: number, required: boolean, out: Violation[]): string {
  const value = config[key];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value.trim() === '')) out.push({ path: key, message: 'is required (text)' });
  else if (value.length > max) out.push({ path: key, message: `must be at most ${max} characters` });
  else return value;
  return '';
}

/** The configuration, or every violation with its path inside the configuration object. */
export function parseConfig(raw: unknown): { config: TestDriveConfig } | { violations: Violation[] } {
  if (!isObject(raw)) return { violations: [{ path: '', message: 'the test drive configuration must be an object' }] };
  const out: Violation[] = [];
  const type = raw['type'] ?? 'arm';
  if (type !== 'arm') out.push({ path: 'type', message: `${JSON.stringify(type)} test drives are not supported by this backend (arm only)` });
  const regions = regionsOf(raw['regions'], out);
  const instances = countsOf(raw['instances'], out);
  const duration = raw['durationHours'];
  if (!wholeNumberIn(duration, MIN_DURATION_HOURS, MAX_DURATION_HOURS)) {
    out.push({ path: 'durationHours', message: `must be a whole number of hours from ${MIN_DURATION_HOURS} to ${MAX_DURATION_HOURS}` });
  }
  const { parameters, violations } = templateParameters(raw['template'], 'template');
  out.push(...violations);
  const subscription = raw['azureSubscriptionId'];
  if (!GUID.test(String(subscription))) out.push({ path: 'azureSubscriptionId', message: 'must be a GUID' });
  const description = textOf(raw, 'description', MAX_DESCRIPTION, false, out);
  const accessInformation = textOf(raw, 'accessInformation', MAX_ACCESS_INFORMATION, true, out);
  if (out.length > 0) return { violations: out };
  return {
    config: {
      regions,
      instances,
      durationHours: duration as number,
      template: raw['template'] as Record<string, unknown>,
      parameters,
      description,
      accessInformation,
      azureSubscriptionId: (subscription as string).toLowerCase(),
    },
  };
}

/** Per region: how many live instances it may hold (additive model, G2) and the standby targets. */
export function capacityPerRegion(config: Pick<TestDriveConfig, 'instances'>): number {
  return config.instances.hot + config.instances.warm + config.instances.cold;
}

/** The most concurrent drives of the offer (G4): the capacity of every region. */
export function maxConcurrentDrives(config: Pick<TestDriveConfig, 'instances' | 'regions'>): number {
  return capacityPerRegion(config) * config.regions.length;
}
