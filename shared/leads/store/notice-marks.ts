/**
 * The new-lead and unhealthy notices' rows (decisions 0534, 0535) in the due index's table `LeadsDue`, beside the
 * digest's `digest` partition: partition `newleads`, RowKey `<publisher>|<offer>` (URI-escaped), the last lead a
 * new-lead notice named; partition `unhealthy`, same RowKey, the start of the offer's current unhealthy window,
 * inserted or replaced If-Match so concurrent failures open one window. The offers are the due index's markers.
 */
import type { TableClient } from '@azure/data-tables';
import { insertOrReplaceIfMatch } from '../../storage/conditional-write';
import type { NoticeMarks } from '../ports';
import { offerRow } from './dead-letter-notices';
import { offersWithLeads } from './due-index';

export const NEW_LEADS_PARTITION = 'newleads';
export const UNHEALTHY_PARTITION = 'unhealthy';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class TableNoticeMarks implements NoticeMarks {
  readonly #table: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async offers(): Promise<{ publisherId: string; offerId: string }[]> {
    return offersWithLeads(await this.#table());
  }

  async #get(partition: string, publisherId: string, offerId: string): Promise<{ value: string; etag: string } | undefined> {
    try {
      const row = await (await this.#table()).getEntity<{ value: string }>(partition, offerRow(publisherId, offerId));
      return { value: row.value, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async lastNotified(publisherId: string, offerId: string): Promise<string | undefined> {
    return (await this.#get(NEW_LEADS_PARTITION, publisherId, offerId))?.value;
  }

  async setLastNotified(publisherId: string, offerId: string, leadId: string): Promise<void> {
    await (await this.#table()).upsertEntity({ partitionKey: NEW_LEADS_PARTITION, rowKey: offerRow(publisherId, offerId), value: leadId }, 'Replace');
  }

  async unhealthySince(publisherId: string, offerId: string): Promise<{ at: string; etag: string } | undefined> {
    const row = await this.#get(UNHEALTHY_PARTITION, publisherId, offerId);
    return row && { at: row.value, etag: row.etag };
  }

  async openUnhealthy(publisherId: string, offerId: string, at: string, etag?: string): Promise<boolean> {
    const entity = { partitionKey: UNHEALTHY_PARTITION, rowKey: offerRow(publisherId, offerId), value: at };
    return insertOrReplaceIfMatch(await this.#table(), entity, etag);
  }
}
