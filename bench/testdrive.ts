/**
 * `npm run bench -- testdrive` (issue 14), the test drive capability in process over this run's Azurite (the
 * simulated provider with zero delays, a fixed offer configuration, leads counted in memory):
 * - hot acquisition: p50/p99 of a drive request served from a ready hot instance at 32 concurrent customers, next to
 *   the raw Azurite conditional update (read, then replace with If-Match) p99 at 32 clients measured in the same run.
 *   Target: acquisition p99 ≤ 3× the raw conditional-update p99;
 * - refill: the time for the pool manager to bring 20 hot instances back after all 20 were taken;
 * - cleanup: one cleanup run over 1,000 expired drives: its time, exactly 1,000 deletions on the provider, and its
 *   report stored and read back (decision 0707: counts and the first 100 ids; it used to fail PropertyValueTooLarge).
 * Counts: BENCH_TESTDRIVE_HOT (acquisitions, default 500), BENCH_TESTDRIVE_EXPIRED (default 1000).
 */
import { TableClient } from '@azure/data-tables';
import { AdjustableClock } from '../shared/clock';
import type { OfferCatalog } from '../shared/catalog/ports';
import { noFaults } from '../shared/faults';
import type { CaptureLead } from '../shared/leads/service/capture';
import { createStorage } from '../shared/storage/clients';
import { buildTestDrive, TESTDRIVE_TABLES } from '../shared/testdrive/composition';
import type { Drive, OfferTestDrive, TestDriveConfig } from '../shared/testdrive/model';
import { SUPPORTED_REGIONS } from '../shared/testdrive/rules/config';
import { DEFAULT_TIMEOUTS } from '../shared/testdrive/rules/lifetime';
import { SimulatedProvider } from '../shared/testdrive/store/simulated-provider';
import { benchPrefix, type BenchContext } from './context';
import { measure, printTable, round } from './lib';

const CLIENTS = 32;
const HOT = Number(process.env['BENCH_TESTDRIVE_HOT'] ?? 500);
const EXPIRED = Number(process.env['BENCH_TESTDRIVE_EXPIRED'] ?? 1000);
const ZERO = { deploy: 0, stop: 0, start: 0, delete: 0 };

function config(regions: number, instances: TestDriveConfig['instances']): TestDriveConfig {
  return {
    regions: SUPPORTED_REGIONS.slice(0, regions),
    instances,
    durationHours: 1,
    template: { parameters: { u: { type: 'string', metadata: { type: 'username' } } } },
    parameters: [{ name: 'u', kind: 'username' }],
    description: '',
    accessInformation: 'bench',
  };
}

function capability(ctx: BenchContext, offerConfig: TestDriveConfig, clock: AdjustableClock) {
  const storage = createStorage({ kind: 'connectionString', connectionString: ctx.azurite.connectionString, prefix: benchPrefix() });
  const provider = new SimulatedProvider(() => storage.table(TESTDRIVE_TABLES.simulated), clock, { delaysMs: ZERO, faults: {} });
  let leads = 0;
  const td = buildTestDrive({
    storage,
    clock,
    faults: noFaults,
    catalog: {} as OfferCatalog,
    capture: () => ({}) as CaptureLead,
    settings: { pollMs: 30_000, timeouts: DEFAULT_TIMEOUTS, simulated: { delaysMs: ZERO, faults: {} } },
    provider,
    offers: {
      live: async (publisherId, offerId): Promise<OfferTestDrive> => ({ state: 'enabled', publisherId, offerId, version: 1, title: 'bench', config: offerConfig }),
      configAt: async () => offerConfig,
    },
    leads: { capture: async (drive: Drive) => `lead-${drive.driveId}-${(leads += 1)}` },
    log: () => undefined,
    refillAfterClaim: false,
  });
  return { td, provider };
}

const pool = { publisherId: 'contoso', offerId: 'bench' };
const ask = (i: number) => ({
  publisherId: pool.publisherId,
  offerId: pool.offerId,
  storefront: 'AzureMarketplace' as const,
  userDetails: { FirstName: '', LastName: '', Email: `c${i}@bench.test`, Phone: '', Country: '', Company: '', Title: '' },
  consentAt: new Date().toISOString(),
});

async function rawConditionalUpdate(ctx: BenchContext, count: number) {
  const table = TableClient.fromConnectionString(ctx.azurite.connectionString, `raw${benchPrefix()}`, { allowInsecureConnection: true });
  await table.createTable();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => table.createEntity({ partitionKey: 'p', rowKey: `r${c}`, n: 0 })));
  return measure('raw Azurite conditional update (If-Match)', { concurrency: CLIENTS, count, warmup: CLIENTS }, async (i) => {
    // Two workers can hold the same row for a moment (i and i + 32): a lost condition reads and tries again.
    const rowKey = `r${i % CLIENTS}`;
    for (;;) {
      const row = await table.getEntity<{ n: number }>('p', rowKey);
      try {
        await table.updateEntity({ partitionKey: 'p', rowKey, n: row.n + 1 }, 'Replace', { etag: row.etag });
        return;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 412) throw error;
      }
    }
  });
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const raw = await rawConditionalUpdate(ctx, Math.max(HOT, 200));

  // Hot acquisition: enough hot instances for the warm-up and every measured request, 99 per region.
  const warmup = CLIENTS;
  const regions = Math.min(SUPPORTED_REGIONS.length, Math.ceil((HOT + warmup) / 99));
  const clock = new AdjustableClock({ adjustable: true });
  const hot = capability(ctx, config(regions, { hot: Math.min(99, Math.ceil((HOT + warmup) / regions)), warm: 0, cold: 0 }), clock);
  await hot.td.reconcile.reconcile(pool);
  let n = 0;
  const tiers = new Map<string, number>();
  const acquisition = await measure('hot acquisition (request → Active)', { concurrency: CLIENTS, count: HOT, warmup }, async () => {
    n += 1;
    const { drive } = await hot.td.requests.request({ tenantId: 'bench', objectId: `c${n}` }, ask(n));
    tiers.set(drive.tier, (tiers.get(drive.tier) ?? 0) + 1);
  });
  const ratio = round(acquisition.p99Ms / raw.p99Ms, 2);
  acquisition['vsRawP99'] = ratio;
  acquisition['hot'] = tiers.get('hot') ?? 0;
  printTable('testdrive: hot acquisition at 32 customers vs raw conditional update', [raw, acquisition]);

  // Refill: 20 hot taken, then one reconcile with zero provider delays.
  const refill = capability(ctx, config(1, { hot: 20, warm: 0, cold: 20 }), clock);
  await refill.td.reconcile.reconcile(pool);
  await Promise.all(Array.from({ length: 20 }, (_, i) => refill.td.requests.request({ tenantId: 'bench', objectId: `r${i}` }, ask(i))));
  const refillStarted = performance.now();
  await refill.td.reconcile.reconcile(pool);
  const refillMs = performance.now() - refillStarted;
  const ready = (await refill.td.store.instances(pool)).filter((s) => s.value.state === 'ReadyHot').length;
  printTable('testdrive: refill of 20 hot instances (zero delays)', [{ drained: 20, readyHotAfter: ready, refillMs: round(refillMs) }]);

  // Cleanup of expired drives: cold capacity across regions, every drive taken, then the clock moved past expiry.
  const cleanupRegions = Math.min(SUPPORTED_REGIONS.length, Math.ceil(EXPIRED / 99));
  const cleanupClock = new AdjustableClock({ adjustable: true });
  const expired = capability(ctx, config(cleanupRegions, { hot: 0, warm: 0, cold: Math.min(99, Math.ceil(EXPIRED / cleanupRegions)) }), cleanupClock);
  let m = 0;
  await measure('setup: cold drives', { concurrency: CLIENTS, count: EXPIRED, warmup: 0 }, async () => {
    m += 1;
    await expired.td.requests.request({ tenantId: 'bench', objectId: `e${m}` }, ask(m));
  });
  await expired.td.store.registerPool(pool);
  cleanupClock.advance(3_600_000);
  const cleanupStarted = performance.now();
  const report = await expired.td.cleanup.run();
  const cleanupMs = performance.now() - cleanupStarted;
  const deletions = (await expired.provider.groups()).reduce((sum, g) => sum + g.deletes, 0);
  const reportSaved = JSON.stringify(await expired.td.store.lastReport()) === JSON.stringify(report);
  printTable('testdrive: cleanup of expired drives', [
    { drives: EXPIRED, expiredEnded: report.counts.expiredDrives, deletions, reportSaved: reportSaved ? 'yes' : 'no', cleanupMs: round(cleanupMs), perDriveMs: round(cleanupMs / EXPIRED, 2) },
  ]);
  return {
    raw,
    acquisition,
    targetMet: ratio <= 3,
    refill: { drained: 20, readyHotAfter: ready, refillMs: round(refillMs) },
    cleanup: { drives: EXPIRED, expiredEnded: report.counts.expiredDrives, deletions, exactlyOnce: deletions === EXPIRED, reportSaved, cleanupMs: round(cleanupMs) },
  };
}
