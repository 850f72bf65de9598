/**
 * What each step's checks mean for the step (specs/publish.md 3.4–3.6): findings become messages per field or
 * file; errors block the step, certification policy failures reject it; warnings never stop the pipeline.
 */
import type { CertificationDecision, CertificationMode, Message, Notification, NotificationEvent, Operation, StepOutcome } from '../model';

export interface Finding {
  code: string;
  message: string;
  /** The field (`definition.offer['…']`) or the file the finding is about. */
  target?: string;
  level?: 'error' | 'warning';
}

export function messagesOf(findings: readonly Finding[], now: string): Message[] {
  return findings.map((f) => ({
    messageHtml: f.target ? `${f.target}: ${f.message}` : f.message,
    level: f.level ?? 'error',
    timestamp: now,
    code: f.code,
    ...(f.target ? { target: f.target } : {}),
  }));
}

/** An automated check: blocked when any finding is an error, passed (with its warnings) otherwise. */
export function checkOutcome(findings: readonly Finding[], now: string): StepOutcome {
  const messages = messagesOf(findings, now);
  return { result: messages.some((m) => m.level === 'error') ? 'blocked' : 'passed', messages };
}

/**
 * Certification (spec 3.5): automated policy findings reject at once; otherwise `auto` passes and `manual` waits
 * for the reviewer, whose decision (when recorded) settles it.
 */
export function certificationOutcome(
  mode: CertificationMode,
  findings: readonly Finding[],
  decision: CertificationDecision | undefined,
  now: string,
): StepOutcome {
  const automated = messagesOf(findings, now);
  if (automated.some((m) => m.level === 'error')) return { result: 'rejected', messages: automated };
  if (decision) {
    const notes: Message[] = decision.reviewNotes ? [{ messageHtml: decision.reviewNotes, level: 'information', timestamp: now }] : [];
    if (decision.decision === 'reject') {
      const messages = decision.messages.length > 0 ? decision.messages : [{ messageHtml: 'The reviewer rejected the offer.', level: 'error' as const, timestamp: now }];
      return { result: 'rejected', messages: [...automated, ...messages, ...notes] };
    }
    return { result: 'passed', messages: [...automated, ...decision.messages, ...notes] };
  }
  return mode === 'manual' ? { result: 'waiting', messages: automated } : { result: 'passed', messages: automated };
}

const SUBJECTS: Record<NotificationEvent, string> = {
  submitted: 'Your offer was submitted for publishing',
  previewReady: 'Review and approve your offer preview',
  failed: 'Your offer needs attention',
  canceled: 'Your publish request was canceled',
  live: 'Your offer is available',
  stopped: 'Your offer is no longer available to new customers',
};

/** The publisher's notification of an event of `op` (spec 2.13); its id makes a repeated send a no-op. */
export function notificationOf(op: Operation, event: NotificationEvent, sellerContact: string | undefined, now: string): Notification {
  const to = [...new Set([...op.emails, ...(sellerContact ? [sellerContact] : [])].map((e) => e.toLowerCase()))].sort();
  const reason = event === 'failed' && op.error ? ` ${op.error.message}` : '';
  return {
    id: `${op.id}.${event}`,
    publisherId: op.publisherId,
    offerId: op.offerId,
    operationId: op.id,
    event,
    to,
    subject: `${SUBJECTS[event]}: ${op.offerId} version ${op.offerVersion}`,
    bodyHtml: `<p>${SUBJECTS[event]} (${op.submissionType} operation ${op.id}).${reason}</p>`,
    timestamp: now,
  };
}

/** `notification-emails`: comma-separated addresses (spec 2.6); the invalid ones, for a 400. */
export function parseEmails(value: string | undefined): { emails: string[]; invalid: string[] } {
  const parts = (value ?? '')
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const valid = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  return { emails: parts.filter((p) => valid.test(p)), invalid: parts.filter((p) => !valid.test(p)) };
}
