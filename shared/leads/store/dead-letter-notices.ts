/**
 * Dead-letter notices in the due index's table `LeadsDue` (decision 0528): partition `deadletter`, RowKey
 * `<publisher>|<offer>|<leadId>` (URI-escaped) with the reason, upserted before the row that dead-letters the lead is
 * written; partition `digest`, RowKey `<publisher>|<offer>`, the time of the offer's last digest.
 */
import type { TableClient } from '@azure/data-tables';
import type { Delivery } from '../model';
import type { DeadLetterNoticeEntry, DeadLetterNotices } from '../ports';

export const NOTICE_PARTITION = 'deadletter';
export const DIGEST_PARTITION = 'digest';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const esc = encodeURIComponent;
/** An offer's RowKey in the `LeadsDue` partitions keyed by offer (URI-escaped ids). */
export const offerRow = (publisherId: string, offerId: string) => `${esc(publisherId)}|${esc(offerId)}`;

export class TableDeadLetterNotices implements DeadLetterNotices {
  readonly #table: () => Promise<TableClient>;

  readonly #realNow: () => number;

  constructor(table: () => Promise<TableClient>, realNow: () => number = Date.now) {
    this.#table = table;
    this.#realNow = realNow;
  }

  async note(delivery: Delivery): Promise<void> {
    const { publisherId, offerId, leadId } = delivery;
    const entity = { partitionKey: NOTICE_PARTITION, rowKey: `${offerRow(publisherId, offerId)}|${leadId}`, publisherId, offerId, leadId, reason: delivery.reason ?? '', writtenAt: this.#realNow() };
    await (await this.#table()).upsertEntity(entity, 'Replace');
  }

  async list(limit: number): Promise<DeadLetterNoticeEntry[]> {
    const out: DeadLetterNoticeEntry[] = [];
    for await (const e of (await this.#table()).listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${NOTICE_PARTITION}'` } })) {
      out.push({ publisherId: String(e['publisherId']), offerId: String(e['offerId']), leadId: String(e['leadId']), reason: typeof e['reason'] === 'string' ? e['reason'] : '', writtenAt: Number(e['writtenAt'] ?? 0) });
      if (out.length >= limit) break;
    }
    return out;
  }

  async forget(entries: DeadLetterNoticeEntry[]): Promise<void> {
    const table = await this.#table();
    for (const e of entries) {
      try {
        await table.deleteEntity(NOTICE_PARTITION, `${offerRow(e.publisherId, e.offerId)}|${e.leadId}`);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
  }

  async lastDigest(publisherId: string, offerId: string): Promise<string | undefined> {
    try {
      const row = await (await this.#table()).getEntity<{ at: string }>(DIGEST_PARTITION, offerRow(publisherId, offerId));
      return row.at;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async setLastDigest(publisherId: string, offerId: string, at: string): Promise<void> {
    await (await this.#table()).upsertEntity({ partitionKey: DIGEST_PARTITION, rowKey: offerRow(publisherId, offerId), at }, 'Replace');
  }
}
