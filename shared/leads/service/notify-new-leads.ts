/**
 * New-lead notices (spec 2.5 (9) "per new lead"; decision 0534), a pass of the lead sweeper: for each offer the due
 * index lists, the leads captured since the last lead its previous notice named (one range read of the offer's
 * leads, newest first) go out as ONE notice to the offer's contact e-mails, each lead with its trigger/action,
 * creation time and delivery status, customer details only when the destination opts in (`notifyIncludesPii`).
 * Nothing is written on the capture path. Order: the outbox row (insert-only, its id derived from the leads it
 * names), then the offer's watermark: a crash in between sends the same notice again (the same id: one e-mail).
 */
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import type { LeadNotifications, LeadOffers, LeadStore, NoticeMarks } from '../ports';
import { digestRecipients } from '../rules/notifications';
import { includesPii, newLeads, newLeadsNotice, type NoticeLead } from '../rules/lead-notices';

/** Crash point (CRASH_AT): a new-lead notice is in the outbox, the offer's watermark not moved yet. */
export const FAULT_NEW_LEADS_AFTER_OUTBOX = 'leads.notify.new-leads.after-outbox';

/** A lead younger than this (project clock) waits for the next run: a capture still committing may hold an older id. */
export const NEW_LEAD_SETTLE_MS = 10_000;
/** Leads read per offer per run at most (an offer's first notice after this feature shipped names its newest ones). */
export const MAX_SCANNED = 1000;
const PAGE = 200;

export interface NewLeadsDeps {
  marks: NoticeMarks;
  outbox: LeadNotifications;
  store: LeadStore;
  offers: LeadOffers;
  clock: Clock;
  faults: Faults;
  settleMs?: number;
  maxScanned?: number;
}

export class NotifyNewLeads {
  readonly #d: NewLeadsDeps;

  constructor(deps: NewLeadsDeps) {
    this.#d = deps;
  }

  /** Returns the notices written. */
  async run(): Promise<number> {
    let sent = 0;
    for (const { publisherId, offerId } of await this.#d.marks.offers()) {
      if (await this.#offer(publisherId, offerId)) sent += 1;
    }
    return sent;
  }

  async #offer(publisherId: string, offerId: string): Promise<boolean> {
    const { marks, clock } = this.#d;
    const after = await marks.lastNotified(publisherId, offerId);
    const now = clock.now();
    const scanned = await this.#scan(publisherId, offerId, after);
    const items = newLeads(scanned, after, new Date(now.getTime() - (this.#d.settleMs ?? NEW_LEAD_SETTLE_MS)));
    const newest = items[items.length - 1];
    if (!newest) return false;
    const offer = await this.#d.offers.live(publisherId, offerId);
    const settings = offer?.destination.settings ?? {};
    const notice = newLeadsNotice({ publisherId, offerId, items, to: digestRecipients(settings), includePii: includesPii(settings), now });
    await this.#d.outbox.send(notice);
    await this.#d.faults.reach(FAULT_NEW_LEADS_AFTER_OUTBOX);
    await marks.setLastNotified(publisherId, offerId, newest.lead.leadId);
    return true;
  }

  /**
   * The offer's leads newer than `after`, newest first (a range that ends at `after`'s row: an offer with no new lead
   * costs one empty read), at most `maxScanned`.
   */
  async #scan(publisherId: string, offerId: string, after: string | undefined): Promise<NoticeLead[]> {
    const max = this.#d.maxScanned ?? MAX_SCANNED;
    const out: NoticeLead[] = [];
    let continuation: string | undefined;
    do {
      const page = await this.#d.store.list(publisherId, offerId, {
        limit: Math.min(PAGE, max - out.length),
        ...(continuation ? { continuation } : {}),
        ...(after !== undefined ? { newerThan: after } : {}),
      });
      out.push(...page.items);
      continuation = page.continuation;
    } while (continuation !== undefined && out.length < max);
    return out;
  }
}
