/**
 * Capturing a lead (specs/leads.md 1.3–1.4, 2.1–2.2, 2.5 (1), 2.7), in the documented order: the offer exists
 * (404), it was made live (409 `offer_not_published`), the storefront can produce the trigger (422
 * `invalid_trigger_for_storefront`) and the offer's listing enables it (422 `trigger_not_enabled_for_offer`), the
 * customer consented (422 `consent_required`), the fields (400 naming the field, or 422); then one atomic write of
 * the lead, its delivery row and the dedupe rows; then the hand-over of the committed row (its first attempt, made in
 * this process after the answer, decision 0524; best effort: the sweeper starts a committed pending delivery that was
 * not handed over). A replay answers the first lead.
 */
import type { Clock } from '../../clock';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError, type Violation } from '../../errors';
import type { Faults } from '../../faults';
import { offerKey, type Delivery, type Lead, type LeadSourceToken, type Storefront, type Trigger } from '../model';
import type { DeliveryHandoff, LeadOffers, LeadStore } from '../ports';
import { captureKeys } from '../rules/dedupe';
import { consent, description, firstClass, userDetails, type FieldViolation, type UserDetailsInput } from '../rules/fields';
import { classify, leadSourceOf, sourceAccepted, ulid } from '../rules/lead-source';

/** Fault points: after the atomic write, before the hand-over (the sweeper must cover a crash here). */
export const FAULT_CAPTURE_AFTER_COMMIT = 'leads.capture.after-commit';

export interface CaptureInput {
  publisherId: string;
  offerId: string;
  trigger: Trigger;
  storefront: Storefront;
  planId?: string;
  /** The Source the client named, if any (`TestDrive` accepted for a test drive). */
  source?: LeadSourceToken;
  userDetails: UserDetailsInput;
  description?: string;
  consent?: { Given?: boolean; At?: string };
  idempotencyKey?: string;
  /** What a replay's body must equal (the request body as parsed). */
  body: unknown;
  /** The SaaS subscription a purchase lead came from. */
  subscriptionId?: string;
}

export type CaptureOutcome =
  | { kind: 'created'; lead: Lead; delivery: Delivery }
  | { kind: 'replay'; leadId: string }
  | { kind: 'duplicate'; leadId: string };

export interface CaptureDeps {
  offers: LeadOffers;
  store: LeadStore;
  handoff: DeliveryHandoff;
  clock: Clock;
  faults: Faults;
  /** Random bytes for lead ids (node:crypto's randomBytes in the app). */
  random: (bytes: number) => Uint8Array;
  /** Told when the hand-over failed after the commit (the sweeper will start the delivery). */
  onHandoffError?: (error: unknown, leadId: string) => void;
}

/** Destinations a lead can be delivered to now; others (None, the deprecated Blob) hold the lead. */
const NOT_DELIVERABLE: Record<string, string> = { None: 'no_destination', AzureBlob: 'destination_deprecated' };

function toViolations(list: readonly FieldViolation[]): Violation[] {
  return list.map(({ path, code, message }) => ({ path, code, message }));
}

function unprocessable(code: string, message: string, path: string): UnprocessableError {
  return new UnprocessableError(message, code, [{ path, code, message }]);
}

export class CaptureLead {
  readonly #deps: CaptureDeps;

  constructor(deps: CaptureDeps) {
    this.#deps = deps;
  }

  async capture(input: CaptureInput): Promise<CaptureOutcome> {
    const deps = this.#deps;
    const offer = await deps.offers.live(input.publisherId, input.offerId);
    if (!offer) throw new NotFoundError(`The offer ${input.publisherId}.${input.offerId} does not exist.`, 'offer_not_found');
    if (offer.state === 'draft') {
      throw new ConflictError('The offer has not been published: it receives leads once it is in preview or live.', 'offer_not_published');
    }
    const classified = classify(input.trigger, input.storefront);
    if (!classified) {
      throw unprocessable('invalid_trigger_for_storefront', `${input.storefront} does not produce ${input.trigger} leads.`, 'trigger');
    }
    if (input.source !== undefined && !sourceAccepted(input.source, input.trigger, classified.source)) {
      throw unprocessable('invalid_source_for_storefront', `The source ${input.source} does not match the storefront ${input.storefront}.`, 'source');
    }
    if (!offer.triggers.has(input.trigger)) {
      throw unprocessable('trigger_not_enabled_for_offer', `The offer's listing does not enable ${input.trigger}.`, 'trigger');
    }
    const given = consent(input.consent);
    if (!given.value) throw unprocessable('consent_required', given.violation?.message ?? 'Consent is required.', 'Consent');

    const details = userDetails(input.userDetails);
    const text = description('Description', input.description);
    const problems = firstClass([...details.violations, ...(text.violation ? [text.violation] : [])]);
    if (problems) {
      const first = problems.violations[0] as FieldViolation;
      if (problems.status === 400) throw new ValidationError('The lead is not valid.', toViolations(problems.violations), first.code);
      throw new UnprocessableError(`${first.path} ${first.message}.`, first.code, toViolations(problems.violations));
    }

    const now = deps.clock.now();
    const createdAt = now.toISOString();
    const leadId = ulid(now.getTime(), deps.random);
    const lead: Lead = {
      leadId,
      createdAt,
      isTest: false,
      trigger: input.trigger,
      storefront: input.storefront,
      source: classified.source,
      action: classified.action,
      kind: classified.kind,
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      offerTitle: offer.title,
      ...(input.planId ? { planId: input.planId } : {}),
      leadSource: leadSourceOf(classified.source, classified.action, offer.publisherId, offer.offerId),
      userDetails: details.value,
      description: text.value,
      consent: given.value,
      ...(input.source === 'TestDrive' ? { sourceAsSent: input.source } : {}),
      ...(input.subscriptionId ? { subscriptionId: input.subscriptionId } : {}),
    };
    const heldReason = NOT_DELIVERABLE[offer.destination.type];
    const delivery: Delivery = {
      leadId,
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      state: heldReason ? 'held' : 'pending',
      generation: 1,
      windowStartedAt: createdAt,
      ...(heldReason ? { reason: heldReason } : { nextAttemptAt: createdAt }),
      attempts: [],
      attemptCount: 0,
    };
    const keys = captureKeys({
      nowMs: now.getTime(),
      ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
      body: input.body,
      natural: {
        offerKey: offerKey(offer.publisherId, offer.offerId),
        source: classified.source,
        action: classified.action,
        userDetails: details.value,
        description: text.value,
      },
    });

    const result = await deps.store.capture(lead, delivery, keys);
    switch (result.kind) {
      case 'replay':
        return { kind: 'replay', leadId: result.leadId };
      case 'duplicate':
        return { kind: 'duplicate', leadId: result.leadId };
      case 'key-reuse':
        throw new ConflictError('The Idempotency-Key was already used for a different lead.', 'idempotency_key_reuse');
      case 'created':
        break;
    }
    await deps.faults.reach(FAULT_CAPTURE_AFTER_COMMIT);
    if (delivery.state === 'pending') {
      try {
        const known = { lead, delivery, ...(result.etag !== undefined ? { etag: result.etag } : {}) };
        await deps.handoff.handoff({ publisherId: lead.publisherId, offerId: lead.offerId, leadId, generation: delivery.generation }, known);
      } catch (error) {
        deps.onHandoffError?.(error, leadId);
      }
    }
    return { kind: 'created', lead, delivery };
  }
}
