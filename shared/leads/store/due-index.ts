/**
 * Where the sweeper finds deliveries that need it (decision 0531, replacing 0521's cross-offer table and 0525's
 * deletes). The entry lives in the lead's own partition, written by the lead store in the same transaction as the
 * row it points at (store/leads-table.ts `entryOf`: `due|<dueAt>|<leadId>` while pending, `held|<leadId>` while held),
 * so entry and row never disagree and recording an outcome moves or removes the entry at no extra request.
 *
 * What this index adds is the list of offers to look in: table `LeadsDue`, partition `offers`, one row per offer that
 * ever had a lead, written before that offer's first capture in each process (then remembered: markers are never
 * deleted, so "written once" stays true). A run reads the markers and then, per offer, one RowKey range of overdue
 * entries (`due|` … `due|<before>|~`) or of held ones; it never scans leads, which are kept for ever.
 */
import type { TableClient } from '@azure/data-tables';
import { offerKey, type Delivery } from '../model';
import type { DeadLetterNotices, DeliveryIndex, IndexedDelivery, LeadStore } from '../ports';

export const OFFERS_PARTITION = 'offers';
/** Offers whose entries are read at once. */
const READ_CONCURRENCY = 8;

interface Located extends IndexedDelivery {
  partitionKey: string;
  rowKey: string;
  etag: string;
}

interface OfferRef {
  publisherId: string;
  offerId: string;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
/** OData string literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Every offer that ever had a lead: the markers (also the offers the new-lead notices visit, store/notice-marks.ts). */
export async function offersWithLeads(markers: TableClient): Promise<OfferRef[]> {
  const out: OfferRef[] = [];
  for await (const e of markers.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${OFFERS_PARTITION}'` } })) {
    out.push({ publisherId: String(e['publisherId']), offerId: String(e['offerId']) });
  }
  return out;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T);
      }
    }),
  );
  return out;
}

export class TableDeliveryIndex implements DeliveryIndex {
  readonly #leads: () => Promise<TableClient>;
  readonly #markers: () => Promise<TableClient>;
  /** Offers whose marker this process has stored (markers are never deleted). */
  readonly #known = new Set<string>();
  /** Marker writes in flight, shared by the captures that wait for them. */
  readonly #writing = new Map<string, Promise<void>>();
  /** Marker writes made (tests: once per offer, not once per lead). */
  markerWrites = 0;

  constructor(leads: () => Promise<TableClient>, markers: () => Promise<TableClient>) {
    this.#leads = leads;
    this.#markers = markers;
  }

  /** Resolves once the delivery's offer is listed for the sweeper; a failed marker write rejects (nothing is captured). */
  note(delivery: Delivery): Promise<void> {
    const key = offerKey(delivery.publisherId, delivery.offerId);
    if (this.#known.has(key)) return Promise.resolve();
    const inFlight = this.#writing.get(key);
    if (inFlight) return inFlight;
    const written = (async () => {
      try {
        this.markerWrites += 1;
        const marker = { partitionKey: OFFERS_PARTITION, rowKey: key, publisherId: delivery.publisherId, offerId: delivery.offerId };
        await (await this.#markers()).upsertEntity(marker, 'Replace');
        this.#known.add(key);
      } finally {
        this.#writing.delete(key);
      }
    })();
    this.#writing.set(key, written);
    return written;
  }

  /** Nothing to do: the lead store moved the entry in the replace's own transaction. */
  async retire(_previous: Delivery, _next: Delivery): Promise<void> {}

  async due(before: Date, limit: number): Promise<IndexedDelivery[]> {
    const upper = literal(`due|${before.toISOString()}|~`);
    const lists = await pooled(await this.#offers(), READ_CONCURRENCY, (offer) =>
      this.#list(offer, `RowKey ge 'due|' and RowKey le ${upper}`, limit),
    );
    return lists
      .flat()
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }

  async held(limit: number): Promise<IndexedDelivery[]> {
    const out: Located[] = [];
    for (const offer of await this.#offers()) {
      if (out.length >= limit) break;
      out.push(...(await this.#list(offer, `RowKey ge 'held|' and RowKey lt 'held}'`, limit - out.length)));
    }
    return out;
  }

  /** Deletes an entry its row no longer matches, If-Match: one rewritten since it was read stays. */
  async drop(entry: IndexedDelivery): Promise<void> {
    const located = entry as Partial<Located>;
    if (located.partitionKey === undefined || located.rowKey === undefined) return;
    try {
      await (await this.#leads()).deleteEntity(located.partitionKey, located.rowKey, { etag: located.etag ?? '*' });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }

  async #offers(): Promise<OfferRef[]> {
    return offersWithLeads(await this.#markers());
  }

  async #list(offer: OfferRef, range: string, limit: number): Promise<Located[]> {
    const table = await this.#leads();
    const filter = `PartitionKey eq ${literal(offerKey(offer.publisherId, offer.offerId))} and ${range}`;
    const out: Located[] = [];
    for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (out.length >= limit) break;
      out.push({
        partitionKey: e.partitionKey ?? '',
        rowKey: e.rowKey ?? '',
        etag: e.etag,
        publisherId: String(e['publisherId']),
        offerId: String(e['offerId']),
        leadId: String(e['leadId']),
        dueAt: typeof e['dueAt'] === 'string' ? e['dueAt'] : '',
      });
    }
    return out;
  }
}

/**
 * The lead store with its deliveries findable by the sweeper: a capture first makes sure its offer is listed, then
 * writes the lead with its entry; a replace records the dead-letter notice a digest needs (decision 0528) before
 * the row, then moves the entry with the row (the store's transaction).
 */
export function withDeliveryIndex(store: LeadStore, index: DeliveryIndex, notices?: DeadLetterNotices): LeadStore {
  return {
    capture: async (lead, delivery, keys) => {
      await index.note(delivery);
      return store.capture(lead, delivery, keys);
    },
    getLead: (publisherId, offerId, leadId) => store.getLead(publisherId, offerId, leadId),
    getDelivery: (publisherId, offerId, leadId) => store.getDelivery(publisherId, offerId, leadId),
    replaceDelivery: async (delivery, etag, previous) => {
      await index.note(delivery);
      // The digest's notice (decision 0528), before the row: a dead-lettered lead always has one until it is reported.
      if (notices && delivery.state === 'dead_lettered' && previous?.state !== 'dead_lettered') await notices.note(delivery);
      const stored = await store.replaceDelivery(delivery, etag, previous);
      // Recorded: whatever the index keeps apart from the row goes (the in-memory index of the tests; nothing here).
      if (stored && previous) await index.retire(previous, delivery);
      return stored;
    },
    list: (publisherId, offerId, options) => store.list(publisherId, offerId, options),
  };
}
