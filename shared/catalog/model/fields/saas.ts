/** SaaS offers (`microsoft-saas.` keys; specs/publish.md 1.4, 1.9–1.11, Appendix A). */
import { z } from 'zod';
import { coded, guid, httpsUrl, optionalHttpUrl, priceUsd, text, unique } from './common';
import { commonPlanFields, freeTrial, meteredDimensions, planDimension } from './plans';

export const SAAS = 'microsoft-saas';

export const offerFields: Record<string, z.ZodType> = {
  sellThroughMicrosoft: z.boolean(),
  listingOption: z.enum(['getItNowFree', 'freeTrial', 'contactMe']),
  offerUrl: optionalHttpUrl,
  trialUrl: optionalHttpUrl,
  gettingStartedInstructions: text(3000),
  graphAadAppId: guid,
  linkedAppSourceLinks: unique(httpsUrl, 25),
  // Technical configuration [L16466]–[L16485]. Completeness and the "#" rule are publish-time checks (spec 3.3).
  landingPageUrl: optionalHttpUrl,
  connectionWebhook: optionalHttpUrl,
  aadTenantId: guid,
  aadAppId: guid,
  meteredDimensions,
};

const term = z.strictObject({ priceUSD: priceUsd });

/**
 * Pricing of a SaaS plan: flat rate (monthly/annual terms + optional metered dimensions) or per user with optional
 * seat limits [L2504], [L15358], [L16531]–[L16562]. Dimensions belong to flat-rate plans only [L15864].
 */
export const pricing = z
  .strictObject({
    model: z.enum(['flatRate', 'perUser']),
    billingTerms: z.strictObject({ monthly: term.optional(), annual: term.optional() }).optional(),
    minUsers: z.number().int().min(1).optional(),
    maxUsers: z.number().int().min(1).optional(),
    dimensions: unique(planDimension(true), 30, (d) => d.id, 'DuplicateDimensionId').optional(),
  })
  .superRefine((p, ctx) => {
    if (p.minUsers !== undefined && p.maxUsers !== undefined && p.maxUsers < p.minUsers) {
      ctx.addIssue({ code: 'custom', path: ['maxUsers'], ...coded('InvalidSeatRange', 'must be greater than or equal to minUsers') });
    }
    if (p.model === 'flatRate') {
      for (const key of ['minUsers', 'maxUsers'] as const) {
        if (p[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], ...coded('SeatLimitsRequirePerUser', 'applies to per-user pricing only') });
      }
    }
    if (p.model === 'perUser' && p.dimensions && p.dimensions.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['dimensions'],
        ...coded('DimensionsRequireFlatRate', 'metered dimensions apply to flat-rate pricing only'),
      });
    }
  });

export const planFields: Record<string, z.ZodType> = {
  ...commonPlanFields({ planNameMax: 50, descriptionMax: 500, summary: false, audience: 'TenantID' }),
  pricing,
  freeTrial,
};
