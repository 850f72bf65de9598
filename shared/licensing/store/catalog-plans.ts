/** License management's view of the catalog's live plans (LivePlan.serviceId, LiveOffer.licenseManagement). */
import type { OfferCatalog } from '../../catalog/ports';
import type { LicensePlans } from '../ports';

export function catalogPlans(catalog: OfferCatalog): LicensePlans {
  return {
    async plan(publisherId, offerId, planId) {
      const offer = await catalog.getLiveOffer(publisherId, offerId);
      const plan = offer?.plans.find((p) => p.planId === planId);
      if (!offer || !plan) return undefined;
      return {
        licenseManaged: offer.licenseManagement?.enabled === true && plan.serviceId !== undefined,
        perUser: plan.pricing?.model === 'perUser',
        allowInstallWithoutLicense: offer.licenseManagement?.allowInstallWithoutLicense === true,
        ...(plan.name !== undefined ? { planName: plan.name } : {}),
        ...(offer.title !== undefined ? { offerTitle: offer.title } : {}),
      };
    },
  };
}
