/**
 * The interim `MeteredPlans` table behind `PlanDimensions` (decision record 0300), for as long as the catalog's
 * `OfferCatalog` is not wired into the composition root (store/catalog-plans.ts adapts it when it is).
 * PartitionKey `<publisherId>|<offerId>`, RowKey `<planId>|v<version>` or `<planId>|live`.
 */
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { PlanTerms } from '../model';
import type { PlanDimensions } from '../ports';
import { keyPart } from './usage-table';

const included = z.union([z.number().int().min(0), z.literal('unlimited')]);
const dimension = z.object({
  id: z.string().min(1),
  displayName: z.string().optional(),
  unitOfMeasure: z.string().optional(),
  enabled: z.boolean(),
  pricePerUnitUSD: z.number().min(0).optional(),
  includedQuantityMonthly: included.optional(),
  includedQuantityAnnual: included.optional(),
});
const entitySchema = z.object({
  planId: z.string(),
  planName: z.string().optional(),
  offerName: z.string().optional(),
  dimensions: z.string().transform((text) => z.array(dimension).parse(JSON.parse(text))),
});

function keys(publisherId: string, offerId: string, planId: string, offerVersion?: number) {
  return {
    partitionKey: `${keyPart(publisherId)}|${keyPart(offerId)}`,
    rowKey: `${keyPart(planId)}|${offerVersion === undefined ? 'live' : `v${offerVersion}`}`,
  };
}

export class TablePlanDimensions implements PlanDimensions {
  readonly #table: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async terms(publisherId: string, offerId: string, planId: string, offerVersion?: number): Promise<PlanTerms | undefined> {
    const table = await this.#table();
    const k = keys(publisherId, offerId, planId, offerVersion);
    let entity: unknown;
    try {
      entity = await table.getEntity(k.partitionKey, k.rowKey);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const e = entitySchema.parse(entity);
    return {
      planId: e.planId,
      ...(e.planName ? { planName: e.planName } : {}),
      ...(e.offerName ? { offerName: e.offerName } : {}),
      dimensions: e.dimensions.map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as typeof d),
    };
  }

  async put(publisherId: string, offerId: string, terms: PlanTerms, offerVersion?: number): Promise<void> {
    const table = await this.#table();
    await table.upsertEntity(
      {
        ...keys(publisherId, offerId, terms.planId, offerVersion),
        planId: terms.planId,
        ...(terms.planName ? { planName: terms.planName } : {}),
        ...(terms.offerName ? { offerName: terms.offerName } : {}),
        dimensions: JSON.stringify(terms.dimensions),
      },
      'Replace',
    );
  }
}
