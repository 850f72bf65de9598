/**
 * What the lead use cases need from outside: the catalog's view of an offer (its title, state, listing options and
 * lead destination), the lead store, the target adapters, and the hand-over to the delivery workflow.
 */
import type { LeadNotice } from './rules/notifications';
import type { AttemptOutcome, Delivery, DeliveryState, DestinationConfig, DestinationType, Lead, ReplayBatch, Trigger } from './model';

/** An offer as lead capture and delivery see it, from one catalog version. */
export interface LeadOffer {
  publisherId: string;
  offerId: string;
  offerTypeId: string;
  /** `live`: a frozen version is in production; `draft`: never made live (409 `offer_not_published`). */
  state: 'live' | 'draft';
  title: string;
  /** The triggers the offer's listing options enable (spec 2.1, listing-option gate). */
  triggers: ReadonlySet<Trigger>;
  /** The lead destination of that version: its type and its settings object with secrets opened, as stored. */
  destination: { type: DestinationType; settings: Record<string, unknown> };
}

export interface LeadOffers {
  /** The production version (where leads go), or the draft when the offer was never made live; undefined if unknown. */
  live(publisherId: string, offerId: string): Promise<LeadOffer | undefined>;
  /** The draft (what Validate checks and what the next publish makes live). */
  draft(publisherId: string, offerId: string): Promise<LeadOffer | undefined>;
}

/** Dedupe keys of one capture (spec 2.7), written in the same transaction as the lead. */
export interface CaptureKeys {
  /** sha256 of the Idempotency-Key header and of the canonical body, kept 24 h. */
  idempotency?: { keyHash: string; bodyHash: string; expiresAt: string };
  /** sha256 of the natural key; a second capture before `expiresAt` is a duplicate. */
  natural: { hash: string; expiresAt: string };
}

export type CaptureResult =
  /** `etag`: the delivery row's ETag as the write answered it (when the store knows it), for the first attempt. */
  | { kind: 'created'; etag?: string }
  /** Same Idempotency-Key and body: the first lead. */
  | { kind: 'replay'; leadId: string }
  /** Same Idempotency-Key, another body. */
  | { kind: 'key-reuse' }
  /** Same natural key within the window. */
  | { kind: 'duplicate'; leadId: string };

export interface StoredDelivery {
  delivery: Delivery;
  etag: string;
}

export interface LeadStore {
  /** One atomic write: the lead, its delivery row and the dedupe rows, or nothing (spec 2.5 (1)). */
  capture(lead: Lead, delivery: Delivery, keys: CaptureKeys): Promise<CaptureResult>;
  getLead(publisherId: string, offerId: string, leadId: string): Promise<Lead | undefined>;
  getDelivery(publisherId: string, offerId: string, leadId: string): Promise<StoredDelivery | undefined>;
  /**
   * Conditional replace (If-Match); false when the delivery changed since `etag` was read. `previous`: the row as it
   * was read (with `etag`), so an index can retire the entry that row needed once the replace is stored.
   */
  replaceDelivery(delivery: Delivery, etag: string, previous?: Delivery): Promise<boolean>;
  /** An offer's leads with their deliveries, newest first; `newerThan`: only leads captured after that lead id. */
  list(
    publisherId: string,
    offerId: string,
    options: { state?: DeliveryState; limit: number; continuation?: string; newerThan?: string },
  ): Promise<{ items: { lead: Lead; delivery: Delivery }[]; continuation?: string }>;
}

/** One CRM target's protocol (spec 3.1–3.6). Never throws for the target's answers: it classifies them. */
export interface LeadTarget {
  deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome>;
}

export type LeadTargets = Record<DestinationConfig['type'], LeadTarget>;

/** A committed delivery row as its writer knows it: the first attempt need not read it back (decision 0524). */
export interface KnownDelivery {
  lead: Lead;
  delivery: Delivery;
  /** The row's ETag from the write; without it the attempt reads the row. */
  etag?: string;
}

/** Starts (idempotently) the delivery of a lead whose delivery row is committed. */
export interface DeliveryHandoff {
  handoff(ref: { publisherId: string; offerId: string; leadId: string; generation: number }, known?: KnownDelivery): Promise<void>;
}

/** A delivery the sweeper should look at, as the index names it (decisions 0521, 0531). */
export interface IndexedDelivery {
  publisherId: string;
  offerId: string;
  leadId: string;
  /** When the pending delivery was owed its next attempt; '' for a held one. */
  dueAt: string;
}

/**
 * Where the sweeper finds deliveries that need it: pending ones by due time, held ones. Entries only point; the
 * delivery row decides. `note` runs before the row is written (store/due-index.ts `withDeliveryIndex`), so a
 * committed pending or held row is always found (in Table storage the entry itself is written with the row, in its
 * transaction, and `note` lists the offer: decision 0531).
 */
export interface DeliveryIndex {
  /** Makes sure the delivery about to be written will be found (none is needed once delivered or dead-lettered). */
  note(delivery: Delivery): Promise<void>;
  /** Pending entries due at or before `before`, oldest first, at most `limit`. */
  due(before: Date, limit: number): Promise<IndexedDelivery[]>;
  /** Held entries, at most `limit`. */
  held(limit: number): Promise<IndexedDelivery[]>;
  /** Drops an entry its row no longer matches (kept if rewritten since it was read). */
  drop(entry: IndexedDelivery): Promise<void>;
  /**
   * Called once `next` replaced `previous` (stored): removes the entry `previous` needed when `next` needs another one
   * or none (delivered, dead-lettered), so finished leads do not fill the sweeper's batches (decision 0525; in Table
   * storage the replace's own transaction did it, 0531). Never throws: an entry left behind is stale, and the sweeper
   * drops it.
   */
  retire(previous: Delivery, next: Delivery): Promise<void>;
}

/** A replay batch's address. */
export interface ReplayBatchRef {
  publisherId: string;
  offerId: string;
  batchId: string;
}

/**
 * Replay batches (decision 0526): the batch row beside the offer's leads, and a pointer the sweeper lists, written
 * before the row (as the due index), deleted after the row is stored `done`.
 */
export interface ReplayBatches {
  /** Insert-only: 'exists' when a batch of that id is stored already (a retried request). */
  create(batch: ReplayBatch): Promise<'created' | 'exists'>;
  get(ref: ReplayBatchRef): Promise<{ batch: ReplayBatch; etag: string } | undefined>;
  /** If-Match; false when the row changed since `etag`. A batch stored `done` loses its pointer. */
  replace(batch: ReplayBatch, etag: string): Promise<boolean>;
  /** Batches not done yet (their pointers), at most `limit`. */
  open(limit: number): Promise<ReplayBatchRef[]>;
  /** Deletes a batch's pointer (its row was found done: a crash between the row and the pointer's delete). */
  forget(ref: ReplayBatchRef): Promise<void>;
}

/** A dead-lettered lead waiting for its offer's next digest (decision 0528). */
export interface DeadLetterNoticeEntry {
  publisherId: string;
  offerId: string;
  leadId: string;
  reason: string;
  /** Real time (ms) the notice was written: one whose row is not dead-lettered is dropped only after a grace. */
  writtenAt: number;
}

/**
 * Dead-letter notices (decision 0528): one entry per lead about to be dead-lettered, written before its row (so a
 * dead-lettered lead always has one until its digest is written), and when each offer's last digest went.
 */
export interface DeadLetterNotices {
  note(delivery: Delivery): Promise<void>;
  list(limit: number): Promise<DeadLetterNoticeEntry[]>;
  forget(entries: DeadLetterNoticeEntry[]): Promise<void>;
  lastDigest(publisherId: string, offerId: string): Promise<string | undefined>;
  setLastDigest(publisherId: string, offerId: string, at: string): Promise<void>;
}

/** The publisher's notifications outbox (the root wires the publish capability's): insert-only by id. */
export interface LeadNotifications {
  send(notice: LeadNotice): Promise<void>;
}

/**
 * The new-lead and unhealthy notices' rows in `LeadsDue` (decisions 0534, 0535): the offers the due index lists, per
 * offer the last lead a new-lead notice named, and the start of its current unhealthy window.
 */
export interface NoticeMarks {
  /** Offers that ever had a lead (the due index's markers). */
  offers(): Promise<{ publisherId: string; offerId: string }[]>;
  lastNotified(publisherId: string, offerId: string): Promise<string | undefined>;
  setLastNotified(publisherId: string, offerId: string, leadId: string): Promise<void>;
  /** The start of the offer's last unhealthy window and its row's ETag. */
  unhealthySince(publisherId: string, offerId: string): Promise<{ at: string; etag: string } | undefined>;
  /** Opens a window at `at`: an insert when `etag` is undefined, else If-Match; false when another writer got there first. */
  openUnhealthy(publisherId: string, offerId: string, at: string, etag?: string): Promise<boolean>;
}
