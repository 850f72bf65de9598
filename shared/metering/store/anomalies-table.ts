/**
 * Flagged anomalies in the `MeteringAnomalies` table: PartitionKey = publisher, RowKey = the anomaly id (a
 * deterministic GUID of resource, meter and day, so re-running detection never flags twice: insert-only).
 * Decisions replace the row with If-Match on the ETag that was read, so two concurrent decisions cannot both win.
 */
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { Anomaly } from '../rules/anomaly';
import type { AnomalyStore } from '../ports';

const entitySchema = z.object({
  anomalyId: z.string(),
  publisherId: z.string(),
  offerId: z.string(),
  offerName: z.string().optional(),
  planId: z.string(),
  resourceKey: z.string(),
  customerName: z.string().optional(),
  meterId: z.string(),
  usageDate: z.string(),
  reportedUsage: z.number(),
  expectedUsage: z.number(),
  pricePerUnitUSD: z.number(),
  flaggedAt: z.string(),
  decision: z.enum(['MarkedAsAnomaly', 'NotAnAnomaly']).optional(),
  newReportedUsage: z.number().optional(),
  reason: z.string().optional(),
  actionTakenAt: z.string().optional(),
  actionTakenBy: z.string().optional(),
  etag: z.string().optional(),
});

function fromEntity(entity: unknown): { anomaly: Anomaly; etag: string } {
  const { etag, ...rest } = entitySchema.parse(entity);
  const anomaly = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as unknown as Anomaly;
  return { anomaly, etag: etag ?? '*' };
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** Publisher ids are lower-case letters, digits, `-` and `_`: this partition cannot collide with one. */
const RUNS_PARTITION = '~runs';

export class TableAnomalyStore implements AnomalyStore {
  readonly #table: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async create(anomaly: Anomaly): Promise<boolean> {
    const table = await this.#table();
    try {
      await table.createEntity({ partitionKey: anomaly.publisherId, rowKey: anomaly.anomalyId, ...anomaly });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async get(publisherId: string, anomalyId: string): Promise<{ anomaly: Anomaly; etag: string } | undefined> {
    const table = await this.#table();
    try {
      return fromEntity(await table.getEntity(publisherId, anomalyId));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list(publisherId: string): Promise<Anomaly[]> {
    const table = await this.#table();
    const out: Anomaly[] = [];
    const filter = `PartitionKey eq '${publisherId.replace(/'/g, "''")}'`;
    for await (const entity of table.listEntities({ queryOptions: { filter } })) out.push(fromEntity(entity).anomaly);
    return out;
  }

  async lastJudgedDay(): Promise<string | undefined> {
    const table = await this.#table();
    try {
      const entity = await table.getEntity<{ day?: unknown }>(RUNS_PARTITION, 'watermark');
      return typeof entity.day === 'string' ? entity.day : undefined;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async setLastJudgedDay(day: string): Promise<void> {
    const table = await this.#table();
    await table.upsertEntity({ partitionKey: RUNS_PARTITION, rowKey: 'watermark', day }, 'Replace');
  }

  async replace(anomaly: Anomaly, etag: string): Promise<boolean> {
    const table = await this.#table();
    try {
      await table.updateEntity({ partitionKey: anomaly.publisherId, rowKey: anomaly.anomalyId, ...anomaly }, 'Replace', { etag });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }
}
