/**
 * The interim `MeteredResources` table behind `ResourceDirectory` (decision record 0300): until the SaaS
 * capability (issue 5) implements the port over its subscription store, metering reads resources from this
 * table, and tests (or an operator's import) fill it with `put`. Rows written by anything else are parsed with
 * zod here, at the storage edge. PartitionKey = the resource key (lower-case GUID), RowKey `resource`; a
 * managed app's resourceUri has an index row pointing to its key, so both identifiers reach one resource.
 */
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { noFaults, type Faults } from '../../faults';
import type { MeteredResource, ResourceRef } from '../model';
import type { ResourceDirectory } from '../ports';

const planPeriod = z.object({
  planId: z.string().min(1),
  offerVersion: z.number().int().optional(),
  from: z.iso.datetime({ offset: true }),
});
const term = z.object({ termUnit: z.enum(['P1M', 'P1Y']), startDate: z.iso.date() });

/** A column holding JSON text, parsed and validated. */
function jsonColumn<S extends z.ZodType>(schema: S) {
  return z.string().transform((text, ctx): z.output<S> => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON text' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.message });
      return z.NEVER;
    }
    return parsed.data;
  });
}

const entitySchema = z.object({
  kind: z.enum(['saas', 'managedApp']),
  publisherId: z.string().min(1),
  offerId: z.string().min(1),
  status: z.enum(['PendingFulfillmentStart', 'Subscribed', 'Suspended', 'Unsubscribed']),
  activatedAt: z.iso.datetime({ offset: true }).optional(),
  canceledAt: z.string().optional(),
  plans: jsonColumn(z.array(planPeriod).min(1)),
  term: jsonColumn(term).optional(),
  resourceUri: z.string().optional(),
  managedResourceGroupId: z.string().optional(),
  customerTenantId: z.string().optional(),
  azureSubscriptionId: z.string().optional(),
  customerName: z.string().optional(),
});

const RESOURCE_ROW = 'resource';
const URI_ROW = 'uri';

function uriPartition(uri: string): string {
  return `uri-${createHash('sha256').update(uri.toLowerCase()).digest('hex')}`;
}

const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/** Pause/crash point of a deployment's create: after the URI index, just before the insert that decides who created it. */
export const BEFORE_APP_INSERT_POINT = 'before-managed-app-insert';

export class TableResourceDirectory implements ResourceDirectory {
  readonly #table: () => Promise<TableClient>;
  readonly #faults: Faults;

  constructor(table: () => Promise<TableClient>, faults: Faults = noFaults) {
    this.#table = table;
    this.#faults = faults;
  }

  async lookup(ref: ResourceRef): Promise<MeteredResource | undefined> {
    const table = await this.#table();
    let key: string;
    if (ref.kind === 'resourceId') key = ref.resourceId.toLowerCase();
    else {
      const pointer = await get(table, uriPartition(ref.resourceUri), URI_ROW);
      if (!pointer || typeof pointer['resourceKey'] !== 'string') return undefined;
      key = pointer['resourceKey'];
    }
    const entity = await get(table, key, RESOURCE_ROW);
    if (!entity) return undefined;
    const e = entitySchema.parse(entity);
    return {
      resourceKey: key,
      kind: e.kind,
      publisherId: e.publisherId,
      offerId: e.offerId,
      status: e.status,
      plans: e.plans,
      ...(e.activatedAt ? { activatedAt: e.activatedAt } : {}),
      ...(e.canceledAt ? { canceledAt: e.canceledAt } : {}),
      ...(e.term ? { term: e.term } : {}),
      ...(e.resourceUri ? { resourceUri: e.resourceUri } : {}),
      ...(e.managedResourceGroupId ? { managedResourceGroupId: e.managedResourceGroupId } : {}),
      ...(e.customerTenantId ? { customerTenantId: e.customerTenantId } : {}),
      ...(e.azureSubscriptionId ? { azureSubscriptionId: e.azureSubscriptionId } : {}),
      ...(e.customerName ? { customerName: e.customerName } : {}),
    };
  }

  /** Writes (replaces) a resource; the writer side of the interim table. */
  async put(resource: MeteredResource): Promise<void> {
    const table = await this.#table();
    if (resource.resourceUri) await this.#index(table, resource);
    await table.upsertEntity(entityOf(resource), 'Replace');
  }

  /**
   * Insert-only (a deployed managed app): the URI index first (idempotent: the key is derived from the URI), then
   * the resource row, which only one writer can create; a second one gets the stored resource back, not a copy.
   */
  async create(resource: MeteredResource): Promise<{ created: boolean; resource: MeteredResource }> {
    const table = await this.#table();
    if (resource.resourceUri) await this.#index(table, resource);
    await this.#faults.reach(BEFORE_APP_INSERT_POINT);
    try {
      await table.createEntity(entityOf(resource));
      return { created: true, resource };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
    const stored = await this.lookup({ kind: 'resourceId', resourceId: resource.resourceKey });
    if (!stored) throw new Error(`resource ${resource.resourceKey} conflicted on insert but cannot be read`);
    return { created: false, resource: stored };
  }

  async #index(table: TableClient, resource: MeteredResource): Promise<void> {
    const key = resource.resourceKey.toLowerCase();
    await table.upsertEntity({ partitionKey: uriPartition(resource.resourceUri as string), rowKey: URI_ROW, resourceKey: key }, 'Replace');
  }
}

function entityOf(resource: MeteredResource) {
  const key = resource.resourceKey.toLowerCase();
  return {
    partitionKey: key,
    rowKey: RESOURCE_ROW,
    kind: resource.kind,
    publisherId: resource.publisherId,
    offerId: resource.offerId,
    status: resource.status,
    plans: JSON.stringify(resource.plans),
    ...(resource.activatedAt ? { activatedAt: resource.activatedAt } : {}),
    ...(resource.canceledAt ? { canceledAt: resource.canceledAt } : {}),
    ...(resource.term ? { term: JSON.stringify(resource.term) } : {}),
    ...(resource.resourceUri ? { resourceUri: resource.resourceUri } : {}),
    ...(resource.managedResourceGroupId ? { managedResourceGroupId: resource.managedResourceGroupId } : {}),
    ...(resource.customerTenantId ? { customerTenantId: resource.customerTenantId } : {}),
    ...(resource.azureSubscriptionId ? { azureSubscriptionId: resource.azureSubscriptionId } : {}),
    ...(resource.customerName ? { customerName: resource.customerName } : {}),
  };
}

async function get(table: TableClient, partitionKey: string, rowKey: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
