/**
 * Leads in Azure Table storage (specs/leads.md 2.5 (1), 2.7; decision 0500). One partition per offer
 * (`publisherId.offerId`), four kinds of row written in ONE entity-group transaction:
 * - `dlv|{inverted leadId}`: the delivery (state, attempts) and the lead (its `lead` column, written once and never
 *   changed: a replace merges only the delivery columns), so an offer's leads list newest first from one range query
 *   (ULIDs sort by time; the inverted id sorts the other way). Leads captured before decision 0532 also have a
 *   `lead|{leadId}` row with the same lead; nothing reads it;
 * - `idem|{sha256(Idempotency-Key)}`: the first lead of a key and the body hash a replay must match, kept 24 h;
 * - `nat|{sha256(natural key)}`: the lead a keyless duplicate answers, kept 10 minutes;
 * - the delivery's due entry (decision 0531): `due|{dueAt ISO}|{leadId}` while it is pending, `held|{leadId}` while
 *   held, none once delivered or dead-lettered. Every delivery replace moves it in the same transaction, so the entry
 *   and the row never disagree; the sweeper (store/due-index.ts) reads overdue ones as one RowKey range per offer.
 * Dedupe rows are insert-only: a concurrent second capture loses the insert (409) and answers the winner's lead; it
 * never reads before it writes. An expired dedupe row is replaced with If-Match on the ETag it was read with.
 * Captures and delivery replaces of one offer that meet go to storage together (group commit, decision 0530): each
 * still gets the verdict of its own transaction.
 */
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { offerKey, type Delivery, type DeliveryState, type Lead } from '../model';
import type { CaptureKeys, CaptureResult, LeadStore, StoredDelivery } from '../ports';
import { PartitionBatcher } from '../../storage/partition-batcher';
import { stillValid } from '../rules/dedupe';
import { dueAt } from '../rules/delivery';
import { invertId } from '../rules/lead-source';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export const ROW = {
  delivery: (leadId: string) => `dlv|${invertId(leadId)}`,
  idempotency: (hash: string) => `idem|${hash}`,
  natural: (hash: string) => `nat|${hash}`,
  due: (at: string, leadId: string) => `due|${at}|${leadId}`,
  held: (leadId: string) => `held|${leadId}`,
} as const;

/** The due entry a delivery needs in its offer's partition (decision 0531), or undefined once it needs none. */
export function entryOf(delivery: Delivery): ({ partitionKey: string; rowKey: string } & Record<string, string>) | undefined {
  const partitionKey = offerKey(delivery.publisherId, delivery.offerId);
  const who = { publisherId: delivery.publisherId, offerId: delivery.offerId, leadId: delivery.leadId };
  if (delivery.state === 'held') return { partitionKey, rowKey: ROW.held(delivery.leadId), ...who, dueAt: '' };
  if (delivery.state !== 'pending') return undefined;
  const at = dueAt(delivery);
  return { partitionKey, rowKey: ROW.due(at, delivery.leadId), ...who, dueAt: at };
}

/** How many times a capture retries after losing to an expired row's replacement. */
const CAPTURE_ROUNDS = 5;

type Row = TableEntityResult<Record<string, unknown>>;

interface DedupeRow {
  leadId: string;
  expiresAt: string;
  bodyHash?: string;
  etag: string;
}

function deliveryColumns(delivery: Delivery): Record<string, unknown> {
  return { state: delivery.state, generation: delivery.generation, delivery: JSON.stringify(delivery) };
}

function encodeContinuation(rowKey: string): string {
  return Buffer.from(rowKey, 'utf8').toString('base64url');
}

/** The row key a page ended at; a token that is not one of ours just bounds the range (the partition stays fixed). */
function decodeContinuation(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** OData string literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class TableLeadStore implements LeadStore {
  readonly #table: () => Promise<TableClient>;
  readonly #nowMs: () => number;
  /** Group commit per offer partition (decision 0530). */
  readonly batcher: PartitionBatcher;

  constructor(table: () => Promise<TableClient>, nowMs: () => number) {
    this.#table = table;
    this.#nowMs = nowMs;
    this.batcher = new PartitionBatcher(table);
  }

  async capture(lead: Lead, delivery: Delivery, keys: CaptureKeys): Promise<CaptureResult> {
    const table = await this.#table();
    const pk = offerKey(lead.publisherId, lead.offerId);
    const deliveryRow = {
      partitionKey: pk,
      rowKey: ROW.delivery(lead.leadId),
      leadId: lead.leadId,
      createdAt: lead.createdAt,
      lead: JSON.stringify(lead),
      ...deliveryColumns(delivery),
    };
    const idem = keys.idempotency;
    const idemRow = idem && {
      partitionKey: pk,
      rowKey: ROW.idempotency(idem.keyHash),
      leadId: lead.leadId,
      bodyHash: idem.bodyHash,
      expiresAt: idem.expiresAt,
    };
    const natRow = { partitionKey: pk, rowKey: ROW.natural(keys.natural.hash), leadId: lead.leadId, expiresAt: keys.natural.expiresAt };
    const entry = entryOf(delivery);
    // ETags of expired dedupe rows this capture replaces (If-Match), learnt after a lost insert.
    let idemEtag: string | undefined;
    let natEtag: string | undefined;
    for (let round = 0; round < CAPTURE_ROUNDS; round += 1) {
      // With an Idempotency-Key the key decides (spec 2.7) and the natural row is only a hint for a later keyless
      // submission: upserted, so concurrent keyed captures of one customer (a burst of purchases) never fight over it.
      const naturalAction: TransactionAction = idemRow
        ? ['upsert', natRow, 'Replace']
        : natEtag
          ? ['update', natRow, 'Replace', { etag: natEtag }]
          : ['create', natRow];
      const actions: TransactionAction[] = [['create', deliveryRow], naturalAction, ...(entry ? [['upsert', entry, 'Replace'] as TransactionAction] : [])];
      if (idemRow) actions.push(idemEtag ? ['update', idemRow, 'Replace', { etag: idemEtag }] : ['create', idemRow]);
      const verdict = await this.batcher.submit(pk, actions);
      if (verdict.kind === 'stored') {
        const etag = verdict.responses.find((r) => r.rowKey === deliveryRow.rowKey)?.etag ?? verdict.responses[0]?.etag;
        return etag ? { kind: 'created', etag } : { kind: 'created' };
      }
      const status = statusOf(verdict.error);
      if (status !== 409 && status !== 412 && status !== 404) throw verdict.error;
      // Lost an insert or a conditional replace: see which row is in the way (never read-then-write: the writes above
      // are the decision; this read only explains the loss).
      const now = this.#nowMs();
      if (idem) {
        const existing = await this.#dedupeRow(table, pk, ROW.idempotency(idem.keyHash));
        if (existing && stillValid(existing.expiresAt, now)) {
          return existing.bodyHash === idem.bodyHash ? { kind: 'replay', leadId: existing.leadId } : { kind: 'key-reuse' };
        }
        idemEtag = existing?.etag;
        continue;
      }
      const natural = await this.#dedupeRow(table, pk, ROW.natural(keys.natural.hash));
      if (natural && stillValid(natural.expiresAt, now)) return { kind: 'duplicate', leadId: natural.leadId };
      // An expired row: replace it.
      natEtag = natural?.etag;
    }
    throw new Error(`Capturing lead ${lead.leadId} lost ${CAPTURE_ROUNDS} times in a row to concurrent captures.`);
  }

  async #dedupeRow(table: TableClient, pk: string, rowKey: string): Promise<DedupeRow | undefined> {
    const row = await this.#get(table, pk, rowKey);
    if (!row) return undefined;
    return {
      leadId: String(row['leadId']),
      expiresAt: String(row['expiresAt']),
      ...(typeof row['bodyHash'] === 'string' ? { bodyHash: row['bodyHash'] } : {}),
      etag: row.etag,
    };
  }

  async #get(table: TableClient, pk: string, rowKey: string, select?: string[]): Promise<Row | undefined> {
    try {
      return await table.getEntity<Record<string, unknown>>(pk, rowKey, select ? { queryOptions: { select } } : {});
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The lead as captured: the delivery row's `lead` column (decision 0532). */
  async getLead(publisherId: string, offerId: string, leadId: string): Promise<Lead | undefined> {
    const row = await this.#get(await this.#table(), offerKey(publisherId, offerId), ROW.delivery(leadId), ['lead']);
    return row ? (JSON.parse(String(row['lead'])) as Lead) : undefined;
  }

  async getDelivery(publisherId: string, offerId: string, leadId: string): Promise<StoredDelivery | undefined> {
    const row = await this.#get(await this.#table(), offerKey(publisherId, offerId), ROW.delivery(leadId));
    return row ? { delivery: JSON.parse(String(row['delivery'])) as Delivery, etag: row.etag } : undefined;
  }

  /**
   * Merge with If-Match: only the delivery columns change; the lead copy stays as captured. The due entry moves in the
   * same transaction: the one `previous` (the row as read with `etag`) needed is deleted, the one `delivery` needs is
   * written. An old entry that is gone already (dropped as stale) fails the transaction with 404: it is sent again
   * without that delete.
   */
  async replaceDelivery(delivery: Delivery, etag: string, previous?: Delivery): Promise<boolean> {
    const entity = {
      partitionKey: offerKey(delivery.publisherId, delivery.offerId),
      rowKey: ROW.delivery(delivery.leadId),
      ...deliveryColumns(delivery),
    };
    const next = entryOf(delivery);
    const old = previous && entryOf(previous);
    const moves: TransactionAction[] = next && next.rowKey !== old?.rowKey ? [['upsert', next, 'Replace']] : [];
    const retire: TransactionAction[] = old && old.rowKey !== next?.rowKey ? [['delete', { partitionKey: old.partitionKey, rowKey: old.rowKey }]] : [];
    const update: TransactionAction = ['update', entity, 'Merge', { etag }];
    let verdict = await this.batcher.submit(entity.partitionKey, [update, ...retire, ...moves]);
    if (verdict.kind === 'failed' && retire.length > 0 && statusOf(verdict.error) === 404) {
      verdict = await this.batcher.submit(entity.partitionKey, [update, ...moves]);
    }
    if (verdict.kind === 'stored') return true;
    const status = statusOf(verdict.error);
    if (status === 412 || status === 404) return false;
    throw verdict.error;
  }

  /** Newest first; `continuation` is the opaque token a previous page returned. */
  async list(
    publisherId: string,
    offerId: string,
    options: { state?: DeliveryState; limit: number; continuation?: string; newerThan?: string },
  ): Promise<{ items: { lead: Lead; delivery: Delivery }[]; continuation?: string }> {
    const table = await this.#table();
    const after = options.continuation === undefined ? undefined : decodeContinuation(options.continuation);
    const filter = [
      `PartitionKey eq ${literal(offerKey(publisherId, offerId))}`,
      `RowKey ge 'dlv|'`,
      ...(after ? [`RowKey gt ${literal(after)}`] : []),
      // Newer leads sort first (inverted ids), so "captured after X" is everything before X's row.
      options.newerThan === undefined ? `RowKey lt 'dlv}'` : `RowKey lt ${literal(ROW.delivery(options.newerThan))}`,
      ...(options.state ? [`state eq ${literal(options.state)}`] : []),
    ].join(' and ');
    const items: { lead: Lead; delivery: Delivery }[] = [];
    let last: string | undefined;
    let more = false;
    // Pages of what is asked for (and one more, to know whether there is a next page), not the service's 1,000 rows.
    const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['RowKey', 'lead', 'delivery'] } }).byPage({
      maxPageSize: Math.min(1000, options.limit + 1),
    });
    read: for await (const page of pages) {
      for (const row of page) {
        if (items.length === options.limit) {
          more = true;
          break read;
        }
        items.push({ lead: JSON.parse(String(row['lead'])) as Lead, delivery: JSON.parse(String(row['delivery'])) as Delivery });
        last = row.rowKey;
      }
    }
    return { items, ...(more && last ? { continuation: encodeContinuation(last) } : {}) };
  }
}
