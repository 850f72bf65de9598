/**
 * The test drive's part of the composition (specs/testdrive.md; decisions 0700–0708): the pool store, the instance
 * provider (simulated by default, Azure with `TESTDRIVE_PROVIDER=azure`), the catalog's view of offers, the lead
 * capture the root passes (`services().leads().capture`) and the use cases, built when the root asks
 * (`services().testdrive()`); this file never imports the root.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DefaultAzureCredential } from '@azure/identity';
import type { OfferCatalog } from '../catalog/ports';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { CaptureLead } from '../leads/service/capture';
import type { Storage } from '../storage/clients';
import type { DriveLeads, InstanceProvider, PoolRef, TestDriveOffers, TestDriveStore } from './ports';
import { DEFAULT_HISTORY_MS, DEFAULT_TIMEOUTS, type Timeouts } from './rules/lifetime';
import { passwordOf, userNameOf } from './rules/template';
import { Cleanup } from './service/cleanup';
import { DriveSession } from './service/drive-session';
import { InstanceLifecycle } from './service/lifecycle';
import { ReconcilePool } from './service/reconcile';
import { RequestDrive } from './service/request-drive';
import { DurableSessionStarter } from './service/session-starter';
import { AzureProvider } from './store/azure-provider';
import { CachedTestDriveOffers } from './store/cached-offers';
import { CatalogTestDriveOffers } from './store/catalog-offers';
import { CapturedDriveLeads } from './store/drive-leads';
import { TablePoolStore } from './store/pool-table';
import { SimulatedProvider, type SimulatedSettings } from './store/simulated-provider';

export const TESTDRIVE_TABLES = { pools: 'TestDrivePools', registry: 'TestDriveRegistry', simulated: 'TestDriveSimulated' } as const;

export interface TestDriveSettings {
  /** How long a waiting drive waits before asking the provider again (project clock). */
  pollMs: number;
  timeouts: Timeouts;
  simulated: SimulatedSettings;
  /** `azure`: instances are resource groups deployed through Azure Resource Manager at `armEndpoint`. */
  provider?: 'simulated' | 'azure';
  armEndpoint?: string;
  /** How long ended drives and deleted instances are kept (decision 0709; 30 days when absent). */
  historyMs?: number;
  /** How long a host keeps an offer's enabled live test drive (0: the catalog on every request; decision 0708). */
  offerCacheTtlMs?: number;
}

export interface TestDriveDeps {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  catalog: OfferCatalog;
  /** The leads capability's capture (each accepted drive's one lead). */
  capture: () => CaptureLead;
  settings: TestDriveSettings;
  /** The provider; the simulated one (in Table storage) when absent. */
  provider?: InstanceProvider;
  /** Replace the catalog and leads adapters (tests). */
  offers?: TestDriveOffers;
  leads?: DriveLeads;
  log?: (message: string) => void;
  /** Replace what a claim took at once, in the background (default true; tests that count states turn it off). */
  refillAfterClaim?: boolean;
}

export interface TestDrive {
  requests: RequestDrive;
  sessions: DriveSession;
  reconcile: ReconcilePool;
  cleanup: Cleanup;
  store: TestDriveStore;
  offers: TestDriveOffers;
  provider: InstanceProvider;
  starter: DurableSessionStarter;
}

/** A ULID-like id: 10 characters of time and 16 of randomness (Crockford base 32, sortable by creation). */
export function newId(now: number, random: (n: number) => Uint8Array = randomBytes): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let time = '';
  for (let t = now, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = (alphabet[t % 32] as string) + time;
  return time + Array.from(random(16), (b) => alphabet[b % 32]).join('');
}

export function buildTestDrive(deps: TestDriveDeps): TestDrive {
  const { clock, faults } = deps;
  const log = deps.log ?? ((message: string) => console.warn(message));
  const store = new TablePoolStore(() => deps.storage.table(TESTDRIVE_TABLES.pools), () => deps.storage.table(TESTDRIVE_TABLES.registry));
  const provider =
    deps.provider ??
    (deps.settings.provider === 'azure'
      ? new AzureProvider({ credential: new DefaultAzureCredential(), endpoint: deps.settings.armEndpoint ?? 'https://management.azure.com' })
      : new SimulatedProvider(() => deps.storage.table(TESTDRIVE_TABLES.simulated), clock, deps.settings.simulated));
  const offers =
    deps.offers ??
    new CachedTestDriveOffers(new CatalogTestDriveOffers(deps.catalog), { ttlMs: deps.settings.offerCacheTtlMs ?? 0, now: () => clock.now().getTime() });
  const lifecycle = new InstanceLifecycle({
    store,
    provider,
    clock,
    faults,
    baseUri: (pool, version) => `https://testdrive.marketplace.local/${pool.publisherId}/${pool.offerId}/v${version}/`,
  });
  const ids = () => newId(clock.now().getTime());
  const credentials = () => ({ username: userNameOf(randomBytes(4).readUInt32BE(0)), password: passwordOf(randomBytes(16)), sessionId: randomUUID() });
  const reconcile = new ReconcilePool({ store, offers, lifecycle, clock, newId: ids, credentials });
  const starter = new DurableSessionStarter();
  const refill = backgroundRefill((pool) => reconcile.reconcile(pool), log);
  const requests = new RequestDrive({
    offers,
    store,
    lifecycle,
    leads: deps.leads ?? new CapturedDriveLeads(deps.capture),
    starter,
    clock,
    faults,
    newId: ids,
    credentials,
    log,
    ...(deps.refillAfterClaim === false ? {} : { refill }),
  });
  return {
    requests,
    sessions: new DriveSession({ store, offers, lifecycle, clock, pollMs: deps.settings.pollMs }),
    reconcile,
    cleanup: new Cleanup({ store, provider, offers, lifecycle, reconcile, requests, clock, timeouts: deps.settings.timeouts ?? DEFAULT_TIMEOUTS, historyMs: deps.settings.historyMs ?? DEFAULT_HISTORY_MS }),
    store,
    offers,
    provider,
    starter,
  };
}

/**
 * One background reconcile per pool at a time: a claim during a running reconcile asks for one more round, so a
 * burst of claims costs a few reconciles, not one each.
 */
export function backgroundRefill(reconcile: (pool: PoolRef) => Promise<unknown>, log: (message: string) => void): (pool: PoolRef) => void {
  const running = new Set<string>();
  const again = new Set<string>();
  return (pool) => {
    const key = `${pool.publisherId}.${pool.offerId}`;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    running.add(key);
    void (async () => {
      do {
        again.delete(key);
        try {
          await reconcile(pool);
        } catch (error) {
          log(`test drive pool ${key}: refill failed (the cleanup refills it): ${String(error)}`);
        }
      } while (again.has(key));
      running.delete(key);
    })();
  };
}
