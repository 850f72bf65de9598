/**
 * What the lead routes answer (decision 0500): the capture's acknowledgement, and the publisher's view of a lead
 * with its delivery (the list leaves the attempts out; one lead shows every kept attempt). Wire names of the
 * customer's details stay as the seed spells them (`UserDetails`, `Description`, `LeadSource`).
 */
import type { Delivery, Lead } from '../model';

export function leadPath(publisherId: string, offerId: string, leadId: string): string {
  return `/api/publishers/${encodeURIComponent(publisherId)}/offers/${encodeURIComponent(offerId)}/leads/${leadId}`;
}

export function capturedView(lead: Lead, delivery: Delivery) {
  return {
    leadId: lead.leadId,
    createdAt: lead.createdAt,
    LeadSource: lead.leadSource,
    ActionCode: lead.action,
    OfferTitle: lead.offerTitle,
    deliveryState: delivery.state,
  };
}

function deliveryView(delivery: Delivery, withAttempts: boolean) {
  return {
    state: delivery.state,
    generation: delivery.generation,
    windowStartedAt: delivery.windowStartedAt,
    ...(delivery.nextAttemptAt ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    ...(delivery.deliveredAt ? { deliveredAt: delivery.deliveredAt } : {}),
    ...(delivery.deadLetteredAt ? { deadLetteredAt: delivery.deadLetteredAt } : {}),
    ...(delivery.reason ? { reason: delivery.reason } : {}),
    attemptCount: delivery.attemptCount,
    ...(withAttempts ? { attempts: delivery.attempts } : {}),
  };
}

export function leadView(lead: Lead, delivery: Delivery, withAttempts: boolean) {
  return {
    leadId: lead.leadId,
    createdAt: lead.createdAt,
    isTest: lead.isTest,
    publisherId: lead.publisherId,
    offerId: lead.offerId,
    OfferTitle: lead.offerTitle,
    trigger: lead.trigger,
    storefront: lead.storefront,
    source: lead.source,
    ...(lead.sourceAsSent ? { sourceAsSent: lead.sourceAsSent } : {}),
    ActionCode: lead.action,
    kind: lead.kind,
    LeadSource: lead.leadSource,
    ...(lead.planId ? { planId: lead.planId } : {}),
    ...(lead.subscriptionId ? { subscriptionId: lead.subscriptionId } : {}),
    UserDetails: lead.userDetails,
    Description: lead.description,
    consent: lead.consent,
    delivery: deliveryView(delivery, withAttempts),
  };
}
