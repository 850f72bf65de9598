/**
 * The dead-letter digest (spec 2.5 (9); decision 0528), run by the lead sweeper: for each offer with dead-lettered
 * leads not yet reported and no digest in the last hour, one notification to the offer's contact e-mails in the
 * publisher's notifications outbox, naming each lead id and its error category (no PII, no secret). Order: the
 * outbox row (insert-only, its id derived from the leads it names), then the offer's digest time, then the notices:
 * a crash in between sends the same digest again (the same id: one e-mail) or a later one.
 */
import type { Clock } from '../../clock';
import type { DeadLetterNoticeEntry, DeadLetterNotices, LeadNotifications, LeadOffers, LeadStore } from '../ports';
import { deadLetterDigest, digestDue, digestRecipients } from '../rules/notifications';

export interface DigestDeps {
  notices: DeadLetterNotices;
  outbox: LeadNotifications;
  store: LeadStore;
  offers: LeadOffers;
  clock: Clock;
  /** Notices read per run. */
  batch: number;
  /** Real time (ms); a notice whose row is not dead-lettered is dropped once older than `graceMs` (its writer may not have committed yet). */
  realNow?: () => number;
  graceMs?: number;
}

/** As the due index's grace (0521): writers commit well within it. */
export const NOTICE_GRACE_MS = 30_000;

export class DigestDeadLetters {
  readonly #d: DigestDeps;

  constructor(deps: DigestDeps) {
    this.#d = deps;
  }

  /** Returns the digests written. */
  async run(): Promise<number> {
    const { notices, clock } = this.#d;
    const byOffer = new Map<string, DeadLetterNoticeEntry[]>();
    for (const entry of await notices.list(this.#d.batch)) {
      const key = `${entry.publisherId}\u0000${entry.offerId}`;
      byOffer.set(key, [...(byOffer.get(key) ?? []), entry]);
    }
    let sent = 0;
    for (const entries of byOffer.values()) {
      const { publisherId, offerId } = entries[0] as DeadLetterNoticeEntry;
      const now = clock.now();
      if (!digestDue(await notices.lastDigest(publisherId, offerId), now)) continue;
      // A notice is written before its row: keep only leads whose row did become dead-lettered.
      const dead: DeadLetterNoticeEntry[] = [];
      const gone: DeadLetterNoticeEntry[] = [];
      for (const e of entries) {
        const stored = await this.#d.store.getDelivery(publisherId, offerId, e.leadId);
        if (stored?.delivery.state === 'dead_lettered') dead.push(e);
        else if ((this.#d.realNow ?? Date.now)() - e.writtenAt >= (this.#d.graceMs ?? NOTICE_GRACE_MS)) gone.push(e);
      }
      if (dead.length > 0) {
        const offer = await this.#d.offers.live(publisherId, offerId);
        const to = offer ? digestRecipients(offer.destination.settings) : [];
        await this.#d.outbox.send(deadLetterDigest({ publisherId, offerId, items: dead, to, now }));
        await notices.setLastDigest(publisherId, offerId, now.toISOString());
        sent += 1;
      }
      await notices.forget([...dead, ...gone]);
    }
    return sent;
  }
}
