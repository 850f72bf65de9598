/**
 * State changes more than one use case makes (A2): cancellation (customer, ISV, end of term, grace and pending
 * expiry), suspension (operator, failed renewal payment), the end of a term, and the completion of an
 * ACK-requiring operation (publisher's answer, ACK window, undeliverable webhook). Each decides the rows of one
 * transaction from the state it was given; the caller commits them (SaasCore.mutate, or `complete` here).
 */
import { ConflictError } from '../../errors';
import type { Initiator, LedgerEvent, OperationRecord, SubscriptionRecord } from '../model';
import type { Write } from '../ports';
import { conflict, notFound } from '../rules/errors';
import { convertedTrial } from '../rules/ledger';
import { cancellationCharged, termEndsAt, withPlan, withStatus } from '../rules/lifecycle';
import { MAX_ATTEMPTS, type Decision, type SaasCore } from './internal';

/** Cancellation (A2 rows 21–24): webhook and ledger entry only for an activated subscription [DEC-A31]. */
export function unsubscribeWrites(core: SaasCore, sub: SubscriptionRecord, etag: string, source: Initiator): Decision<OperationRecord> {
  const wasPending = sub.status === 'PendingFulfillmentStart';
  const next: SubscriptionRecord = withStatus(sub, 'Unsubscribed', core.now().toISOString());
  delete next.lockedBy;
  const op = core.operation(next, 'Unsubscribe', source);
  if (wasPending) {
    // Never activated, never billed: no ledger entry and no webhook [DEC-A31].
    const writes: Write[] = [
      { kind: 'subscription', value: next, etag },
      { kind: 'operation', value: op },
    ];
    return { writes, result: op };
  }
  const charged = cancellationCharged(sub, core.now());
  const { sub: recorded, write } = core.ledger(next, 'Cancelled', { charged, operationId: op.id });
  return { writes: [...core.changeWrites(recorded, etag, op), write], result: op };
}

/** Suspension (payment failure, also at renewal [004:25331]): status, `Suspend` operation + webhook, ledger entry. */
export function suspendWrites(core: SaasCore, sub: SubscriptionRecord, etag: string): Decision<OperationRecord> {
  const now = core.now().toISOString();
  const suspended: SubscriptionRecord = { ...withStatus(sub, 'Suspended', now), suspendedAt: now };
  delete suspended.lockedBy; // a pending change no longer applies to a suspended subscription (completion fails it)
  const op = core.operation(suspended, 'Suspend', 'Marketplace');
  const { sub: next, write } = core.ledger(suspended, 'Suspended', { operationId: op.id });
  return { writes: [...core.changeWrites(next, etag, op), write], result: op };
}

/**
 * End of the current term or trial (A2 rows 17–19, 26): without autoRenew the subscription is cancelled; a failing
 * payment suspends it (term not advanced); a trial converts (no operation, no webhook); otherwise it renews.
 * `force` (the admin's renew) runs it now; the timer (`force` false) only once the term has ended, so a due item
 * handled twice (two workers, a retried timer) renews once.
 */
export function renewWrites(core: SaasCore, sub: SubscriptionRecord, etag: string, force: boolean): Decision<OperationRecord | undefined> {
  const now = core.now();
  const endsAt = termEndsAt(sub);
  if (sub.status !== 'Subscribed') {
    if (force) throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be renewed.`);
    return { writes: [], result: undefined };
  }
  if (!force && (!endsAt || endsAt > now)) return { writes: [], result: undefined };
  if (!sub.autoRenew) return unsubscribeWrites(core, sub, etag, 'Marketplace');
  if (sub.paymentFault === 'fail') return suspendWrites(core, sub, etag);
  if (sub.isFreeTrial) {
    // The new paid term starts where the trial ended (or now, when an operator ends the trial early).
    const converted = convertedTrial(sub, endsAt && endsAt <= now ? endsAt : now);
    const { sub: next, write } = core.ledger(converted, 'TrialConverted');
    return { writes: [{ kind: 'subscription', value: next, etag }, write], result: undefined };
  }
  const renewed: SubscriptionRecord = { ...sub, termIndex: sub.termIndex + 1 };
  const op = core.operation(renewed, 'Renew', 'Marketplace');
  const { sub: next, write } = core.ledger(renewed, 'Renewed', { operationId: op.id });
  return { writes: [...core.changeWrites(next, etag, op), write], result: op };
}

export interface Completion {
  publisherAnswer?: boolean;
  errorStatusCode?: string;
  errorMessage?: string;
}

/**
 * Finishes an ACK-requiring operation and applies (or drops) its change, op and subscription in one transaction.
 * Used by the publisher's PATCH, the ACK-window timeout and a webhook that was never accepted.
 */
export async function complete(
  core: SaasCore,
  publisherId: string,
  operationId: string,
  outcome: 'Succeeded' | 'Failed',
  options: Completion = {},
): Promise<OperationRecord> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const stored = await core.store.getOperation(publisherId, operationId);
    if (!stored) throw notFound('operation');
    const op = stored.value;
    if (!op.ackRequired || op.status !== 'InProgress') {
      if (options.publisherAnswer) throw conflict('OperationAlreadyCompleted', `The operation is ${op.status}; it cannot be updated.`);
      return op;
    }
    const sub = await core.store.getSubscription(publisherId, op.subscriptionId);
    if (!sub) throw notFound();
    const { next, finalOutcome, ledger } = applied(core, sub.value, op, outcome);
    const done: OperationRecord = {
      ...op,
      status: finalOutcome,
      ...(finalOutcome === 'Failed'
        ? {
            errorStatusCode: options.errorStatusCode ?? (options.publisherAnswer ? 'Failure' : 'SubscriptionNotActive'),
            errorMessage: options.errorMessage ?? '',
          }
        : {}),
    };
    const writes: Write[] = [
      { kind: 'operation', value: done, etag: stored.etag },
      { kind: 'subscription', value: next, etag: sub.etag },
      ...ledger,
    ];
    if ((await core.commit(publisherId, writes)) === 'ok') return done;
  }
  throw new ConflictError('The operation is changing too often; retry.', 'ConcurrentUpdate');
}

/** The ACK window closed without an answer (timer or durable timer): the change succeeds [004:25276]. */
export async function closeAckWindow(core: SaasCore, publisherId: string, operationId: string): Promise<void> {
  const op = await core.store.getOperation(publisherId, operationId);
  if (!op?.value.ackDeadline || Date.parse(op.value.ackDeadline) > core.now().getTime()) return;
  await complete(core, publisherId, operationId, 'Succeeded');
}

/** The subscription once `op` is applied (Succeeded) or dropped (Failed), with the ledger rows the change records. */
function applied(core: SaasCore, sub: SubscriptionRecord, op: OperationRecord, outcome: 'Succeeded' | 'Failed') {
  const now = core.now().toISOString();
  let next: SubscriptionRecord = { ...sub };
  let finalOutcome = outcome;
  const ledger: Write[] = [];
  const record = (event: LedgerEvent) => {
    const entry = core.ledger(next, event, { operationId: op.id });
    next = entry.sub;
    ledger.push(entry.write);
  };
  if (next.lockedBy === op.id) delete next.lockedBy;
  if (outcome === 'Succeeded') {
    if (op.action === 'Reinstate') {
      if (next.status === 'Suspended') {
        next = withStatus(next, 'Subscribed', now);
        delete next.suspendedAt;
        record('Reinstated');
      } else finalOutcome = 'Failed';
    } else if (next.status === 'Subscribed') {
      next = withPlan(next, op.planId, op.quantity, now);
      record(op.action === 'ChangePlan' ? 'PlanChanged' : 'QuantityChanged');
      // Converting to a plan without a free trial ends the trial at once [004:2583]; a trial plan keeps its clock.
      if (next.isFreeTrial && op.action === 'ChangePlan' && op.targetHasTrial === false) {
        next = convertedTrial(next, core.now());
        record('TrialConverted');
      }
    } else finalOutcome = 'Failed'; // cancelled meanwhile: nothing to apply
  }
  return { next, finalOutcome, ledger };
}
