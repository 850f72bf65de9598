/**
 * The metering vocabulary: usage events as the API receives them, accepted events as the store keeps them, and
 * the per-event outcomes of specs/metering.md 1.1–1.2 (seed 004 ~7822–8046). Field names are the seed's.
 */
import type { LiveDimension } from '../catalog/ports';

/** Per-item statuses of the batch API, exact strings (seed 004 ~8032–8046). */
export const USAGE_STATUSES = [
  'Accepted',
  'Expired',
  'Duplicate',
  'Error',
  'ResourceNotFound',
  'ResourceNotAuthorized',
  'ResourceNotActive',
  'InvalidDimension',
  'InvalidQuantity',
  'BadArgument',
] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

/** The PascalCase field names the seed's 400 body uses as `details[].target` (seed 004 ~7862). */
export type EventField = 'ResourceId' | 'ResourceUri' | 'Quantity' | 'Dimension' | 'EffectiveStartTime' | 'PlanId';

/** How a usage event names its resource: SaaS subscriptions by id; managed apps (later issue) by id or URI. */
export type ResourceRef = { kind: 'resourceId'; resourceId: string } | { kind: 'resourceUri'; resourceUri: string };

/** A syntactically valid usage event (types and presence checked at the edge). */
export interface UsageEventInput {
  resource: ResourceRef;
  quantity: number;
  dimension: string;
  /** Exactly as sent: echoed (normalised only where the contract's date-time format requires it). */
  effectiveStartTime: string;
  /** The instant of `effectiveStartTime`, in UTC. */
  effectiveAt: Date;
  planId: string;
}

/** The fields of a rejected item that can be echoed back without breaking the contract's formats. */
export interface UsageEventEcho {
  resourceId?: string;
  resourceUri?: string;
  quantity?: number;
  dimension?: string;
  effectiveStartTime?: string;
  planId?: string;
}

/** An accepted usage event as stored (one per resource, dimension and UTC hour of effectiveStartTime). */
export interface AcceptedEvent {
  usageEventId: string;
  /** ISO 8601 UTC with 7 fractional digits, like the seed's `2020-01-12T13:19:35.3458658Z`. */
  messageTime: string;
  resourceId?: string;
  resourceUri?: string;
  quantity: number;
  dimension: string;
  /** The echo form of the sent time (see rules/time.ts `echoTime`). */
  effectiveStartTime: string;
  planId: string;
}

/** What the store keeps beside the API fields, for queries, statements and anomaly detection. */
export interface StoredUsage extends AcceptedEvent {
  publisherId: string;
  /** The internal resource key (the lower-case SaaS subscription id, or a managed app's resourceUsageId). */
  resourceKey: string;
  offerId: string;
  offerVersion?: number;
  /** The effective instant, normalised to UTC (ISO with ms). */
  effectiveAt: string;
  resourceKind: ResourceKind;
  azureSubscriptionId?: string;
}

export type ResourceKind = 'saas' | 'managedApp';

/** SaaS subscription statuses (seed 004 ~25561). Managed apps map active/suspended/deleted onto them. */
export type ResourceStatus = 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';

/** One entry of a resource's plan history: the plan in force from `from` until the next entry. */
export interface PlanPeriod {
  planId: string;
  /** The frozen catalog version the plan was bought or changed at (its prices and dimensions). */
  offerVersion?: number;
  from: string;
}

/** What metering needs to know about a resource (a SaaS subscription now; a managed app later). */
export interface MeteredResource {
  /** Lower-case GUID; the dedup key uses it. */
  resourceKey: string;
  kind: ResourceKind;
  publisherId: string;
  offerId: string;
  status: ResourceStatus;
  /**
   * When the resource became subscribed (a SaaS subscription's activation). Usage is accepted and billed only
   * from the UTC hour containing it; absent = the first plan's `from` (rules/resource.ts `usageStart`).
   */
  activatedAt?: string;
  /** When an Unsubscribed resource was canceled: usage for hours before it is still accepted (E2). */
  canceledAt?: string;
  /** Plan history, any order; see rules/resource.ts `planAt`. */
  plans: PlanPeriod[];
  /** The subscription term (seed 004 ~25541–25550): P1M or P1Y and the current term's start date (YYYY-MM-DD). */
  term?: { termUnit: 'P1M' | 'P1Y'; startDate: string };
  resourceUri?: string;
  /** A managed app's managed resource group (ARM id): identities of resources in it may report its usage. */
  managedResourceGroupId?: string;
  /** A managed app's customer tenant (who deployed it) and when it was deployed. */
  customerTenantId?: string;
  azureSubscriptionId?: string;
  customerName?: string;
}

/**
 * Who reports usage (specs/metering.md 2.9; decision 0313): a publisher's Entra app, for the resources of its
 * offers, or a managed identity of a deployed managed application's resources (`xms_mirid`), for that one app.
 */
export type UsageCaller = { kind: 'publisher'; publisherId: string } | { kind: 'managedIdentity'; identityResourceId: string };

/** A plan's terms for one dimension: exactly the catalog's frozen dimension (seed 004 ~15980–15985). */
export type DimensionTerms = LiveDimension;

export interface PlanTerms {
  planId: string;
  planName?: string;
  offerName?: string;
  dimensions: DimensionTerms[];
}
