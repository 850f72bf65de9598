/**
 * How one exchange with a lead target ends (specs/leads.md 2.5 (4)): 2xx success; network errors, time-outs, 408,
 * 425, 429 and 5xx retryable (with the target's Retry-After); 3xx, other 4xx and a refused address permanent. The
 * excerpt is the answer scrubbed of the destination's secrets, at most 1 KiB.
 */
import type { OutboundSendResult } from '../../../outbound/client';
import type { AttemptOutcome } from '../../model';
import { classifyStatus, parseRetryAfter, statusCategory } from '../../rules/retry';
import { excerpt } from '../../rules/scrub';

export const USER_AGENT = 'marketplace-leads/1';
/** Bytes of an answer read at most (spec 3.0.5: 64 KiB); 1 KiB of it is kept. */
export const READ_BYTES = 65_536;

export function outcomeOf(result: OutboundSendResult, secrets: readonly string[], now: Date): AttemptOutcome {
  if (result.kind === 'refused') return { outcome: 'permanent', category: 'ssrf_blocked', excerpt: excerpt(result.message, secrets) };
  if (result.kind === 'error')
    return { outcome: 'retryable', category: result.timedOut ? 'timeout' : 'network', excerpt: excerpt(result.message, secrets) };
  const retryAfterMs = parseRetryAfter(result.retryAfter, now);
  return {
    outcome: classifyStatus(result.status),
    category: statusCategory(result.status),
    httpStatus: result.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(result.body === '' ? {} : { excerpt: excerpt(result.body, secrets) }),
  };
}

/** An adapter's own failure (a bug, an SDK surprise): retryable, so the lead is tried again, never lost. */
export function unexpected(error: unknown, secrets: readonly string[]): AttemptOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: 'retryable', category: 'target_error', excerpt: excerpt(message, secrets) };
}
