/**
 * Validate (specs/leads.md 2.6; decision 0513): checks the DRAFT's lead destination and sends one test lead (1.6)
 * through the real target adapter, once, with no retries and a 60 s cap, and reports what the target answered:
 * `{ok: true, destination, testLeadId, latencyMs}` or `{ok: false, error: {category, httpStatus?, message}}` with the
 * message scrubbed of the destination's secrets. Settings that do not parse are a 400 naming the field paths (a Blob
 * destination: `destination_deprecated`; none: `no_destination`). At most 5 Validates per offer a minute: the 6th is
 * answered `rate-limited` (429) and sends nothing. A publisher validates only its own offers.
 */
import type { Clock } from '../../clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { DeliverableType } from '../model';
import { offerKey } from '../model';
import type { LeadOffers, LeadTargets } from '../ports';
import { parseDestination, type DestinationRuleOptions } from '../rules/destinations';
import { ulid } from '../rules/lead-source';
import { excerpt, secretValues } from '../rules/scrub';
import { testLead } from '../rules/test-lead';
import type { LeadReader } from './read';

export const VALIDATE_TIMEOUT_MS = 60_000;
export const VALIDATE_LIMIT = 5;
export const VALIDATE_WINDOW_MS = 60_000;

export type ValidateResult =
  | { ok: true; destination: DeliverableType; testLeadId: string; latencyMs: number }
  | { ok: false; error: { category: string; httpStatus?: number; message: string } };

export type ValidateAnswer = { kind: 'answered'; result: ValidateResult } | { kind: 'rate-limited'; retryAfterSeconds: number };

export interface ValidateDeps {
  offers: LeadOffers;
  targets: LeadTargets;
  clock: Clock;
  random: (bytes: number) => Uint8Array;
  rules: DestinationRuleOptions;
  /** A monotonic clock in ms for the latency (performance.now). */
  elapsed: () => number;
  timeoutMs?: number;
}

/** Per-offer sliding window of Validate calls in this instance. */
export class ValidateRateLimit {
  readonly #calls = new Map<string, number[]>();

  constructor(
    readonly limit: number = VALIDATE_LIMIT,
    readonly windowMs: number = VALIDATE_WINDOW_MS,
  ) {}

  /** Takes one call at `nowMs`; undefined when allowed, else the seconds until the oldest call leaves the window. */
  take(key: string, nowMs: number): number | undefined {
    const recent = (this.#calls.get(key) ?? []).filter((at) => nowMs - at < this.windowMs);
    if (recent.length >= this.limit) {
      this.#calls.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? nowMs) + this.windowMs - nowMs) / 1000));
    }
    recent.push(nowMs);
    this.#calls.set(key, recent);
    return undefined;
  }
}

const MESSAGES: Record<string, string> = {
  delivered: 'The destination accepted the test lead.',
  auth_failed: 'The destination refused the credentials.',
  missing_role: 'The credentials are valid but lack the permission to create leads (the Microsoft Marketplace Lead Writer role).',
  ssrf_blocked: 'The destination address is not allowed (a private, loopback or link-local address).',
  timeout: 'The destination did not answer in time.',
  network: 'The destination could not be reached.',
  token_unavailable: 'No token could be obtained from Microsoft Entra ID.',
};

function messageOf(category: string, httpStatus: number | undefined, detail: string | undefined): string {
  const head =
    MESSAGES[category] ??
    (httpStatus === undefined ? `The test lead failed (${category}).` : `The destination answered HTTP ${httpStatus}.`);
  return detail ? `${head} ${detail}` : head;
}

export class ValidateDestination {
  readonly #d: ValidateDeps;
  readonly #limit: ValidateRateLimit;

  constructor(deps: ValidateDeps, limit: ValidateRateLimit = new ValidateRateLimit()) {
    this.#d = deps;
    this.#limit = limit;
  }

  async validate(reader: LeadReader, publisherId: string, offerId: string): Promise<ValidateAnswer> {
    if (reader.kind === 'publisher' && reader.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
      throw new ForbiddenError("The client doesn't have access to the specified namespace.");
    }
    const offer = await this.#d.offers.draft(publisherId, offerId);
    if (!offer) throw new NotFoundError(`The offer ${publisherId}.${offerId} does not exist.`, 'offer_not_found');
    const now = this.#d.clock.now();
    const wait = this.#limit.take(offerKey(offer.publisherId, offer.offerId), now.getTime());
    if (wait !== undefined) return { kind: 'rate-limited', retryAfterSeconds: wait };

    const parsed = parseDestination(offer.destination.type, offer.destination.settings, this.#d.rules);
    if (parsed.kind === 'none')
      throw new ValidationError(
        'The offer has no lead destination to validate.',
        [{ path: 'microsoft-azure-marketplace.leadDestination', code: 'no_destination', message: 'Choose a lead destination first.' }],
        'no_destination',
      );
    if (parsed.kind !== 'valid') {
      const code = parsed.kind === 'deprecated' ? 'destination_deprecated' : 'invalid_destination';
      throw new ValidationError(parsed.violations[0]?.message ?? 'The lead destination is not valid.', parsed.violations, code);
    }
    const { config } = parsed;
    const lead = testLead({
      leadId: ulid(now.getTime(), this.#d.random),
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      offerTitle: offer.title,
      now,
    });
    const started = this.#d.elapsed();
    const secrets = secretValues(config);
    let outcome;
    try {
      outcome = await this.#d.targets[config.type].deliver(lead, config, { timeoutMs: this.#d.timeoutMs ?? VALIDATE_TIMEOUT_MS });
    } catch (error) {
      const detail = excerpt(error instanceof Error ? error.message : String(error), secrets);
      return {
        kind: 'answered',
        result: { ok: false, error: { category: 'target_error', message: messageOf('target_error', undefined, detail) } },
      };
    }
    const latencyMs = Math.max(0, Math.round(this.#d.elapsed() - started));
    if (outcome.outcome === 'success')
      return { kind: 'answered', result: { ok: true, destination: config.type, testLeadId: lead.leadId, latencyMs } };
    const detail = outcome.excerpt === undefined ? undefined : excerpt(outcome.excerpt, secrets);
    return {
      kind: 'answered',
      result: {
        ok: false,
        error: {
          category: outcome.category,
          ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
          message: messageOf(outcome.category, outcome.httpStatus, detail),
        },
      },
    };
  }
}
