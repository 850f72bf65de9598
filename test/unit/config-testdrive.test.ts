/**
 * Test drive settings (decisions 0700–0704): the provider, the cleanup's schedule, the poll interval, the stuck
 * time-outs, the simulated provider's delays and faults, the ARM endpoint. A bad value stops the app naming it.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, testDriveCleanupSchedule } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('test drive settings', () => {
  it('default to the simulated provider, a cleanup every minute and the spec time-outs', () => {
    expect(parseConfig(base).testDrive).toEqual({
      provider: 'simulated',
      cleanupSchedule: '0 * * * * *',
      pollMs: 30_000,
      timeouts: { provisionMs: 7_200_000, startMs: 1_200_000, deleteMs: 1_800_000 },
      simulated: { delaysMs: { deploy: 300_000, stop: 60_000, start: 60_000, delete: 60_000 }, faults: {} },
      armEndpoint: 'https://management.azure.com',
      offerCacheTtlMs: 5000,
      historyMs: 2_592_000_000,
    });
    expect(testDriveCleanupSchedule({})).toBe('0 * * * * *');
    expect(testDriveCleanupSchedule({ TESTDRIVE_CLEANUP_SCHEDULE: '' })).toBe('0 * * * * *');
  });

  it('take overrides', () => {
    const config = parseConfig({
      ...base,
      TESTDRIVE_PROVIDER: 'azure',
      TESTDRIVE_CLEANUP_SCHEDULE: '*/5 * * * * *',
      TESTDRIVE_POLL_SECONDS: '5',
      TESTDRIVE_PROVISION_TIMEOUT_MINUTES: '90',
      TESTDRIVE_START_TIMEOUT_MINUTES: '10',
      TESTDRIVE_DELETE_TIMEOUT_MINUTES: '15',
      TESTDRIVE_SIM_DEPLOY_SECONDS: '0',
      TESTDRIVE_SIM_STOP_SECONDS: '1.5',
      TESTDRIVE_SIM_START_SECONDS: '2',
      TESTDRIVE_SIM_DELETE_SECONDS: '3',
      TESTDRIVE_SIM_FAULTS: 'deploy:2, delete:1',
      TESTDRIVE_ARM_ENDPOINT: 'https://localhost:8443/',
      TESTDRIVE_OFFER_CACHE_TTL_MS: '0',
      TESTDRIVE_HISTORY_DAYS: '2',
    }).testDrive;
    expect(config).toEqual({
      provider: 'azure',
      cleanupSchedule: '*/5 * * * * *',
      pollMs: 5000,
      timeouts: { provisionMs: 5_400_000, startMs: 600_000, deleteMs: 900_000 },
      simulated: { delaysMs: { deploy: 0, stop: 1500, start: 2000, delete: 3000 }, faults: { deploy: 2, delete: 1 } },
      armEndpoint: 'https://localhost:8443',
      offerCacheTtlMs: 0,
      historyMs: 172_800_000,
    });
    expect(testDriveCleanupSchedule({ TESTDRIVE_CLEANUP_SCHEDULE: '*/5 * * * * *' })).toBe('*/5 * * * * *');
  });

  it.each([
    ['TESTDRIVE_PROVIDER', 'aws'],
    ['TESTDRIVE_POLL_SECONDS', '0'],
    ['TESTDRIVE_PROVISION_TIMEOUT_MINUTES', '1441'],
    ['TESTDRIVE_SIM_DEPLOY_SECONDS', '-1'],
    ['TESTDRIVE_SIM_FAULTS', 'explode:1'],
    ['TESTDRIVE_ARM_ENDPOINT', 'not a url'],
    ['TESTDRIVE_HISTORY_DAYS', '0'],
    ['TESTDRIVE_OFFER_CACHE_TTL_MS', '-1'],
  ])('refuses %s=%s naming the setting', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(name);
  });

  it('refuses a schedule that is not six fields', () => {
    expect(() => testDriveCleanupSchedule({ TESTDRIVE_CLEANUP_SCHEDULE: '* * * * *' })).toThrow('TESTDRIVE_CLEANUP_SCHEDULE');
    expect(() => parseConfig({ ...base, TESTDRIVE_CLEANUP_SCHEDULE: '* * * * *' })).toThrow('TESTDRIVE_CLEANUP_SCHEDULE');
  });

  it('accepts the sample settings file values', () => {
    expect(parseConfig({ ...base, TESTDRIVE_SIM_FAULTS: '' }).testDrive.simulated.faults).toEqual({});
  });
});
