/**
 * The dead-letter digest e-mail (spec 2.5 (9); decision 0528): to the offer's contact e-mails, at most one an hour per
 * offer, naming the offer, each lead id and its error category, never customer PII or a secret. Every value that
 * reaches the HTML is escaped; the subject carries no line break.
 */
import { checkEmailAddress } from './contact-emails';

/** At most one digest per offer per this interval. */
export const DIGEST_INTERVAL_MS = 3_600_000;
/** Leads named in one digest; more are counted ("and N more"). */
export const DIGEST_MAX_LISTED = 100;

export interface DeadLetterItem {
  leadId: string;
  reason: string;
}

export interface LeadNotice {
  /** Insert-only: the same id is one e-mail. */
  id: string;
  /** The outbox event; absent: the dead-letter digest (`leadsDeadLettered`). */
  event?: 'leadsNew' | 'leadDestinationUnhealthy';
  publisherId: string;
  offerId: string;
  to: string[];
  subject: string;
  bodyHtml: string;
  timestamp: string;
}

/** Whether an offer may get a digest now: never sent, or the last one at least an hour ago. */
export function digestDue(lastSentAt: string | undefined, now: Date): boolean {
  return lastSentAt === undefined || Date.parse(lastSentAt) + DIGEST_INTERVAL_MS <= now.getTime();
}

/** The valid addresses of a destination's `contactEmail` (`;`-separated, any key case), lower-cased, unique, sorted. */
export function digestRecipients(settings: Record<string, unknown>): string[] {
  const key = Object.keys(settings).find((k) => k.toLowerCase() === 'contactemail');
  const value = key === undefined ? undefined : settings[key];
  if (typeof value !== 'string') return [];
  const out = new Set<string>();
  for (const part of value.split(';')) {
    const checked = checkEmailAddress(part);
    if (checked.ok) out.add(checked.address.toLowerCase());
  }
  return [...out].sort();
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/**
 * The digest of an offer's newly dead-lettered leads (at least one; sorted by lead id); its id names the first and
 * last lead and the count, so the same leads reported again are the same notification.
 */
export function deadLetterDigest(input: { publisherId: string; offerId: string; items: DeadLetterItem[]; to: string[]; now: Date }): LeadNotice {
  const items = [...input.items].sort((a, b) => a.leadId.localeCompare(b.leadId));
  const first = items[0] as DeadLetterItem;
  const last = items[items.length - 1] as DeadLetterItem;
  const offer = `${input.publisherId}.${input.offerId}`;
  const listed = items.slice(0, DIGEST_MAX_LISTED).map((i) => `<li>${escapeHtml(i.leadId)}: ${escapeHtml(i.reason)}</li>`);
  const more = items.length > DIGEST_MAX_LISTED ? `<p>and ${items.length - DIGEST_MAX_LISTED} more.</p>` : '';
  const noun = items.length === 1 ? 'lead' : 'leads';
  return {
    id: `leads.deadLettered.${first.leadId}.${last.leadId}.${items.length}`,
    publisherId: input.publisherId,
    offerId: input.offerId,
    to: input.to,
    subject: `${items.length} ${noun} for ${offer} could not be delivered`.replace(/[\r\n]/g, ' '),
    bodyHtml:
      `<p>${items.length} ${noun} for offer ${escapeHtml(offer)} could not be delivered to its lead destination and ` +
      `${items.length === 1 ? 'was' : 'were'} dead-lettered. They are kept: fix the destination, then replay them.</p>` +
      `<ul>${listed.join('')}</ul>${more}`,
    timestamp: input.now.toISOString(),
  };
}
