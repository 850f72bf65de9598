/**
 * Azure Application offers (`microsoft-azure-applications.` keys; specs/publish.md 1.9–1.11). Managed-app plans
 * bill a monthly price plus metered dimensions (monthly included quantities only, spec A38).
 */
import { z } from 'zod';
import { artifactUri, guid, httpsUrl, priceUsd, text, unique } from './common';
import { commonPlanFields, meteredDimensions, planDimension } from './plans';
import { planIdSchema } from '../ids';

export const AZURE_APP = 'microsoft-azure-applications';

export const offerFields: Record<string, z.ZodType> = { aadTenantId: guid, aadAppId: guid, meteredDimensions };

const authorization = z.strictObject({ tenantId: guid, principalId: guid, roleDefinition: z.enum(['Owner', 'Contributor']) });

const technicalConfiguration = z.strictObject({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 1.0.0'),
  packageUri: artifactUri,
  previouslyPublishedPackages: z.array(z.json()).optional(),
  jitAccess: z.boolean().optional(),
  deploymentMode: z.enum(['Complete', 'Incremental']).optional(),
  notificationEndpointUrl: httpsUrl
    .refine((v) => !/\/resource\/?$/i.test(new URL(v).pathname), {
      message: 'must not end with /resource (Azure appends it)',
      params: { code: 'InvalidUrl' },
    })
    .optional(),
  allowedControlActions: unique(text(256), 200).optional(),
  allowedDataActions: unique(text(256), 200).optional(),
  authorizations: z
    .strictObject({ global: z.array(authorization).max(100).optional(), government: z.array(authorization).max(100).optional() })
    .optional(),
  policies: z
    .array(z.strictObject({ name: text(50), policyType: text(256), parameters: z.json().optional(), sku: z.enum(['Free', 'Standard']) }))
    .max(5)
    .optional(),
});

export const planFields: Record<string, z.ZodType> = {
  ...commonPlanFields({ planNameMax: 100, descriptionMax: 2000, summary: true, audience: 'SubscriptionId' }),
  hidden: z.boolean(),
  planType: z.enum(['solutionTemplate', 'managedApplication']),
  reuseTechnicalConfigurationFrom: planIdSchema,
  azureRegions: z.strictObject({
    global: z.boolean().optional(),
    government: z.boolean().optional(),
    governmentCertifications: z
      .array(z.strictObject({ name: text(100), uri: httpsUrl }))
      .max(100)
      .optional(),
  }),
  technicalConfiguration,
  pricing: z.strictObject({
    monthlyPriceUSD: priceUsd.optional(),
    dimensions: unique(planDimension(false), 30, (d) => d.id, 'DuplicateDimensionId').optional(),
  }),
};
