/**
 * Virtual machine offers, the Cloud Partner Portal example type: plan keys as the seed spells them
 * ([L23050]–[L23075], [L23196]–[L23258]), including the two that carry no namespace (`virtualMachinePricing`,
 * `regions`). Pricing payload shapes follow spec 2.10; their per-region evaluation belongs to the publish pipeline.
 */
import { z } from 'zod';
import { jsonObject, name, optionalHttpUrl, text, unique } from './common';

export const VM = 'microsoft-azure-virtualmachines';

const vmImage = z.strictObject({ osVhdUrl: optionalHttpUrl, lunVhdDetails: z.array(jsonObject).max(16) });

export const planFields: Record<string, z.ZodType> = {
  skuTitle: name(100),
  skuSummary: text(100),
  skuDescription: text(2000),
  hideSKUForSolutionTemplate: z.boolean(),
  cloudAvailability: unique(text(50), 10),
  certificationsFairfax: z.array(z.json()).max(100),
  operatingSystemFamily: z.enum(['Windows', 'Linux']),
  windowsOSType: text(50),
  operationSystem: text(100),
  recommendedVMSizes: unique(text(50), 6),
  openPorts: z.array(z.json()).max(100),
  vmImages: z.record(z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 1.0.0'), vmImage),
  stopSell: z.boolean(),
};

/** Plan keys without a namespace, as the seed sends them. */
export const barePlanFields: Record<string, z.ZodType> = {
  virtualMachinePricing: z
    .object({
      isByol: z.boolean().optional(),
      freeTrialDurationInMonths: z
        .union([z.literal(0), z.literal(1), z.literal(3), z.literal(6)], { error: 'must be 0, 1, 3 or 6' })
        .optional(),
    })
    .catchall(z.json()),
  regions: unique(z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter region code in upper case'), 141),
};
