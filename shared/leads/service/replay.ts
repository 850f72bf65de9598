/**
 * Replay of dead-lettered leads (spec 2.5 (6); decisions 0522, 0526): one lead, or every dead-lettered lead of an
 * offer. Each is owed again under the next generation with a fresh window (one conditional replace, If-Match), then
 * handed to its orchestration; if the hand-over is lost, the sweeper starts it. The attempts made so far stay on the
 * row. Only a dead-lettered lead can be replayed: a pending one is already being delivered, a delivered one arrived, a
 * held one waits for a destination (409).
 * "All" stores a replay batch and answers; the batch is worked through in the background, a page at a time, its
 * progress stored after each page (the requesting process at once, the sweeper's `resume` after a crash).
 */
import type { Clock } from '../../clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { Delivery, ReplayBatch } from '../model';
import type { DeliveryHandoff, LeadOffers, LeadStore, ReplayBatchRef, ReplayBatches } from '../ports';
import { refOf, reopened } from '../rules/delivery';
import { ulid } from '../rules/lead-source';
import { REPLAY_PAGE, REPLAY_SWEEP_BATCHES, REPLAY_SWEEP_LEADS, replayBatchIdForKey, replayedBy } from '../rules/replay';

/** Who replays: a publisher replays only its own offers' leads; an operator any. */
export type Replayer = { kind: 'publisher'; publisherId: string } | { kind: 'operator' };

export interface ReplayDeps {
  store: LeadStore;
  offers: LeadOffers;
  handoff: DeliveryHandoff;
  clock: Clock;
  batches: ReplayBatches;
  random: (bytes: number) => Uint8Array;
  /** Runs a batch after the answer (default: detached, errors logged); tests collect the tasks. */
  background?: (task: () => Promise<void>) => void;
  log?: (message: string) => void;
}

const CAS_TRIES = 5;

export class ReplayLeads {
  readonly #d: ReplayDeps;
  readonly #running = new Set<string>();

  constructor(deps: ReplayDeps) {
    this.#d = deps;
  }

  /** Replays one dead-lettered lead; 404 when the offer has no such lead, 409 when it is not dead-lettered. */
  async one(who: Replayer, publisherId: string, offerId: string, leadId: string): Promise<Delivery> {
    await this.#offer(who, publisherId, offerId);
    const result = await this.#reopen(publisherId, offerId, leadId);
    if (result === 'missing') throw new NotFoundError(`The lead ${leadId} does not exist for offer ${publisherId}.${offerId}.`, 'lead_not_found');
    if (result === 'not-dead-lettered')
      throw new ConflictError(`The lead ${leadId} is not dead-lettered: only a dead-lettered lead can be replayed.`, 'lead_not_dead_lettered');
    return result;
  }

  /**
   * Queues the replay of every dead-lettered lead of the offer (dead-lettered by now) as a batch and returns it,
   * stored; the same Idempotency-Key gives the same batch. The batch runs in the background.
   */
  async all(who: Replayer, publisherId: string, offerId: string, idempotencyKey?: string): Promise<ReplayBatch> {
    await this.#offer(who, publisherId, offerId);
    const now = this.#d.clock.now();
    const batchId = idempotencyKey === undefined ? ulid(now.getTime(), this.#d.random) : replayBatchIdForKey(publisherId, offerId, idempotencyKey);
    const batch: ReplayBatch = { batchId, publisherId, offerId, state: 'queued', requestedAt: now.toISOString(), cutoff: now.toISOString(), replayed: 0 };
    const ref = { publisherId, offerId, batchId };
    if ((await this.#d.batches.create(batch)) === 'exists') {
      const stored = await this.#d.batches.get(ref);
      if (!stored) throw new ConflictError('The replay batch is being created; retry.', 'replay_batch_changed');
      return stored.batch;
    }
    const background = this.#d.background ?? ((task) => void task());
    background(() => this.run(ref).then(
      () => undefined,
      (error: unknown) => this.#d.log?.(`Replay batch ${batchId}: stopped (the sweeper resumes it): ${String(error)}`),
    ));
    return batch;
  }

  /** A replay batch as stored; 404 when the offer has none of that id. */
  async batch(who: Replayer, ref: ReplayBatchRef): Promise<ReplayBatch> {
    await this.#offer(who, ref.publisherId, ref.offerId);
    const stored = await this.#d.batches.get(ref);
    if (!stored) throw new NotFoundError(`The replay batch ${ref.batchId} does not exist for offer ${ref.publisherId}.${ref.offerId}.`, 'replay_batch_not_found');
    return stored.batch;
  }

  /** The sweeper's pass: each open batch (at most 10) gets up to 500 more leads; returns the leads reopened. */
  async resume(): Promise<number> {
    let replayed = 0;
    for (const ref of await this.#d.batches.open(REPLAY_SWEEP_BATCHES)) replayed += await this.run(ref, REPLAY_SWEEP_LEADS);
    return replayed;
  }

  /**
   * Works a batch from its cursor, a page at a time, storing the cursor and count after each page (If-Match: a runner
   * that loses stops, the other goes on), until done or `maxLeads` were looked at. A lead reopened by someone else
   * meanwhile is skipped; one the batch sees fail again is past the cutoff and not replayed twice.
   */
  async run(ref: ReplayBatchRef, maxLeads = Number.POSITIVE_INFINITY): Promise<number> {
    // One runner per batch in this process (the request's and the sweeper's would split its count between them).
    const key = `${ref.publisherId}\u0000${ref.offerId}\u0000${ref.batchId}`;
    if (this.#running.has(key)) return 0;
    this.#running.add(key);
    try {
      return await this.#run(ref, maxLeads);
    } finally {
      this.#running.delete(key);
    }
  }

  async #run(ref: ReplayBatchRef, maxLeads: number): Promise<number> {
    const { batches, store } = this.#d;
    let stored = await batches.get(ref);
    if (stored?.batch.state === 'done') await batches.forget(ref);
    let reopened = 0;
    let looked = 0;
    while (stored && stored.batch.state === 'queued' && looked < maxLeads) {
      const { batch } = stored;
      const page = await store.list(ref.publisherId, ref.offerId, { state: 'dead_lettered', limit: REPLAY_PAGE, ...(batch.cursor ? { continuation: batch.cursor } : {}) });
      let count = 0;
      for (const item of page.items) {
        looked += 1;
        if (replayedBy(item.delivery, batch.cutoff) && typeof (await this.#reopen(ref.publisherId, ref.offerId, item.lead.leadId)) !== 'string') count += 1;
      }
      reopened += count;
      const { cursor: _c, ...rest } = batch;
      const next: ReplayBatch = page.continuation
        ? { ...rest, cursor: page.continuation, replayed: batch.replayed + count }
        : { ...rest, state: 'done', replayed: batch.replayed + count, finishedAt: this.#d.clock.now().toISOString() };
      if (!(await batches.replace(next, stored.etag))) break; // another runner moved it on
      stored = await batches.get(ref);
    }
    return reopened;
  }

  /** As the publisher's reads: another publisher's namespace → 403, an unknown offer → 404. */
  async #offer(who: Replayer, publisherId: string, offerId: string): Promise<void> {
    if (who.kind === 'publisher' && who.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
      throw new ForbiddenError("The client doesn't have access to the specified namespace.");
    }
    if (!(await this.#d.offers.draft(publisherId, offerId))) {
      throw new NotFoundError(`The offer ${publisherId}.${offerId} does not exist.`, 'offer_not_found');
    }
  }

  async #reopen(publisherId: string, offerId: string, leadId: string): Promise<Delivery | 'missing' | 'not-dead-lettered'> {
    const { store, clock } = this.#d;
    for (let i = 0; i < CAS_TRIES; i += 1) {
      const stored = await store.getDelivery(publisherId, offerId, leadId);
      if (!stored) return 'missing';
      if (stored.delivery.state !== 'dead_lettered') return 'not-dead-lettered';
      const next = reopened(stored.delivery, clock.now().toISOString());
      if (await store.replaceDelivery(next, stored.etag, stored.delivery)) {
        // Stored first: if this start fails or the host dies now, the sweeper starts the same instance id.
        await this.#d.handoff.handoff(refOf(next));
        return next;
      }
    }
    throw new ConflictError(`The lead ${leadId} kept changing while it was replayed; retry.`, 'lead_changed');
  }
}
