/** The metering Table and Blob adapters against Azurite. */
import { describe, expect, it } from 'vitest';
import type { StoredUsage } from '../../../shared/metering/model';
import type { Anomaly } from '../../../shared/metering/rules/anomaly';
import { TableAnomalyStore } from '../../../shared/metering/store/anomalies-table';
import { BlobExportSink } from '../../../shared/metering/store/exports-blob';
import { TablePlanDimensions } from '../../../shared/metering/store/plans-table';
import { TableResourceDirectory } from '../../../shared/metering/store/resources-table';
import { TableUsageStore } from '../../../shared/metering/store/usage-table';
import { OFFER, P1, PLANS, saas } from '../../fixtures/metering';
import { testStorage } from '../../fixtures/storage';

function row(
  resourceKey: string,
  dimension: string,
  effectiveAt: string,
  quantity = 1,
  id = `${resourceKey}|${dimension}|${effectiveAt}`,
): StoredUsage {
  return {
    usageEventId: id,
    messageTime: '2024-03-10T12:30:00.0000000Z',
    resourceId: resourceKey,
    quantity,
    dimension,
    effectiveStartTime: effectiveAt,
    planId: 'basic',
    publisherId: P1,
    resourceKey,
    offerId: OFFER,
    effectiveAt,
    resourceKind: 'saas',
  };
}

function usageStore() {
  const storage = testStorage();
  return new TableUsageStore(
    () => storage.table('UsageEvents'),
    () => storage.table('UsageDays'),
  );
}

describe('TableUsageStore', () => {
  it('inserts once per bucket and answers a second insert with the stored row', async () => {
    const store = usageStore();
    expect(await store.insert(row('r1', 'email', '2024-03-10T11:15:00.000Z', 5, 'first'))).toEqual({ kind: 'inserted' });
    const second = await store.insert(row('r1', 'email', '2024-03-10T11:59:00.000Z', 9, 'second'));
    expect(second).toMatchObject({ kind: 'duplicate', existing: { usageEventId: 'first', quantity: 5 } });
  });

  it('stores decimals exactly and keeps dimension ids that are not valid table keys', async () => {
    const store = usageStore();
    await store.insert(row('r1', 'a/b#c?d|e', '2024-03-10T11:15:00.000Z', 0.000001));
    await store.insert(row('r1', 'big', '2024-03-10T11:15:00.000Z', 1e15));
    const rows = await store.listDay(P1, new Date('2024-03-10T00:00:00Z'), 'r1');
    expect(rows.map((r) => [r.dimension, r.quantity]).sort()).toEqual([
      ['a/b#c?d|e', 0.000001],
      ['big', 1e15],
    ]);
  });

  it('inserts a batch of one partition in one transaction, and falls back per row when one bucket is taken', async () => {
    const store = usageStore();
    await store.insert(row('r1', 'email', '2024-03-10T09:00:00.000Z', 1, 'earlier'));
    const results = await store.insertMany([
      row('r1', 'email', '2024-03-10T08:00:00.000Z'),
      row('r1', 'email', '2024-03-10T09:30:00.000Z'), // taken by "earlier"
      row('r2', 'email', '2024-03-10T09:30:00.000Z'),
      row('r1', 'email', '2024-03-11T09:30:00.000Z'), // another day, another partition
    ]);
    expect(results.map((r) => (r.kind === 'duplicate' ? r.existing.usageEventId : r.kind))).toEqual([
      'inserted',
      'earlier',
      'inserted',
      'inserted',
    ]);
  });

  it('group-commits concurrent inserts of one hour, each with its own verdict', async () => {
    const store = usageStore();
    await store.insert(row('taken', 'email', '2024-03-10T09:00:00.000Z', 1, 'holder'));
    const results = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => store.insert(row(`r${i}`, 'email', '2024-03-10T09:10:00.000Z'))),
      store.insert(row('taken', 'email', '2024-03-10T09:20:00.000Z', 1, 'late')),
      store.insert(row('same', 'email', '2024-03-10T09:30:00.000Z', 1, 'a')),
      store.insert(row('same', 'email', '2024-03-10T09:40:00.000Z', 1, 'b')),
    ]);
    const verdicts = results.map((r) => (r.kind === 'duplicate' ? r.existing.usageEventId : r.kind));
    expect(verdicts).toEqual([...Array.from({ length: 30 }, () => 'inserted'), 'holder', 'inserted', 'a']);
    expect(await store.listDay(P1, new Date('2024-03-10T00:00:00Z'))).toHaveLength(32);
  });

  it('lists a day per publisher, optionally per resource, and knows which publishers had usage', async () => {
    const store = usageStore();
    await store.insertMany([
      row('r1', 'email', '2024-03-10T08:00:00.000Z'),
      row('r10', 'email', '2024-03-10T08:00:00.000Z'),
      row('r1', 'email', '2024-03-09T08:00:00.000Z'),
    ]);
    expect((await store.listDay(P1, new Date('2024-03-10T00:00:00Z'))).map((r) => r.resourceKey).sort()).toEqual(['r1', 'r10']);
    expect((await store.listDay(P1, new Date('2024-03-10T00:00:00Z'), 'r1')).map((r) => r.resourceKey)).toEqual(['r1']);
    expect(await store.publishersWithUsage([new Date('2024-03-09T00:00:00Z')])).toEqual([P1]);
    expect(await store.publishersWithUsage([new Date('2024-03-08T00:00:00Z')])).toEqual([]);
  });
});

describe('interim resource and plan tables (decision record 0300)', () => {
  it('round-trips a resource, found by id in any case and by its resourceUri', async () => {
    const storage = testStorage();
    const directory = new TableResourceDirectory(() => storage.table('MeteredResources'));
    const resource = saas('6f1a2b3c-1111-4222-8333-444455556666', 'basic', {
      kind: 'managedApp',
      resourceUri: '/subscriptions/c0ffee00/resourceGroups/rg/providers/Microsoft.Solutions/applications/coa-1',
      term: { termUnit: 'P1M', startDate: '2024-03-01' },
      activatedAt: '2024-03-01T15:45:00Z',
      canceledAt: '2024-03-10T11:00:00Z',
    });
    await directory.put(resource);
    expect(await directory.lookup({ kind: 'resourceId', resourceId: resource.resourceKey.toUpperCase() })).toEqual(resource);
    expect((await directory.lookup({ kind: 'resourceUri', resourceUri: resource.resourceUri?.toUpperCase() as string }))?.resourceKey).toBe(
      resource.resourceKey,
    );
    expect(await directory.lookup({ kind: 'resourceId', resourceId: '00000000-0000-4000-8000-000000000000' })).toBeUndefined();
  });

  it('round-trips plan terms per version', async () => {
    const storage = testStorage();
    const plans = new TablePlanDimensions(() => storage.table('MeteredPlans'));
    const basic = PLANS[0] as (typeof PLANS)[number];
    await plans.put(P1, OFFER, basic);
    await plans.put(P1, OFFER, { ...basic, dimensions: [] }, 3);
    expect(await plans.terms(P1, OFFER, 'basic')).toEqual(basic);
    expect((await plans.terms(P1, OFFER, 'basic', 3))?.dimensions).toEqual([]);
    expect(await plans.terms(P1, OFFER, 'basic', 4)).toBeUndefined();
  });
});

describe('TableAnomalyStore', () => {
  const anomaly: Anomaly = {
    anomalyId: '0d6c1a4e-0000-5000-a000-000000000001',
    publisherId: P1,
    offerId: OFFER,
    planId: 'premium',
    resourceKey: 'r1',
    meterId: 'email',
    usageDate: '2024-03-04',
    reportedUsage: 1000,
    expectedUsage: 100,
    pricePerUnitUSD: 0.5,
    flaggedAt: '2024-03-11T02:00:00.000Z',
  };

  it('flags once, and lets only one of two decisions based on the same read win (If-Match)', async () => {
    const storage = testStorage();
    const store = new TableAnomalyStore(() => storage.table('MeteringAnomalies'));
    expect(await store.create(anomaly)).toBe(true);
    expect(await store.create({ ...anomaly, reportedUsage: 5 })).toBe(false);
    const read = await store.get(P1, anomaly.anomalyId);
    expect(read?.anomaly).toEqual(anomaly);
    const etag = read?.etag as string;
    expect(await store.replace({ ...anomaly, decision: 'MarkedAsAnomaly', newReportedUsage: 150 }, etag)).toBe(true);
    expect(await store.replace({ ...anomaly, decision: 'NotAnAnomaly' }, etag)).toBe(false);
    expect((await store.get(P1, anomaly.anomalyId))?.anomaly.decision).toBe('MarkedAsAnomaly');
    expect(await store.list(P1)).toHaveLength(1);
    expect(await store.list('fabrikam')).toHaveLength(0);
  });
});

describe('BlobExportSink', () => {
  it('writes and reads back an export with its content type', async () => {
    const storage = testStorage();
    const sink = new BlobExportSink(() => storage.container('billing-exports'));
    const written = await sink.write(P1, '2024-03', [{ name: 'statements.csv', contentType: 'text/csv; charset=utf-8', body: 'a,b\r\n' }]);
    expect(written[0]?.blob).toMatch(/billing-exports\/contoso\/2024-03\/statements\.csv$/);
    expect(await sink.read(P1, '2024-03', 'statements.csv')).toEqual({
      name: 'statements.csv',
      contentType: 'text/csv; charset=utf-8',
      body: 'a,b\r\n',
    });
    expect(await sink.read(P1, '2024-04', 'statements.csv')).toBeUndefined();
  });
});
