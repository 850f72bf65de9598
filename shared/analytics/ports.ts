/**
 * What the analytics use cases need from outside: the other capabilities' records (read-only, adapted by the
 * composition root: SaaS subscriptions, accepted usage, the catalog's offers), and analytics' own stores.
 */
import type { DirectLinkTerms, ExecutionRecord, OfferFacts, OrderFacts, QueryRecord, ReportRecord, UsageFacts } from './model';

export interface OrderSource {
  /** Every SaaS subscription of the publisher, any order. */
  orders(publisherId: string): AsyncIterable<OrderFacts>;
}

export interface UsageSource {
  /** The publisher's accepted usage whose effective day lies in [fromDay, toDay] (yyyy-MM-dd; no fromDay = all). */
  usage(publisherId: string, fromDay: string | undefined, toDay: string): AsyncIterable<UsageFacts>;
}

export interface OfferSource {
  /** The offer's name, type and plans (from the version in production; undefined when unknown). */
  offer(publisherId: string, offerId: string): Promise<OfferFacts | undefined>;
}

export interface QueryStore {
  /** Insert-only; false when the id exists. */
  create(query: QueryRecord & { publisherId: string }): Promise<boolean>;
  list(publisherId: string): Promise<QueryRecord[]>;
  get(publisherId: string, queryId: string): Promise<QueryRecord | undefined>;
  /** False when it was not there. */
  delete(publisherId: string, queryId: string): Promise<boolean>;
}

export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface ReportStore {
  create(report: ReportRecord): Promise<void>;
  get(publisherId: string, reportId: string): Promise<Versioned<ReportRecord> | undefined>;
  list(publisherId: string): Promise<ReportRecord[]>;
  /** If-Match; false when the report changed (or went) since `etag`. */
  replace(report: ReportRecord, etag: string): Promise<boolean>;
  delete(publisherId: string, reportId: string): Promise<boolean>;
  /** Active reports whose next run is at or before `now`, across publishers. */
  due(now: Date): Promise<Versioned<ReportRecord>[]>;
}

export interface ExecutionStore {
  /** Insert-only, keyed by report and occurrence: false when that occurrence already has its execution. */
  create(execution: ExecutionRecord): Promise<boolean>;
  get(reportId: string, executionId: string): Promise<Versioned<ExecutionRecord> | undefined>;
  list(reportId: string): Promise<ExecutionRecord[]>;
  replace(execution: ExecutionRecord, etag: string): Promise<boolean>;
  deleteAll(reportId: string): Promise<void>;
  /** Executions with work due at or before `now`: pending, a running one whose lease ran out, an owed callback. */
  due(now: Date): Promise<Versioned<ExecutionRecord>[]>;
}

/** Report files in Blob storage, written and read as streams. */
export interface ReportFiles {
  write(name: string, contentType: string, lines: AsyncIterable<string>): Promise<void>;
  read(name: string): Promise<{ stream: NodeJS.ReadableStream; contentType: string; length: number } | undefined>;
  deleteAll(prefix: string): Promise<void>;
}

export type CallbackOutcome = { ok: true; status: number } | { ok: false; reason: string };

export interface Callbacks {
  /** One POST of the execution to the report's callback URL through the outbound client. */
  notify(url: string, body: unknown, executionId: string): Promise<CallbackOutcome>;
}

/** Signed, time-limited download links (decision 0905). */
export interface LinkSigner {
  sign(payload: { reportId: string; executionId: string; publisherId: string; expiresAt: string }): string;
  /** The payload, or undefined when the token is forged, altered or unreadable (expiry is the caller's check). */
  open(token: string): { reportId: string; executionId: string; publisherId: string; expiresAt: string } | undefined;
}

/** Read-only URLs straight to a report file in Blob storage (decision 0907): the download does not pass through the app. */
export interface DirectLinks {
  /** A URL that downloads the blob `name` under `terms`; storage, not the app, checks it. */
  url(name: string, terms: DirectLinkTerms): Promise<string>;
}
