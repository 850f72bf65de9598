/**
 * The "destination unhealthy" notice (spec 2.5 (9); decision 0535): on the first retryable failure of an offer's
 * destination in a rolling 24 h window, one notice to the offer's contact e-mails (offer, destination type, error
 * category, when). The window is a row per offer (`NoticeMarks.openUnhealthy`: insert, or If-Match once the last
 * window is 24 h old), so concurrent failures in several processes open one window and send one notice (its id is
 * derived from the window's start; the outbox is insert-only). Each process remembers the windows it saw, so a
 * burst costs no storage request after the first; at most one write per offer per 24 h.
 * Order: the window row, then the notice. A crash in between is healed by the next failure in any process that has
 * not seen the window yet: it re-sends the window's notice (same id: one e-mail).
 */
import type { Clock } from '../../clock';
import type { Delivery } from '../model';
import type { LeadNotifications, LeadOffers, LeadStore, NoticeMarks } from '../ports';
import { digestRecipients } from '../rules/notifications';
import { unhealthyDue, unhealthyNotice } from '../rules/lead-notices';

export interface UnhealthyDeps {
  marks: NoticeMarks;
  outbox: LeadNotifications;
  offers: LeadOffers;
  clock: Clock;
}

export class NotifyUnhealthy {
  readonly #d: UnhealthyDeps;
  /** Window starts this process knows of (sent or seen), per offer. */
  readonly #known = new Map<string, string>();
  /** One check per offer at a time in this process: a burst waits for it instead of reading the row again. */
  readonly #checking = new Map<string, Promise<void>>();

  constructor(deps: UnhealthyDeps) {
    this.#d = deps;
  }

  /** `delivery`: the row just stored after a retryable attempt (its last attempt). */
  async failed(delivery: Delivery): Promise<void> {
    const key = `${delivery.publisherId}\u0000${delivery.offerId}`;
    const known = this.#known.get(key);
    if (known !== undefined && !unhealthyDue(known, this.#d.clock.now())) return;
    const running = this.#checking.get(key);
    if (running) return running;
    const check = this.#check(key, delivery).finally(() => this.#checking.delete(key));
    this.#checking.set(key, check);
    return check;
  }

  async #check(key: string, delivery: Delivery): Promise<void> {
    const { marks, clock } = this.#d;
    const { publisherId, offerId } = delivery;
    const now = clock.now();
    let window = await marks.unhealthySince(publisherId, offerId);
    if (window === undefined || unhealthyDue(window.at, now)) {
      const at = now.toISOString();
      if (await marks.openUnhealthy(publisherId, offerId, at, window?.etag)) window = { at, etag: '' };
      else window = await marks.unhealthySince(publisherId, offerId); // another process opened it: send (again) its notice
    }
    if (window === undefined) return;
    const attempt = delivery.attempts[delivery.attempts.length - 1];
    const offer = await this.#d.offers.live(publisherId, offerId);
    const notice = unhealthyNotice({
      publisherId,
      offerId,
      destination: attempt?.destination ?? offer?.destination.type ?? 'unknown',
      category: attempt?.category ?? 'unknown',
      at: window.at,
      to: digestRecipients(offer?.destination.settings ?? {}),
    });
    await this.#d.outbox.send(notice);
    this.#known.set(key, window.at);
  }
}

/** True when `next` records a new attempt that failed retryably (the only failures that open a window). */
export function retryableAttempt(previous: Delivery | undefined, next: Delivery): boolean {
  const last = next.attempts[next.attempts.length - 1];
  return next.attemptCount > (previous?.attemptCount ?? 0) && last?.outcome === 'retryable';
}

/** The lead store that tells `notify` of each stored retryable attempt; a failed notice never fails the replace. */
export function withUnhealthyWatch(store: LeadStore, notify: NotifyUnhealthy, log: (message: string) => void): LeadStore {
  return {
    capture: (lead, delivery, keys) => store.capture(lead, delivery, keys),
    getLead: (p, o, l) => store.getLead(p, o, l),
    getDelivery: (p, o, l) => store.getDelivery(p, o, l),
    list: (p, o, options) => store.list(p, o, options),
    replaceDelivery: async (delivery, etag, previous) => {
      const stored = await store.replaceDelivery(delivery, etag, previous);
      if (stored && retryableAttempt(previous, delivery)) {
        await notify.failed(delivery).catch((error: unknown) => log(`Lead ${delivery.leadId}: the unhealthy notice failed: ${String(error)}`));
      }
      return stored;
    },
  };
}
