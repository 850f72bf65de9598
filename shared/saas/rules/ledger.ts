/**
 * The billing ledger (specs/saas-licensing.md A3, decision 0416) and the trial conversion it records: pure
 * functions that build the rows a change writes. The service commits them in the change's own transaction.
 */
import type { LedgerEntry, LedgerEvent, SubscriptionRecord } from '../model';
import type { Write } from '../ports';
import { utcDate } from './lifecycle';

/**
 * The ledger row for `event` and the subscription with its ledger sequence advanced. Both go into one transaction
 * (the subscription with If-Match), so a state change never exists without its entry or an entry without its change,
 * and two writers never take the same sequence number.
 */
export function ledgerEntry(
  sub: SubscriptionRecord,
  event: LedgerEvent,
  at: Date,
  extra: { charged?: boolean; operationId?: string } = {},
): { sub: SubscriptionRecord; write: Write } {
  const seq = sub.ledgerSeq ?? 0;
  const entry: LedgerEntry = {
    subscriptionId: sub.id,
    seq,
    event,
    at: at.toISOString(),
    publisherId: sub.publisherId,
    offerId: sub.offerId,
    planId: sub.planId,
    ...(sub.quantity !== undefined ? { quantity: sub.quantity } : {}),
    termUnit: sub.termUnit,
    // Test purchases [DEC-A34] and anything during a free trial are never billed.
    billable: !sub.isTest && !sub.isFreeTrial,
    ...(extra.charged !== undefined ? { charged: extra.charged && !sub.isTest } : {}),
    ...(extra.operationId ? { operationId: extra.operationId } : {}),
  };
  return { sub: { ...sub, ledgerSeq: seq + 1 }, write: { kind: 'ledger', value: entry } };
}

/** A trial that becomes paid at `at` [004:2579]: billing starts, and the terms are anchored on that day (decision 0415). */
export function convertedTrial(sub: SubscriptionRecord, at: Date): SubscriptionRecord {
  return { ...sub, isFreeTrial: false, termAnchor: utcDate(at), termIndex: 0, paidSince: at.toISOString() };
}
