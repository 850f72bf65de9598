/**
 * Replay batches in Azure Table storage (decision 0526): the batch row `rpl|{batchId}` in the offer's partition of the
 * leads table (beside its leads; the lead list's range `dlv|`..`dlv}` never reads it), and a pointer in partition
 * `replay` of the due index's table, RowKey `<publisher>|<offer>|<batchId>` (URI-escaped), which the sweeper lists.
 * The pointer is written before the row and deleted after the row is stored `done`: an open batch always has one; a
 * crash in between leaves a pointer whose row is done (the service forgets it when it finds the row done) or missing
 * (`open` deletes such a pointer once it is older than a grace in real time: its writer may still be creating the row).
 */
import type { TableClient } from '@azure/data-tables';
import { offerKey, type ReplayBatch } from '../model';
import type { ReplayBatchRef, ReplayBatches } from '../ports';

export const REPLAY_PARTITION = 'replay';
/** Real time after which a pointer without its row is deleted (its writer creates the row right after the pointer). */
export const POINTER_GRACE_MS = 30_000;

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const esc = encodeURIComponent;
const rowOf = (batchId: string) => `rpl|${batchId}`;
const pointerOf = (ref: ReplayBatchRef) => `${esc(ref.publisherId)}|${esc(ref.offerId)}|${ref.batchId}`;

export class TableReplayBatches implements ReplayBatches {
  readonly #leads: () => Promise<TableClient>;
  readonly #due: () => Promise<TableClient>;

  readonly #realNow: () => number;

  constructor(leads: () => Promise<TableClient>, due: () => Promise<TableClient>, realNow: () => number = Date.now) {
    this.#leads = leads;
    this.#due = due;
    this.#realNow = realNow;
  }

  async create(batch: ReplayBatch): Promise<'created' | 'exists'> {
    const ref = { publisherId: batch.publisherId, offerId: batch.offerId, batchId: batch.batchId };
    await (await this.#due()).upsertEntity({ partitionKey: REPLAY_PARTITION, rowKey: pointerOf(ref), ...ref, writtenAt: this.#realNow() }, 'Replace');
    try {
      await (await this.#leads()).createEntity({ partitionKey: offerKey(batch.publisherId, batch.offerId), rowKey: rowOf(batch.batchId), batch: JSON.stringify(batch) });
      return 'created';
    } catch (error) {
      if (statusOf(error) === 409) return 'exists';
      throw error;
    }
  }

  async get(ref: ReplayBatchRef): Promise<{ batch: ReplayBatch; etag: string } | undefined> {
    try {
      const row = await (await this.#leads()).getEntity<{ batch: string }>(offerKey(ref.publisherId, ref.offerId), rowOf(ref.batchId));
      return { batch: JSON.parse(row.batch) as ReplayBatch, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async replace(batch: ReplayBatch, etag: string): Promise<boolean> {
    try {
      const entity = { partitionKey: offerKey(batch.publisherId, batch.offerId), rowKey: rowOf(batch.batchId), batch: JSON.stringify(batch) };
      await (await this.#leads()).updateEntity(entity, 'Replace', { etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
    if (batch.state === 'done') await this.forget(batch);
    return true;
  }

  /** Deletes a batch's pointer (it is done, or its row is gone). */
  async forget(ref: ReplayBatchRef): Promise<void> {
    try {
      await (await this.#due()).deleteEntity(REPLAY_PARTITION, pointerOf(ref));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async open(limit: number): Promise<ReplayBatchRef[]> {
    const out: ReplayBatchRef[] = [];
    const rows = (await this.#due()).listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${REPLAY_PARTITION}'` } });
    for await (const e of rows) {
      const ref = { publisherId: String(e['publisherId']), offerId: String(e['offerId']), batchId: String(e['batchId']) };
      if (this.#realNow() - Number(e['writtenAt'] ?? 0) >= POINTER_GRACE_MS && !(await this.get(ref))) {
        await this.forget(ref); // its request died between the pointer and the row
        continue;
      }
      out.push(ref);
      if (out.length >= limit) break;
    }
    return out;
  }
}
