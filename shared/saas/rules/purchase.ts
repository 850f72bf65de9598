/**
 * What a storefront purchase sells (decision 0605): the live version to anyone, or, when the customer asks for the
 * preview (`"slot": "preview"`), the offer's preview version to members of its preview audience only, always as a
 * test purchase [DEC-A34]. In the preview every plan that is not stop-sold can be bought, private ones too
 * (specs/publish.md 1.8: the preview audience sees all plans).
 */
import { canBuy } from '../../catalog/rules/live';
import type { LiveOffer, LivePlan } from '../../catalog/ports';
import { inPreviewAudience } from './plans';

export type PurchaseSlot = 'production' | 'preview';

/**
 * The version sold and whether the purchase is a test, or undefined when the buyer may not see it (an offer not
 * sold through Microsoft, nothing in the slot, a preview for someone outside its audience: all answered as 404).
 * `offer` is the slot's version (live, or preview); `buyerEmail` the signed-in buyer's, from the token.
 */
export function saleOf(
  slot: PurchaseSlot,
  offer: LiveOffer | undefined,
  buyerEmail: string | undefined,
): { offer: LiveOffer; isTest: boolean } | undefined {
  if (!offer?.saas?.sellThroughMicrosoft) return undefined;
  const isTest = inPreviewAudience(offer, buyerEmail);
  if (slot === 'preview' && !isTest) return undefined;
  return { offer, isTest };
}

/** Whether a customer of `tenantId` may buy the plan in the slot. */
export function mayBuyPlan(plan: LivePlan, tenantId: string, slot: PurchaseSlot): boolean {
  return slot === 'preview' ? plan.purchasable : canBuy(plan, tenantId);
}
