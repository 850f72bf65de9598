/**
 * Plan fields shared by the offer types that sell through plans (specs/publish.md 1.9), and the metered dimension
 * shapes of 1.10. Keys live under the offer type's namespace, e.g. `microsoft-saas.planName`.
 */
import { z } from 'zod';
import { DIMENSION_ID_PATTERN } from '../ids';
import { guid, includedQuantity, lowercaseGuid, market, name, priceUsd, text, unique } from './common';

export const dimensionId = z.string().regex(DIMENSION_ID_PATTERN, 'must be 1-50 letters, digits, ".", "-" or "_"');

/** Offer-level dimension definitions shared by all plans; at most 30 unique per offer [L16068] (spec A4). */
export const meteredDimensions = unique(
  z.strictObject({ id: dimensionId, displayName: text(100), unitOfMeasure: text(100) }),
  30,
  (d) => d.id,
  'DuplicateDimensionId',
);

export const planDimension = (withAnnual: boolean) =>
  z.strictObject({
    id: dimensionId,
    enabled: z.boolean().optional(),
    pricePerUnitUSD: priceUsd.optional(),
    includedQuantityMonthly: includedQuantity.optional(),
    ...(withAnnual ? { includedQuantityAnnual: includedQuantity.optional() } : {}),
  });

export type Audience = 'TenantID' | 'SubscriptionId';

/** Private audience entries: SaaS tenant ids ≤ 20,000; Azure subscription ids (lowercase GUIDs) ≤ 10,000 (spec 1.9, A7). */
export function privateAudience(type: Audience) {
  return type === 'TenantID'
    ? unique(z.strictObject({ id: guid, type: z.literal('TenantID'), description: text(256).optional() }), 20_000, (a) => a.id)
    : unique(
        z.strictObject({ id: lowercaseGuid, type: z.literal('SubscriptionId'), description: text(256).optional() }),
        10_000,
        (a) => a.id,
      );
}

export interface CommonPlanOptions {
  planNameMax: number;
  descriptionMax: number;
  summary: boolean;
  audience?: Audience;
}

/** planName, planDescription, markets, visibility, private audience and the stop-sell flag. */
export function commonPlanFields(o: CommonPlanOptions): Record<string, z.ZodType> {
  return {
    planName: name(o.planNameMax),
    planDescription: text(o.descriptionMax),
    ...(o.summary ? { planSummary: text(100) } : {}),
    markets: unique(market, 141),
    ...(o.audience ? { visibility: z.enum(['public', 'private']), privateAudience: privateAudience(o.audience) } : {}),
    // Stop sell (Partner Center: "Stop distribution" of a plan [L17322]): the plan stays for existing customers but
    // is not purchasable in versions frozen with the flag set.
    stopSell: z.boolean(),
  };
}

export const freeTrial = z.strictObject({ enabled: z.boolean() });
