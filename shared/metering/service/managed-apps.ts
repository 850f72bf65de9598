/**
 * Deploying a managed application from a managed application plan (decision 0314): the local stand-in for the
 * customer's ARM deployment `PUT …/providers/Microsoft.Solutions/applications/{name}` with a marketplace `plan`.
 * It records what metering needs (the application id as resourceUri, its resourceUsageId, its managed resource
 * group, plan, publisher and the customer's tenant) in one insert-only row keyed by the resourceUsageId, so a
 * retried or concurrent deployment of the same id gets the stored one back.
 */
import { canBuy } from '../../catalog/rules/live';
import type { OfferCatalog } from '../../catalog/ports';
import type { Clock } from '../../clock';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../../errors';
import type { MeteredResource, ResourceRef, UsageCaller } from '../model';
import { mayReport } from '../rules/caller';
import { managedGroupProblem, parseApplicationId, resourceUsageIdOf } from '../rules/managed-app';

export const AZURE_APPLICATIONS = 'microsoft-azure-applications';

export interface ManagedAppStore {
  lookup(ref: ResourceRef): Promise<MeteredResource | undefined>;
  create(resource: MeteredResource): Promise<{ created: boolean; resource: MeteredResource }>;
}

export interface DeployRequest {
  applicationId: string;
  managedResourceGroupId: string;
  plan: { publisher: string; product: string; name: string };
  customerTenantId: string;
}

/** Who reads a deployed application: its customer, the publisher of its offer, or its own managed identity. */
export type AppReader = { kind: 'customer'; tenantId: string } | UsageCaller;

export interface ManagedAppDeps {
  catalog: OfferCatalog;
  store: ManagedAppStore;
  clock: Clock;
  /** Writers in this process drop their cached view of the resource. */
  invalidate?: (resource: MeteredResource) => void;
}

export class ManagedApplications {
  constructor(private readonly deps: ManagedAppDeps) {}

  async deploy(request: DeployRequest): Promise<{ created: boolean; app: MeteredResource }> {
    const app = parseApplicationId(request.applicationId);
    if (!app)
      throw new ValidationError('The application id is not a managed application id.', [
        {
          path: '$.id',
          message: 'must be /subscriptions/{subscriptionId}/resourceGroups/{group}/providers/Microsoft.Solutions/applications/{name}',
        },
      ]);
    const groupProblem = managedGroupProblem(request.managedResourceGroupId, app);
    if (groupProblem) {
      throw new ValidationError('The managed resource group id is not valid.', [
        { path: '$.properties.managedResourceGroupId', message: groupProblem },
      ]);
    }
    const { publisher, product, name } = request.plan;
    const offer = await this.deps.catalog.getPurchasable(publisher.toLowerCase(), product);
    const plan = offer?.plans.find((p) => p.planId === name);
    if (!offer || !plan || !canBuy(plan, app.subscriptionId)) {
      throw new NotFoundError(
        `The plan '${name}' of offer '${product}' by '${publisher}' is not available to this Azure subscription.`,
        'PlanNotFound',
      );
    }
    if (offer.offerTypeId !== AZURE_APPLICATIONS || plan.planType !== 'managedApplication') {
      throw new UnprocessableError(
        'Only a managed application plan of an Azure Application offer deploys a managed application.',
        'NotAManagedApplicationPlan',
        [{ path: '$.plan.name', message: 'must be a managed application plan' }],
      );
    }
    const now = this.deps.clock.now().toISOString();
    const resourceKey = resourceUsageIdOf(request.applicationId);
    const resource: MeteredResource = {
      resourceKey,
      kind: 'managedApp',
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      status: 'Subscribed',
      activatedAt: now,
      plans: [{ planId: plan.planId, offerVersion: offer.version, from: now }],
      // Managed apps bill monthly only (spec A10), from the deployment's day.
      term: { termUnit: 'P1M', startDate: now.slice(0, 10) },
      resourceUri: request.applicationId,
      managedResourceGroupId: request.managedResourceGroupId,
      customerTenantId: request.customerTenantId.toLowerCase(),
      azureSubscriptionId: app.subscriptionId,
    };
    const result = await this.deps.store.create(resource);
    this.deps.invalidate?.(result.resource);
    if (!result.created) {
      const stored = result.resource;
      const same =
        stored.publisherId === resource.publisherId &&
        stored.offerId === resource.offerId &&
        stored.plans[0]?.planId === plan.planId &&
        stored.managedResourceGroupId?.toLowerCase() === request.managedResourceGroupId.toLowerCase() &&
        stored.customerTenantId === resource.customerTenantId;
      if (!same)
        throw new ConflictError(
          'A managed application with this id is already deployed with another plan or managed resource group.',
          'ApplicationExists',
        );
    }
    return { created: result.created, app: result.resource };
  }

  async get(applicationId: string, reader: AppReader): Promise<MeteredResource> {
    const found = parseApplicationId(applicationId) && (await this.deps.store.lookup({ kind: 'resourceUri', resourceUri: applicationId }));
    const allowed =
      found &&
      found.kind === 'managedApp' &&
      (reader.kind === 'customer' ? found.customerTenantId === reader.tenantId.toLowerCase() : mayReport(reader, found));
    if (!found || !allowed) {
      if (found && reader.kind === 'managedIdentity') throw new ForbiddenError('This identity may not read that application.');
      throw new NotFoundError(`The managed application '${applicationId}' was not found.`, 'ResourceNotFound');
    }
    return found;
  }
}
