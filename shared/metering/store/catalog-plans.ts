/**
 * `PlanDimensions` over the catalog's `OfferCatalog` (shared/catalog/ports.ts): a plan's dimensions at the frozen
 * version a subscription bought or changed at, or the live version when the resource does not record one.
 * The catalog's LiveDimension is the same shape as DimensionTerms.
 */
import type { OfferCatalog } from '../../catalog/ports';
import type { PlanTerms } from '../model';
import type { PlanDimensions } from '../ports';

export class CatalogPlanDimensions implements PlanDimensions {
  readonly #catalog: OfferCatalog;

  constructor(catalog: OfferCatalog) {
    this.#catalog = catalog;
  }

  async terms(publisherId: string, offerId: string, planId: string, offerVersion?: number): Promise<PlanTerms | undefined> {
    const offer =
      offerVersion === undefined
        ? await this.#catalog.getLiveOffer(publisherId, offerId)
        : await this.#catalog.getOfferVersion(publisherId, offerId, offerVersion);
    const plan = offer?.plans.find((p) => p.planId === planId);
    if (!offer || !plan) return undefined;
    const offerName = offer.title ?? offer.alias;
    return {
      planId: plan.planId,
      ...(plan.name ? { planName: plan.name } : {}),
      ...(offerName ? { offerName } : {}),
      dimensions: plan.pricing?.dimensions.map((d) => ({ ...d })) ?? [],
    };
  }
}
