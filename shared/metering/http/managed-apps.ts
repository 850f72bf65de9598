/**
 * The managed application deployment route's body and view (decision 0314), shaped as ARM's
 * `Microsoft.Solutions/applications` resource (api-version 2019-07-01): `kind: "MarketPlace"`, the marketplace
 * `plan` {publisher, product, name, version}, `properties.managedResourceGroupId` and, in the answer,
 * `properties.billingDetails.resourceUsageId` and the application's system-assigned `identity`.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { managedIdentityOf } from '../../auth/tokens';
import { readJson } from '../../http/request';
import type { MeteredResource } from '../model';
import { parseApplicationId } from '../rules/managed-app';

const bodySchema = z.object({
  kind: z.literal('MarketPlace', { error: 'must be "MarketPlace" (a marketplace managed application)' }).optional(),
  location: z.string().min(1).max(64).optional(),
  plan: z.object({
    publisher: z.string().min(1).max(100),
    product: z.string().min(1).max(100),
    name: z.string().min(1).max(50),
    version: z.string().max(64).optional(),
    promotionCode: z.string().max(100).optional(),
  }),
  properties: z.object({ managedResourceGroupId: z.string().min(1).max(1024) }),
});

export type DeployBody = z.output<typeof bodySchema>;

export function readDeployBody(request: HttpRequest, maxBytes: number): Promise<DeployBody> {
  return readJson(request, bodySchema, maxBytes);
}

/** The application as ARM shows it, with what metering reads from it (seed 004 ~24671–24675). */
export function applicationView(app: MeteredResource, location?: string) {
  const id = app.resourceUri as string;
  const parsed = parseApplicationId(id);
  const identity = managedIdentityOf(id);
  const plan = app.plans[0];
  return {
    id,
    name: parsed?.name,
    type: 'Microsoft.Solutions/applications',
    kind: 'MarketPlace',
    ...(location ? { location } : {}),
    plan: { publisher: app.publisherId, product: app.offerId, name: plan?.planId, version: String(plan?.offerVersion ?? '') },
    identity: { type: 'SystemAssigned', principalId: identity.principalId, tenantId: app.customerTenantId },
    properties: {
      provisioningState: 'Succeeded',
      managedResourceGroupId: app.managedResourceGroupId,
      billingDetails: { resourceUsageId: app.resourceKey },
      createdAt: app.activatedAt,
    },
  };
}
