/**
 * The ports metering needs from the rest of the system and from storage. Narrow on purpose: the SaaS capability
 * (issue 5) will implement `ResourceDirectory` over its subscription store, and the catalog's `OfferCatalog`
 * (shared/catalog/ports.ts) is adapted to `PlanDimensions` in store/catalog-plans.ts. Until then the Table
 * adapters in store/ serve both from interim tables (decision record 0300).
 */
import type { MeteredResource, PlanTerms, ResourceRef, StoredUsage } from './model';
import type { Anomaly } from './rules/anomaly';

export interface ResourceDirectory {
  /**
   * The resource a usage event names, or undefined when there is none. A managed app (later issue) is found by
   * its resourceUsageId or its resourceUri; both resolve to one resource key, so they share dedup buckets.
   */
  lookup(ref: ResourceRef): Promise<MeteredResource | undefined>;
}

export interface PlanDimensions {
  /** A plan's metered dimensions at the given frozen offer version (the live version when omitted). */
  terms(publisherId: string, offerId: string, planId: string, offerVersion?: number): Promise<PlanTerms | undefined>;
}

export type InsertResult = { kind: 'inserted' } | { kind: 'duplicate'; existing: StoredUsage } | { kind: 'error'; error: unknown };

/**
 * Accepted usage. Insert-only: the store owns the key (publisher, resource, dimension, UTC hour) and a second
 * insert for the key fails in the store itself, never after a read (architecture.md, Storage).
 */
export interface UsageStore {
  insert(row: StoredUsage): Promise<InsertResult>;
  /** Inserts rows with distinct keys, in as few round trips as the store allows; one result per row, in order. */
  insertMany(rows: readonly StoredUsage[]): Promise<InsertResult[]>;
  /** A publisher's accepted usage whose effective time falls on the UTC day, optionally of one resource. */
  listDay(publisherId: string, day: Date, resourceKey?: string): Promise<StoredUsage[]>;
  /** Publishers with accepted usage on any of the UTC days. */
  publishersWithUsage(days: readonly Date[]): Promise<string[]>;
}

export interface AnomalyStore {
  /** Insert-only: false when the anomaly (a deterministic id) was already flagged. */
  create(anomaly: Anomaly): Promise<boolean>;
  get(publisherId: string, anomalyId: string): Promise<{ anomaly: Anomaly; etag: string } | undefined>;
  list(publisherId: string): Promise<Anomaly[]>;
  /** Conditional replace (If-Match); false when the anomaly changed since `etag` was read. */
  replace(anomaly: Anomaly, etag: string): Promise<boolean>;
  /** The last day (YYYY-MM-DD) detection has judged, so a run after missed weeks judges the days it missed. */
  lastJudgedDay(): Promise<string | undefined>;
  setLastJudgedDay(day: string): Promise<void>;
}

export interface ExportFile {
  name: string;
  contentType: string;
  body: string;
}

export interface ExportSink {
  write(publisherId: string, period: string, files: readonly ExportFile[]): Promise<{ name: string; blob: string }[]>;
  read(publisherId: string, period: string, name: string): Promise<ExportFile | undefined>;
}
