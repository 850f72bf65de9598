/**
 * The new-lead notice and the "destination unhealthy" notice (spec 2.5 (9); decisions 0534, 0535), to the offer's
 * contact e-mails. A new-lead notice names each lead with its trigger/action, creation time and delivery status at
 * the time of the notice, and no customer field unless the destination's settings opt in (`notifyIncludesPii: true`).
 * The unhealthy notice names the offer, the destination type, the error category and when: never a secret or PII.
 * Every value that reaches the HTML is escaped; a subject carries no line break.
 */
import type { Delivery, Lead } from '../model';
import { escapeHtml, type LeadNotice } from './notifications';

/** Leads named in one new-lead notice; more are counted ("and N more"). */
export const NEW_LEADS_MAX_LISTED = 100;
/** At most one unhealthy notice per offer in this rolling window (spec 2.5 (9): 24 h). */
export const UNHEALTHY_WINDOW_MS = 86_400_000;

export interface NoticeLead {
  lead: Lead;
  delivery: Delivery;
}

/** Whether the destination's settings opt in to customer details in new-lead notices: only a boolean `true` (any key case). */
export function includesPii(settings: Record<string, unknown>): boolean {
  return Object.entries(settings).some(([key, value]) => key.toLowerCase() === 'notifyincludespii' && value === true);
}

/**
 * The leads a new-lead notice names, oldest first: those newer than `after` (the last lead an earlier notice named;
 * ULIDs sort by capture time) and captured at or before `settledBefore` (a capture still committing may hold an older
 * id than one already stored, so the newest moment is left for the next run).
 */
export function newLeads(items: readonly NoticeLead[], after: string | undefined, settledBefore: Date): NoticeLead[] {
  return items
    .filter((i) => (after === undefined || i.lead.leadId > after) && Date.parse(i.lead.createdAt) <= settledBefore.getTime())
    .sort((a, b) => a.lead.leadId.localeCompare(b.lead.leadId));
}

/** A delivery's status as a contact reads it: the state, and the reason of a held or dead-lettered one. */
export function deliveryStatus(delivery: Delivery): string {
  const reason = delivery.state === 'held' || delivery.state === 'dead_lettered' ? delivery.reason : undefined;
  return reason ? `${delivery.state} (${reason})` : delivery.state;
}

/** The customer's details as one escaped line (opted in only); empty fields are left out. */
function customer(lead: Lead): string {
  const u = lead.userDetails;
  const name = `${u.FirstName} ${u.LastName}`.trim();
  const parts = [name, u.Email, u.Phone, u.Company, u.Title, u.Country].filter((p) => p !== '');
  return parts.map(escapeHtml).join(', ');
}

function leadLine(item: NoticeLead, pii: boolean): string {
  const { lead } = item;
  const test = lead.isTest ? ' (test lead)' : '';
  const who = pii ? `; customer: ${customer(lead)}` : '';
  return (
    `<li>${escapeHtml(lead.leadId)}${test}: ${escapeHtml(lead.trigger)}/${escapeHtml(lead.action)}, ` +
    `created ${escapeHtml(lead.createdAt)}, delivery ${escapeHtml(deliveryStatus(item.delivery))}${who}</li>`
  );
}

/**
 * One notice naming an offer's new leads (at least one, oldest first). Its id names the first and last lead and the
 * count, so the same leads notified again (a crash before the watermark moved) are the same notification.
 */
export function newLeadsNotice(input: { publisherId: string; offerId: string; items: NoticeLead[]; to: string[]; includePii: boolean; now: Date }): LeadNotice {
  const { items } = input;
  const first = items[0] as NoticeLead;
  const last = items[items.length - 1] as NoticeLead;
  const offer = `${input.publisherId}.${input.offerId}`;
  const noun = items.length === 1 ? 'lead' : 'leads';
  const listed = items.slice(0, NEW_LEADS_MAX_LISTED).map((i) => leadLine(i, input.includePii));
  const more = items.length > NEW_LEADS_MAX_LISTED ? `<p>and ${items.length - NEW_LEADS_MAX_LISTED} more.</p>` : '';
  const privacy = input.includePii
    ? ''
    : '<p>Customer details are not sent by e-mail; read them in the leads list or your lead destination.</p>';
  return {
    id: `leads.new.${first.lead.leadId}.${last.lead.leadId}.${items.length}`,
    event: 'leadsNew',
    publisherId: input.publisherId,
    offerId: input.offerId,
    to: input.to,
    subject: `${items.length} new ${noun} for ${offer}`.replace(/[\r\n]/g, ' '),
    bodyHtml: `<p>${items.length} new ${noun} for offer ${escapeHtml(offer)}.</p><ul>${listed.join('')}</ul>${more}${privacy}`,
    timestamp: input.now.toISOString(),
  };
}

/** Whether a retryable failure at `now` opens a new unhealthy window: none yet, or the last opened 24 h ago or more. */
export function unhealthyDue(lastAt: string | undefined, now: Date): boolean {
  return lastAt === undefined || Date.parse(lastAt) + UNHEALTHY_WINDOW_MS <= now.getTime();
}

/** The "destination unhealthy" notice of the window opened at `at`; its id names the offer and `at`, so a re-send is one row. */
export function unhealthyNotice(input: { publisherId: string; offerId: string; destination: string; category: string; at: string; to: string[] }): LeadNotice {
  const offer = `${input.publisherId}.${input.offerId}`;
  return {
    id: `leads.destinationUnhealthy.${input.at}`,
    event: 'leadDestinationUnhealthy',
    publisherId: input.publisherId,
    offerId: input.offerId,
    to: input.to,
    subject: `The lead destination of ${offer} is failing`.replace(/[\r\n]/g, ' '),
    bodyHtml:
      `<p>A lead for offer ${escapeHtml(offer)} could not be delivered to its ${escapeHtml(input.destination)} destination ` +
      `at ${escapeHtml(input.at)} (${escapeHtml(input.category)}). The lead is kept and retried; check the destination. ` +
      'You get at most one such e-mail per offer a day.</p>',
    timestamp: input.at,
  };
}
