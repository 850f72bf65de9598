/**
 * Pure rules of replaying every dead-lettered lead of an offer (decision 0526): the batch id a retried request with
 * the same Idempotency-Key gets, and which leads a batch replays.
 */
import type { Delivery } from '../model';
import { sha256 } from './dedupe';

/** Leads reopened per page; the page's progress is stored before the next page starts. */
export const REPLAY_PAGE = 100;
/** Leads one sweeper run replays per open batch (the rest on its next run). */
export const REPLAY_SWEEP_LEADS = 500;
/** Open batches one sweeper run works on. */
export const REPLAY_SWEEP_BATCHES = 10;

/** `k` and 25 hex characters of sha256(publisher|offer|key): the same request retried finds its batch. */
export function replayBatchIdForKey(publisherId: string, offerId: string, idempotencyKey: string): string {
  return `k${sha256(`${publisherId}|${offerId}|${idempotencyKey}`).slice(0, 25)}`;
}

/** Whether a batch with `cutoff` replays this delivery: dead-lettered at or before the request. */
export function replayedBy(delivery: Delivery, cutoff: string): boolean {
  // No time (never expected on a dead-lettered row) parses as NaN: not replayed.
  return delivery.state === 'dead_lettered' && Date.parse(String(delivery.deadLetteredAt)) <= Date.parse(cutoff);
}
