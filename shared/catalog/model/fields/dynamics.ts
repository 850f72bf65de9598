/**
 * Dynamics 365 Customer Engagement & Power Apps offers (`microsoft-dynamics365-ce.` keys; specs/publish.md 1.4,
 * 1.11; seed 001 and 002). App license management: `listingOption = appLicenseManagement` turns it on (a one-time
 * setting, frozen after publish [L11528]); plans then carry a derived, read-only Service ID [L11780].
 */
import { z } from 'zod';
import { artifactUri, optionalHttpUrl, text, unique } from './common';
import { commonPlanFields } from './plans';

export const D365_CE = 'microsoft-dynamics365-ce';

export const offerFields: Record<string, z.ZodType> = {
  listingOption: z.enum(['appLicenseManagement', 'getItNowFree', 'freeTrial', 'contactMe']),
  trialUrl: optionalHttpUrl,
  offerUrl: optionalHttpUrl,
  allowInstallWithoutLicense: z.boolean(),
  baseLicenseModel: z.enum(['Resource', 'User']),
  requiresS2SOutboundAndCrmSecureStore: z.boolean(),
  applicationConfigurationUrl: optionalHttpUrl,
  // The publisher's own blob URL with a read-only SAS; fetched and checked by the publish pipeline [L11810]–[L11816].
  crmPackageUrl: optionalHttpUrl,
  hasMultipleCrmPackages: z.boolean(),
  crmPackageRegions: unique(text(50), 50),
  keyUsageScenarioUri: artifactUri,
};

export const planFields: Record<string, z.ZodType> = commonPlanFields({ planNameMax: 50, descriptionMax: 500, summary: false });
