/**
 * The programmatic-access analytics vocabulary (seed 004 ~20437–22434): datasets with their columns, metrics and
 * time spans, report queries, scheduled reports and their executions. Field names are the seed's.
 */

/** The time spans of the custom query specification, in its order (seed 004 ~21561). */
export const TIME_SPANS = [
  'TODAY',
  'YESTERDAY',
  'LAST_7_DAYS',
  'LAST_14_DAYS',
  'LAST_30_DAYS',
  'LAST_90_DAYS',
  'LAST_180_DAYS',
  'LAST_365_DAYS',
  'LAST_MONTH',
  'LAST_3_MONTHS',
  'LAST_6_MONTHS',
  'LAST_1_YEAR',
  'LIFETIME',
] as const;
export type TimeSpan = (typeof TIME_SPANS)[number];

/** "The default timespan if not specified in the query is six months" (seed 004 ~20995). */
export const DEFAULT_TIME_SPAN: TimeSpan = 'LAST_6_MONTHS';

/** The type a column's values have: filters convert their literals to it ("converted to the native types"). */
export type ColumnType = 'string' | 'number' | 'date';

export interface DatasetDefinition {
  datasetName: string;
  /** Name → type, in the order `selectableColumns` lists them. */
  columns: Readonly<Record<string, ColumnType>>;
  /** Aggregated (summed) per distinct combination of the selected columns. */
  metrics: readonly string[];
  availableDateRanges: readonly TimeSpan[];
  /** The column a time span filters on (yyyy-MM-dd). */
  dateColumn: string;
}

/** One cell: strings, numbers, or null for what this system does not know. */
export type Cell = string | number | null;
export type DataRow = Readonly<Record<string, Cell>>;

export type QueryType = 'userDefined' | 'system';

export interface QueryRecord {
  queryId: string;
  /** Owner; system queries have none. */
  publisherId?: string;
  name: string;
  description: string;
  query: string;
  type: QueryType;
  user: string;
  createdTime: string;
  modifiedTime: string | null;
}

export type ReportStatus = 'Active' | 'Paused' | 'Inactive';
export type ReportFormat = 'csv' | 'tsv';

export interface ReportRecord {
  reportId: string;
  publisherId: string;
  reportName: string;
  description: string;
  queryId: string;
  query: string;
  user: string;
  createdTime: string;
  modifiedTime: string | null;
  startTime: string;
  reportStatus: ReportStatus;
  recurrenceInterval: number;
  /** null = indefinite (the Update report API's default). */
  recurrenceCount: number | null;
  callbackUrl: string | null;
  format: ReportFormat;
  /** One execution at creation time (ExecuteNow), over [queryStartTime, queryEndTime) when given. */
  executeNow: boolean;
  queryStartTime?: string;
  queryEndTime?: string;
  /** The next occurrence not yet turned into an execution; '' when none is left (Inactive) or the report is paused. */
  nextRunAt: string;
}

export const EXECUTION_STATUSES = ['Pending', 'Running', 'Paused', 'Completed', 'Failed'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export interface ExecutionRecord {
  executionId: string;
  reportId: string;
  publisherId: string;
  /** The occurrence this execution is for; its time spans are measured from here (decision 0903). */
  scheduledAt: string;
  status: ExecutionStatus;
  recurrenceInterval: number;
  recurrenceCount: number | null;
  callbackUrl: string | null;
  format: ReportFormat;
  /** Set when Running: another runner may take the execution over after this instant (a crashed runner). */
  leaseUntil?: string;
  attempts: number;
  /** A failed attempt's retry time (Pending again). */
  retryAt?: string;
  reportGeneratedTime?: string;
  rowCount?: number;
  failure?: string;
  /** The callback: attempts so far, the next one's time, and when it was answered with a 2xx. */
  callback?: { attempts: number; nextAt?: string; deliveredAt?: string; lastOutcome?: string };
}

/** A party of an order as the SaaS subscription records it. */
export interface Party {
  email: string;
  tenantId: string;
  objectId: string;
}

/** What the datasets need of one SaaS subscription (an order), read through the SaaS port. */
export interface OrderFacts {
  subscriptionId: string;
  offerId: string;
  planId: string;
  quantity?: number;
  purchaser: Party;
  beneficiary: Party;
  status: 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';
  /** ISO instant of the purchase. */
  created: string;
  /** When it became Unsubscribed (ISO), if it did. */
  cancelledAt?: string;
  isFreeTrial: boolean;
  /** A preview-audience (test) purchase: IsPreviewSKU (decision 0901). */
  isTest: boolean;
  termUnit: 'P1M' | 'P1Y';
  /** The current term (yyyy-MM-dd), once activated. */
  termStart?: string;
  termEnd?: string;
}

/** An offer as the datasets name it: from the catalog's frozen version. */
export interface OfferFacts {
  offerName: string;
  offerType: string;
  plans: Readonly<Record<string, PlanFacts>>;
}

export interface PlanFacts {
  name: string;
  /** Any price on the plan (a term price or a priced dimension): SKUBillingType Paid, else Free. */
  paid: boolean;
  /** The term price in USD of the subscription's term unit, when the plan has one. */
  termPriceUSD?: { P1M?: number; P1Y?: number };
  /** Per dimension: price per unit in USD and the unit of measure. */
  dimensions: Readonly<Record<string, { priceUSD?: number; unit?: string }>>;
}

/** One accepted usage event as the metering store keeps it (the fields the usage dataset needs). */
export interface UsageFacts {
  usageEventId: string;
  resourceKey: string;
  resourceKind: 'saas' | 'managedApp';
  offerId: string;
  planId: string;
  dimension: string;
  quantity: number;
  effectiveAt: string;
  azureSubscriptionId?: string;
}

/**
 * What a direct link to a report file (a read-only SAS straight to its blob, decision 0907) allows, decided by
 * `rules/direct-link.ts`: storage checks these against its own (real) time.
 */
export interface DirectLinkTerms {
  startsOn: Date;
  expiresOn: Date;
  /** Read only: the holder can download the file and nothing else. */
  permissions: 'r';
  protocol: 'https' | 'https,http';
  /** The `Content-Disposition` storage answers with, so a browser saves the file under its name. */
  contentDisposition: string;
}
