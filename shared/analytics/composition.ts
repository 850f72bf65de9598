/**
 * Analytics' part of the composition (`services().analytics()`): its stores and use cases, built from the parts
 * the root passes — the SaaS subscriptions, the metering usage scan and the catalog as read-only sources, the
 * outbound client for callbacks and the secret box for download links (or, in `sas` link mode, direct SAS links
 * to the files, decision 0907). This file never imports the root.
 */
import { randomUUID } from 'node:crypto';
import type { OfferCatalog } from '../catalog/ports';
import type { Clock } from '../clock';
import type { SecretBox } from '../crypto/secrets';
import type { Faults } from '../faults';
import type { OutboundClient } from '../outbound/client';
import type { Storage } from '../storage/clients';
import type { OfferSource, OrderSource, UsageSource } from './ports';
import { Executions } from './service/executions';
import { QueryManagement } from './service/query-management';
import { ReportManagement } from './service/report-management';
import { QueryEngine } from './service/run-query';
import { ReportScheduler } from './service/scheduler';
import { TryQuery } from './service/try-query';
import { BlobSasLinks } from './store/direct-links';
import { OutboundCallbacks, SealedLinks } from './store/outbound';
import { BlobReportFiles } from './store/report-files';
import { CatalogOfferSource } from './store/sources';
import { TableExecutionStore, TableQueryStore, TableReportStore } from './store/tables';

export const ANALYTICS_TABLES = { queries: 'AnalyticsQueries', reports: 'AnalyticsReports', executions: 'AnalyticsExecutions' } as const;
export const ANALYTICS_CONTAINER = 'analytics-reports';

export interface AnalyticsSettings {
  /** How long a download link lives (reportExpiryTime). */
  linkTtlMs: number;
  /** `route`: links to the app's download route; `sas`: read-only SAS links straight to Blob storage (decision 0907). */
  linkMode?: 'route' | 'sas';
  /** How long a running execution is its runner's before another may take it over. */
  executionLeaseMs: number;
  callbackMaxAttempts: number;
  /** Callback URLs must be https (outside local mode). */
  httpsCallbacks?: boolean;
}

export interface Analytics {
  queries: QueryManagement;
  tryQuery: TryQuery;
  reports: ReportManagement;
  executions: Executions;
  scheduler: ReportScheduler;
  engine: QueryEngine;
}

export function buildAnalytics(parts: {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  catalog: OfferCatalog;
  orders: OrderSource;
  usage: UsageSource;
  offers?: OfferSource;
  outbound: OutboundClient;
  secrets: () => SecretBox;
  settings: AnalyticsSettings;
}): Analytics {
  const { storage, clock, faults, settings } = parts;
  const reportStore = new TableReportStore(() => storage.table(ANALYTICS_TABLES.reports));
  const executionStore = new TableExecutionStore(() => storage.table(ANALYTICS_TABLES.executions));
  const files = new BlobReportFiles(() => storage.container(ANALYTICS_CONTAINER));
  const engine = new QueryEngine({
    orders: parts.orders,
    usage: parts.usage,
    offers: parts.offers ?? new CatalogOfferSource(parts.catalog),
  });
  const queries = new QueryManagement({
    store: new TableQueryStore(() => storage.table(ANALYTICS_TABLES.queries)),
    clock,
    newId: randomUUID,
  });
  return {
    queries,
    tryQuery: new TryQuery({ queries, engine, clock }),
    reports: new ReportManagement({
      reports: reportStore,
      executions: executionStore,
      files,
      queries,
      clock,
      newId: randomUUID,
      httpsCallbacks: settings.httpsCallbacks ?? false,
    }),
    executions: new Executions({
      reports: reportStore,
      executions: executionStore,
      files,
      links: new SealedLinks(parts.secrets),
      clock,
      linkTtlMs: settings.linkTtlMs,
      // A SAS is checked by storage against real time; in Azure (not Azurite on loopback) it is https only.
      ...(settings.linkMode === 'sas'
        ? {
            direct: {
              links: new BlobSasLinks(storage.blobService, () => storage.container(ANALYTICS_CONTAINER)),
              wallClock: () => new Date(),
              httpsOnly: storage.kind === 'azure',
            },
          }
        : {}),
    }),
    scheduler: new ReportScheduler({
      reports: reportStore,
      executions: executionStore,
      files,
      engine,
      callbacks: new OutboundCallbacks(parts.outbound),
      clock,
      faults,
      settings: { leaseMs: settings.executionLeaseMs, callbackMaxAttempts: settings.callbackMaxAttempts },
    }),
    engine,
  };
}
