/**
 * Exactly-once under concurrency, against Azurite (issue 6; architecture.md, Reliability rules). The
 * interleaving is forced with PausePoints: every submission is held just before the store decides (the insert),
 * so all of them have passed their validation and lookups before any writes. With the insert-only row exactly
 * one insert wins whatever the interleaving. The last test runs the SAME scenario against a read-then-write
 * store (read the bucket, then write when empty) and shows it accepts every request: this test would fail
 * against such a version.
 */
import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../shared/clock';
import { PausePoints, type Faults } from '../../../shared/faults';
import type { StoredUsage } from '../../../shared/metering/model';
import type { InsertResult, UsageStore } from '../../../shared/metering/ports';
import { parseUsageEvent } from '../../../shared/metering/http/request';
import { UsageIngestion, type Outcome } from '../../../shared/metering/service/ingest';
import { BEFORE_INSERT_POINT, TableUsageStore, usageKeys } from '../../../shared/metering/store/usage-table';
import { event, InMemoryPlans, InMemoryResources, NOW, P1, seedMetering } from '../../fixtures/metering';
import { testStorage } from '../../fixtures/storage';

const CONCURRENT = 50;

/** The broken design the rules forbid: look for the bucket, then write if it was empty. */
class ReadThenWriteUsageStore implements UsageStore {
  constructor(
    readonly table: () => Promise<TableClient>,
    readonly faults: Faults,
  ) {}
  async insert(row: StoredUsage): Promise<InsertResult> {
    const table = await this.table();
    const keys = usageKeys(row);
    const existing = await table.getEntity(keys.partitionKey, keys.rowKey).catch(() => undefined);
    await this.faults.reach(BEFORE_INSERT_POINT); // between the read and the write
    if (existing) return { kind: 'duplicate', existing: existing as unknown as StoredUsage };
    await table.upsertEntity({ ...keys, ...row }, 'Replace');
    return { kind: 'inserted' };
  }
  insertMany(rows: readonly StoredUsage[]): Promise<InsertResult[]> {
    return Promise.all(rows.map((r) => this.insert(r)));
  }
  listDay(): Promise<StoredUsage[]> {
    return Promise.resolve([]);
  }
  publishersWithUsage(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

async function scenario(makeStore: (storage: ReturnType<typeof testStorage>, faults: Faults) => UsageStore) {
  const storage = testStorage();
  const faults = new PausePoints();
  const clock = new AdjustableClock({ adjustable: true });
  clock.set(new Date(NOW));
  const resources = new InMemoryResources();
  const plans = new InMemoryPlans();
  const f = await seedMetering(resources, plans);
  const ingestion = new UsageIngestion({ resources, plans, usage: makeStore(storage, faults), clock, faults });
  const parsed = parseUsageEvent(event(f.S1));
  if (!parsed.ok) throw new Error('bad fixture');
  const gate = faults.pause(BEFORE_INSERT_POINT);
  const submissions = Array.from({ length: CONCURRENT }, () => ingestion.submit(P1, parsed.input));
  await gate.arrivals(CONCURRENT); // all 50 validated, none written yet
  gate.release();
  return Promise.all(submissions);
}

function tally(outcomes: Outcome[]) {
  const accepted = outcomes.flatMap((o) => (o.status === 'Accepted' ? [o.event] : []));
  const duplicates = outcomes.flatMap((o) => (o.status === 'Duplicate' ? [o.accepted] : []));
  return { accepted, duplicates };
}

describe('exactly-once ingestion (insert-only usage rows)', () => {
  it('accepts exactly one of 50 concurrent identical events; the 49 others carry the accepted event', async () => {
    const outcomes = await scenario(
      (storage, faults) =>
        new TableUsageStore(
          () => storage.table('UsageEvents'),
          () => storage.table('UsageDays'),
          faults,
        ),
    );
    const { accepted, duplicates } = tally(outcomes);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(CONCURRENT - 1);
    for (const original of duplicates) expect(original).toEqual(accepted[0]);
  });

  it('accepts exactly one per hour when concurrent batches carry the same events', async () => {
    const storage = testStorage();
    const faults = new PausePoints();
    const clock = new AdjustableClock({ adjustable: true });
    clock.set(new Date(NOW));
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    const f = await seedMetering(resources, plans);
    const usage = new TableUsageStore(
      () => storage.table('UsageEvents'),
      () => storage.table('UsageDays'),
      faults,
    );
    const ingestion = new UsageIngestion({ resources, plans, usage, clock, faults });
    const inputs = ['08', '09', '10'].map((h) => {
      const p = parseUsageEvent(event(f.S1, { effectiveStartTime: `2024-03-10T${h}:05:00Z` }));
      if (!p.ok) throw new Error('bad fixture');
      return p.input;
    });
    const gate = faults.pause(BEFORE_INSERT_POINT);
    const batches = Array.from({ length: 10 }, () => ingestion.submitBatch(P1, inputs));
    await gate.arrivals(10); // every batch's transaction is lined up
    gate.release();
    const results = await Promise.all(batches);
    for (let item = 0; item < inputs.length; item += 1) {
      const { accepted, duplicates } = tally(results.map((r) => r[item] as Outcome));
      expect(accepted).toHaveLength(1);
      for (const original of duplicates) expect(original).toEqual(accepted[0]);
    }
  });

  it('the same test catches a read-then-write store: it would accept all 50', async () => {
    const outcomes = await scenario((storage, faults) => new ReadThenWriteUsageStore(() => storage.table('UsageEvents'), faults));
    expect(tally(outcomes).accepted).toHaveLength(CONCURRENT);
  });
});
