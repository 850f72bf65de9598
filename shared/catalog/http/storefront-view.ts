/**
 * What a customer sees of a live offer on the storefront (decision 1002): its title, metered dimensions and the
 * plans this customer's tenant may buy (public ones, and private ones whose audience names the tenant), with
 * prices, seat range and free trial. Never the technical configuration (landing page, webhook, Entra app),
 * the private audiences or the lead destination.
 */
import type { LiveOffer, LivePlan } from '../ports';
import { canBuy } from '../rules/live';

export interface StorefrontPlan {
  planId: string;
  name?: string;
  description?: string;
  visibility: 'public' | 'private';
  freeTrial: boolean;
  pricing?: LivePlan['pricing'];
}

export interface StorefrontOffer {
  publisherId: string;
  offerId: string;
  offerTypeId: string;
  version: number;
  title?: string;
  meteredDimensions: LiveOffer['meteredDimensions'];
  plans: StorefrontPlan[];
}

export function storefrontOfferView(offer: LiveOffer, tenantId: string): StorefrontOffer {
  return {
    publisherId: offer.publisherId,
    offerId: offer.offerId,
    offerTypeId: offer.offerTypeId,
    version: offer.version,
    ...(offer.title !== undefined ? { title: offer.title } : {}),
    meteredDimensions: offer.meteredDimensions,
    plans: offer.plans
      .filter((plan) => canBuy(plan, tenantId))
      .map((plan) => ({
        planId: plan.planId,
        ...(plan.name !== undefined ? { name: plan.name } : {}),
        ...(plan.description !== undefined ? { description: plan.description } : {}),
        visibility: plan.visibility,
        freeTrial: plan.freeTrial,
        ...(plan.pricing ? { pricing: plan.pricing } : {}),
      })),
  };
}
