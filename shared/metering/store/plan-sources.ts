/**
 * Plan terms from the first source that knows the plan: the catalog's frozen versions first, then the interim
 * `MeteredPlans` table (decision record 0300), so offers published through the catalog and offers seeded into
 * the interim table both work while subscriptions still come from the interim resource table.
 */
import type { PlanTerms } from '../model';
import type { PlanDimensions } from '../ports';

export class FirstFoundPlanDimensions implements PlanDimensions {
  readonly #sources: readonly PlanDimensions[];

  constructor(sources: readonly PlanDimensions[]) {
    this.#sources = sources;
  }

  async terms(publisherId: string, offerId: string, planId: string, offerVersion?: number): Promise<PlanTerms | undefined> {
    for (const source of this.#sources) {
      const terms = await source.terms(publisherId, offerId, planId, offerVersion);
      if (terms) return terms;
    }
    return undefined;
  }
}
