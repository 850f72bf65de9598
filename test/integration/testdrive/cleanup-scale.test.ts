/**
 * The operators' cleanup at scale (issue 14): 1,000 expired drives end in one run, each instance is deleted exactly
 * once, and the stored report (counts and the first ids of each list) saves and reads back — the full list of 1,000
 * drive ids in one property used to fail with PropertyValueTooLarge.
 */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../shared/concurrency';
import type { Drive, Instance } from '../../../shared/testdrive/model';
import { REPORT_IDS, type CleanupReport } from '../../../shared/testdrive/rules/report';
import { armConfig, harness, O, P, T0 } from './harness';

const DRIVES = 1000;
const REGIONS = Array.from({ length: 11 }, (_, r) => `region${r}`);

describe('test drive cleanup at scale', () => {
  it('ends 1,000 expired drives, deletes exactly 1,000 instances once each, and stores a readable report', async () => {
    const h = harness({ config: armConfig({ regions: REGIONS, instances: { hot: 0, warm: 0, cold: 99 } }) });
    await h.td.store.registerPool(h.pool);
    const expires = new Date(Date.parse(T0) + 2 * 3_600_000).toISOString();
    await mapLimit(
      Array.from({ length: DRIVES }, (_, n) => n),
      16,
      async (n) => {
        const region = REGIONS[n % REGIONS.length] as string;
        const instanceId = `inst${String(n).padStart(5, '0')}`;
        const driveId = `${P}.${O}.${String(n).padStart(26, '0')}`; // a ULID's length: 1,000 ids are 38,000 characters of JSON
        const instance: Instance = {
          instanceId, publisherId: P, offerId: O, version: 1, region, purpose: 'cold', state: 'InUse', driveId,
          capacitySlot: `${region}|${Math.floor(n / REGIONS.length)}`, standbySlot: '', resourceGroup: `CloudTry_${O}_${instanceId}`,
          createdAt: T0, stateAt: T0, attempts: 0, username: 'admin00001', password: 'secret', sessionId: `s${n}`,
        };
        const drive: Drive = {
          driveId, publisherId: P, offerId: O, version: 1, customer: { tenantId: 'tenant', objectId: `user-${n}` },
          userDetails: { FirstName: '', LastName: '', Email: '', Phone: '', Country: '', Company: '', Title: '' },
          storefront: 'AzureMarketplace', consentAt: T0, region, instanceId, tier: 'cold', state: 'Active', durationHours: 2,
          requestedAt: T0, activeAt: T0, expiresAt: expires, leadId: `lead-${n}`,
        };
        expect(await h.td.store.claim(instance, undefined, drive, `tenant|user-${n}`)).toHaveProperty('claimed');
        await h.provider.deploy({ resourceGroup: instance.resourceGroup, region, template: {}, parameters: {}, tags: { testDriveInstanceId: instanceId, testDrivePublisherId: P, testDriveOfferId: O } });
      },
    );
    h.clock.advance(2 * 3_600_000);

    const report = await h.td.cleanup.run();

    expect(report.counts).toEqual({ expiredDrives: DRIVES, failedDrives: 0, stuckInstances: 0, orphanGroups: 0, errors: 0 });
    expect(report.expiredDrives).toHaveLength(REPORT_IDS);
    expect(report.truncated).toBe(DRIVES - REPORT_IDS);
    const drives = (await h.td.store.drives(h.pool)).map((s) => s.value);
    expect(drives.filter((d) => d.state === 'Ended' && d.endReason === 'expired')).toHaveLength(DRIVES);
    const instances = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(instances.filter((i) => i.state === 'Deleted')).toHaveLength(DRIVES);
    const groups = await h.provider.groups();
    expect(groups).toHaveLength(DRIVES);
    expect(groups.every((g) => g.deletes === 1)).toBe(true);
    expect(await h.td.store.capacitySlots(h.pool)).toEqual([]);
    const stored = (await h.td.store.lastReport()) as CleanupReport;
    expect(stored).toEqual(report);
    expect(new Set(stored.expiredDrives).size).toBe(REPORT_IDS);

    // A second run finds nothing left to do and deletes nothing again.
    const again = await h.td.cleanup.run();
    expect(again.counts.expiredDrives).toBe(0);
    expect((await h.provider.groups()).reduce((sum, g) => sum + g.deletes, 0)).toBe(DRIVES);
  }, 300_000);
});
