/**
 * Metering's part of the composition: its stores and services, built when the one composition root
 * (shared/composition.ts) asks for them; this file never imports the root. Plan terms come from the catalog's frozen versions, else from the interim `MeteredPlans`
 * table; resources come from the interim `MeteredResources` table until the SaaS subscriptions implement
 * `ResourceDirectory` (decision record 0300): then only `resourceSource` below changes.
 */
import type { OfferCatalog } from '../catalog/ports';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type { Storage } from '../storage/clients';
import { Anomalies } from './service/anomalies';
import { Billing } from './service/billing';
import { UsageIngestion, type IngestionOptions } from './service/ingest';
import { ManagedApplications } from './service/managed-apps';
import { UsageQueries } from './service/query';
import { UsageReport } from './service/usage-report';
import { TableAnomalyStore } from './store/anomalies-table';
import { CachedPlanDimensions, CachedResourceDirectory } from './store/cached';
import { CatalogPlanDimensions } from './store/catalog-plans';
import { BlobExportSink } from './store/exports-blob';
import { FirstFoundPlanDimensions } from './store/plan-sources';
import { TablePlanDimensions } from './store/plans-table';
import { TableResourceDirectory } from './store/resources-table';
import { FirstFoundResourceDirectory, SaasResourceDirectory } from './store/saas-resources';
import type { SubscriptionRecord } from '../saas/model';
import { TableUsageStore } from './store/usage-table';

export const METERING_TABLES = {
  usage: 'UsageEvents',
  usageDays: 'UsageDays',
  resources: 'MeteredResources',
  plans: 'MeteredPlans',
  anomalies: 'MeteringAnomalies',
} as const;
export const EXPORT_CONTAINER = 'billing-exports';

/**
 * The default staleness bound of the resource and plan caches (architecture.md, Caches: at most 5 s); the app
 * takes it from the METERING_CACHE_TTL_MS setting (shared/config.ts), whose default is this value.
 */
export const LOOKUP_CACHE_TTL_MS = 5_000;

export interface MeteringServices {
  ingestion: UsageIngestion;
  queries: UsageQueries;
  billing: Billing;
  /** The metered-usage report with its anomaly columns (seed 004 ~19281–19315). */
  usageReport: UsageReport;
  anomalies: Anomalies;
  /** Deployed managed applications (decision 0314); present when the catalog is. */
  managedApps?: ManagedApplications;
  /** The cached directory ingestion uses; writers in this process invalidate through it. */
  resources: CachedResourceDirectory;
  /** The interim tables' writer side (fixtures, imports). */
  resourceTable: TableResourceDirectory;
  planTable: TablePlanDimensions;
  usage: TableUsageStore;
}

export interface MeteringDeps {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  /** The catalog's frozen versions, the first source of plan terms. */
  catalog?: OfferCatalog;
  /** SaaS subscription records, the first source of resources (then the interim table). */
  subscriptions?: (id: string) => Promise<SubscriptionRecord | undefined>;
  cacheTtlMs?: number;
  ingestion?: Partial<IngestionOptions>;
}

export function buildMetering(deps: MeteringDeps): MeteringServices {
  const { storage, clock, faults } = deps;
  const ttlMs = deps.cacheTtlMs ?? LOOKUP_CACHE_TTL_MS;
  const resourceTable = new TableResourceDirectory(() => storage.table(METERING_TABLES.resources), faults);
  const planTable = new TablePlanDimensions(() => storage.table(METERING_TABLES.plans));
  const planSource = deps.catalog ? new FirstFoundPlanDimensions([new CatalogPlanDimensions(deps.catalog), planTable]) : planTable;
  const resources = new CachedResourceDirectory(resourceTable, { ttlMs, maxEntries: 20_000 });
  // The interim table first (its cache remembers misses, so a SaaS resource costs no round trip there), then SaaS
  // subscriptions through the SaaS store's own cache, which every write in this process invalidates at once; a
  // second cache over SaaS here would let a cancelled subscription meter for up to its TTL.
  const lookup = deps.subscriptions
    ? new FirstFoundResourceDirectory([resources, new SaasResourceDirectory(deps.subscriptions)])
    : resources;
  const plans = new CachedPlanDimensions(planSource, { ttlMs, maxEntries: 2_000 });
  const usage = new TableUsageStore(
    () => storage.table(METERING_TABLES.usage),
    () => storage.table(METERING_TABLES.usageDays),
    faults,
  );
  const anomalyStore = new TableAnomalyStore(() => storage.table(METERING_TABLES.anomalies));
  return {
    ingestion: new UsageIngestion({
      resources: lookup,
      plans,
      usage,
      clock,
      faults,
      ...(deps.ingestion ? { options: deps.ingestion } : {}),
    }),
    queries: new UsageQueries({ usage, plans, clock }),
    billing: new Billing({
      resources: lookup,
      plans,
      usage,
      anomalies: anomalyStore,
      exports: new BlobExportSink(() => storage.container(EXPORT_CONTAINER)),
      clock,
    }),
    anomalies: new Anomalies({ usage, plans, resources: lookup, anomalies: anomalyStore, clock }),
    usageReport: new UsageReport({ usage, plans, resources: lookup, anomalies: anomalyStore, clock }),
    ...(deps.catalog
      ? {
          managedApps: new ManagedApplications({
            catalog: deps.catalog,
            store: resourceTable,
            clock,
            invalidate: (resource) => resources.invalidate(resource),
          }),
        }
      : {}),
    resources,
    resourceTable,
    planTable,
    usage,
  };
}

/** The settings part of `MeteringDeps` (METERING_* in shared/config.ts). */
export function meteringSettings(config: Pick<Config, 'metering'>): Pick<MeteringDeps, 'cacheTtlMs' | 'ingestion'> {
  return {
    cacheTtlMs: config.metering.cacheTtlMs,
    ingestion: {
      acceptBeforeCancellation: config.metering.acceptUsageBeforeCancellation,
      futureSkewMs: config.metering.futureSkewMs,
    },
  };
}
