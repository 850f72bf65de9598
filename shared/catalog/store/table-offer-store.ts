/**
 * The catalog's Table + Blob adapter. One table partition per publisher holds, side by side:
 * - `offer|{offerId}`: the offer row (draft pointer, draft ETag, live version, what frozen versions contain);
 * - `version|{offerId}|{NNNNNNNNNN}`: one insert-only row per frozen version;
 * - `artifact|{offerId}|{internalId}|{sha256}`: one insert-only row per uploaded artifact.
 * Keeping them in one partition lets a freeze (row update + version insert) and an artifact delete (row delete +
 * conditional offer touch) commit as single entity-group transactions. Definitions are immutable JSON blobs, one
 * per revision, under `{publisherId}/{offerId}/{internalId}/revisions/`.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import type { ArtifactRecord, OfferDocument, OfferRecord, Stored, VersionRecord } from '../model/offer';
import type { OfferTypeId } from '../model/offer-types';
import type { OfferAddress, OfferKey, OfferStore } from '../ports';

type OfferEntity = {
  partitionKey: string;
  rowKey: string;
  offerId: string;
  offerTypeId: string;
  alias: string;
  internalId: string;
  draftVersion: number;
  draftRevision: string;
  draftETag: string;
  liveVersion: number;
  previewVersion?: number;
  previewWithdrawn?: number;
  frozenPlanIds: string;
  draftArtifacts: string;
  frozenArtifacts: string;
  createdTime: string;
  changedTime: string;
  frozenTime?: string;
  touchedBy?: string;
};

type VersionEntity = {
  partitionKey: string;
  rowKey: string;
  offerId: string;
  version: number;
  revision: string;
  frozenTime: string;
  frozenBy: string;
};

type ArtifactEntity = {
  partitionKey: string;
  rowKey: string;
  offerId: string;
  artifactId: string;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  planId?: string;
  blobName: string;
  createdTime: string;
  uploadedBy: string;
};

const offerRow = (offerId: string) => `offer|${offerId}`;
const versionRow = (offerId: string, version: number) => `version|${offerId}|${String(version).padStart(10, '0')}`;
const artifactPrefix = (o: OfferKey) => `artifact|${o.offerId}|${o.internalId}|`;
export const blobPrefix = (o: OfferKey) => `${o.publisherId}/${o.offerId}/${o.internalId}/`;

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

const parseList = (text: string | undefined): string[] => (text ? (JSON.parse(text) as string[]) : []);

function toEntity(r: OfferRecord): OfferEntity {
  return {
    partitionKey: r.publisherId,
    rowKey: offerRow(r.offerId),
    offerId: r.offerId,
    offerTypeId: r.offerTypeId,
    alias: r.alias,
    internalId: r.internalId,
    draftVersion: r.draftVersion,
    draftRevision: r.draftRevision,
    draftETag: r.draftETag,
    liveVersion: r.liveVersion,
    ...(r.previewVersion ? { previewVersion: r.previewVersion } : {}),
    ...(r.previewWithdrawn ? { previewWithdrawn: r.previewWithdrawn } : {}),
    frozenPlanIds: JSON.stringify(r.frozenPlanIds),
    draftArtifacts: JSON.stringify(r.draftArtifacts),
    frozenArtifacts: JSON.stringify(r.frozenArtifacts),
    createdTime: r.createdTime,
    changedTime: r.changedTime,
    ...(r.frozenTime ? { frozenTime: r.frozenTime } : {}),
  };
}

function fromEntity(e: OfferEntity): OfferRecord {
  return {
    publisherId: e.partitionKey,
    offerId: e.offerId,
    offerTypeId: e.offerTypeId as OfferTypeId,
    alias: e.alias,
    internalId: e.internalId,
    draftVersion: Number(e.draftVersion),
    draftRevision: e.draftRevision,
    draftETag: e.draftETag,
    liveVersion: Number(e.liveVersion),
    ...(e.previewVersion ? { previewVersion: Number(e.previewVersion) } : {}),
    ...(e.previewWithdrawn ? { previewWithdrawn: Number(e.previewWithdrawn) } : {}),
    frozenPlanIds: parseList(e.frozenPlanIds),
    draftArtifacts: parseList(e.draftArtifacts),
    frozenArtifacts: parseList(e.frozenArtifacts),
    createdTime: e.createdTime,
    changedTime: e.changedTime,
    ...(e.frozenTime ? { frozenTime: e.frozenTime } : {}),
  };
}

function artifactFromEntity(publisherId: string, e: ArtifactEntity): ArtifactRecord {
  return {
    publisherId,
    offerId: e.offerId,
    id: e.artifactId,
    kind: e.kind,
    fileName: e.fileName,
    contentType: e.contentType,
    size: Number(e.size),
    sha256: e.sha256,
    ...(e.planId ? { planId: e.planId } : {}),
    blobName: e.blobName,
    createdTime: e.createdTime,
    uploadedBy: e.uploadedBy,
  };
}

function rangeFilter(partition: string, prefix: string): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  // '|' + 1 = '}': every key that starts with the prefix sorts below the prefix with its last '|' replaced.
  const upper = `${prefix.slice(0, -1)}}`;
  return `PartitionKey eq ${q(partition)} and RowKey ge ${q(prefix)} and RowKey lt ${q(upper)}`;
}

export class TableOfferStore implements OfferStore {
  readonly #table: () => Promise<TableClient>;
  readonly #container: () => Promise<ContainerClient>;

  constructor(table: () => Promise<TableClient>, container: () => Promise<ContainerClient>) {
    this.#table = table;
    this.#container = container;
  }

  async get(publisherId: string, offerId: string): Promise<Stored<OfferRecord> | undefined> {
    const table = await this.#table();
    try {
      const entity = await table.getEntity<OfferEntity>(publisherId, offerRow(offerId));
      return { value: fromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list(publisherId: string): Promise<OfferRecord[]> {
    const table = await this.#table();
    const out: OfferRecord[] = [];
    const entities = table.listEntities<OfferEntity>({ queryOptions: { filter: rangeFilter(publisherId, 'offer|') } });
    for await (const entity of entities) out.push(fromEntity(entity));
    return out;
  }

  async listLive(pageSize: number, after?: OfferAddress): Promise<{ items: OfferRecord[]; next?: OfferAddress }> {
    const table = await this.#table();
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    // Across partitions (publishers): rows come back in (PartitionKey, RowKey) order, so a page resumes after the
    // last (publisher, offer) of the one before.
    const resume = after
      ? ` and (PartitionKey gt ${q(after.publisherId)} or (PartitionKey eq ${q(after.publisherId)} and RowKey gt ${q(offerRow(after.offerId))}))`
      : '';
    const filter = `RowKey ge 'offer|' and RowKey lt 'offer}' and liveVersion gt 0${resume}`;
    const items: OfferRecord[] = [];
    for await (const page of table.listEntities<OfferEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: pageSize + 1 })) {
      for (const entity of page) if (items.length <= pageSize) items.push(fromEntity(entity));
      if (items.length > pageSize) break;
    }
    if (items.length <= pageSize) return { items };
    items.length = pageSize;
    const last = items[pageSize - 1] as OfferRecord;
    return { items, next: { publisherId: last.publisherId, offerId: last.offerId } };
  }

  async create(record: OfferRecord): Promise<Stored<OfferRecord> | 'exists'> {
    const table = await this.#table();
    try {
      const result = await table.createEntity(toEntity(record));
      return { value: record, etag: result.etag ?? '' };
    } catch (error) {
      if (statusOf(error) === 409) return 'exists';
      throw error;
    }
  }

  async update(record: OfferRecord, etag: string): Promise<Stored<OfferRecord> | 'conflict'> {
    const table = await this.#table();
    try {
      const result = await table.updateEntity(toEntity(record), 'Replace', { etag });
      return { value: record, etag: result.etag ?? '' };
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return 'conflict';
      throw error;
    }
  }

  async freeze(record: OfferRecord, etag: string, version: VersionRecord): Promise<Stored<OfferRecord> | 'conflict'> {
    const table = await this.#table();
    const versionEntity: VersionEntity = {
      partitionKey: version.publisherId,
      rowKey: versionRow(version.offerId, version.version),
      offerId: version.offerId,
      version: version.version,
      revision: version.revision,
      frozenTime: version.frozenTime,
      frozenBy: version.frozenBy,
    };
    const actions: TransactionAction[] = [
      ['update', toEntity(record), 'Replace', { etag }],
      ['create', versionEntity],
    ];
    try {
      const result = await table.submitTransaction(actions);
      const rowEtag = result.getResponseForEntity(offerRow(record.offerId))?.etag;
      if (rowEtag) return { value: record, etag: rowEtag };
      // Some emulators omit sub-response ETags: read the row back (it is ours until the next write).
      const stored = await this.get(record.publisherId, record.offerId);
      return stored ?? 'conflict';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }

  async delete(record: OfferRecord, etag: string): Promise<'deleted' | 'conflict'> {
    const table = await this.#table();
    try {
      await table.deleteEntity(record.publisherId, offerRow(record.offerId), { etag });
      return 'deleted';
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return 'conflict';
      throw error;
    }
  }

  async getVersion(publisherId: string, offerId: string, version: number): Promise<VersionRecord | undefined> {
    const table = await this.#table();
    try {
      const e = await table.getEntity<VersionEntity>(publisherId, versionRow(offerId, version));
      return { publisherId, offerId, version: Number(e.version), revision: e.revision, frozenTime: e.frozenTime, frozenBy: e.frozenBy };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async writeDocument(offer: OfferKey, document: OfferDocument): Promise<string> {
    const container = await this.#container();
    const revision = randomUUID();
    const body = JSON.stringify(document);
    // Insert-only: a revision is written once and never replaced.
    await container.getBlockBlobClient(`${blobPrefix(offer)}revisions/${revision}.json`).upload(body, Buffer.byteLength(body), {
      conditions: { ifNoneMatch: '*' },
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return revision;
  }

  async readDocument(offer: OfferKey, revision: string): Promise<OfferDocument | undefined> {
    const container = await this.#container();
    try {
      const buffer = await container.getBlockBlobClient(`${blobPrefix(offer)}revisions/${revision}.json`).downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as OfferDocument;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async discardDocument(offer: OfferKey, revision: string): Promise<void> {
    const container = await this.#container();
    await container.deleteBlob(`${blobPrefix(offer)}revisions/${revision}.json`).catch(() => undefined);
  }

  async getArtifact(offer: OfferKey, artifactId: string): Promise<ArtifactRecord | undefined> {
    const table = await this.#table();
    try {
      const e = await table.getEntity<ArtifactEntity>(offer.publisherId, `${artifactPrefix(offer)}${artifactId}`);
      return artifactFromEntity(offer.publisherId, e);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async listArtifacts(offer: OfferKey): Promise<ArtifactRecord[]> {
    const table = await this.#table();
    const out: ArtifactRecord[] = [];
    const entities = table.listEntities<ArtifactEntity>({
      queryOptions: { filter: rangeFilter(offer.publisherId, artifactPrefix(offer)) },
    });
    for await (const e of entities) out.push(artifactFromEntity(offer.publisherId, e));
    return out;
  }

  async insertArtifact(offer: OfferKey, a: ArtifactRecord): Promise<ArtifactRecord | 'exists'> {
    const table = await this.#table();
    const entity: ArtifactEntity = {
      partitionKey: offer.publisherId,
      rowKey: `${artifactPrefix(offer)}${a.id}`,
      offerId: offer.offerId,
      artifactId: a.id,
      kind: a.kind,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      ...(a.planId ? { planId: a.planId } : {}),
      blobName: a.blobName,
      createdTime: a.createdTime,
      uploadedBy: a.uploadedBy,
    };
    try {
      await table.createEntity(entity);
      return a;
    } catch (error) {
      if (statusOf(error) === 409) return 'exists';
      throw error;
    }
  }

  async deleteArtifact(offer: OfferRecord, offerEtag: string, artifact: ArtifactRecord): Promise<'deleted' | 'conflict'> {
    const table = await this.#table();
    const touch: Partial<OfferEntity> & { partitionKey: string; rowKey: string } = {
      partitionKey: offer.publisherId,
      rowKey: offerRow(offer.offerId),
      touchedBy: randomUUID(),
    };
    const actions: TransactionAction[] = [
      ['delete', { partitionKey: offer.publisherId, rowKey: `${artifactPrefix(offer)}${artifact.id}` }],
      ['update', touch, 'Merge', { etag: offerEtag }],
    ];
    try {
      await table.submitTransaction(actions);
      return 'deleted';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }

  async purge(offer: OfferKey): Promise<void> {
    const table = await this.#table();
    for (const a of await this.listArtifacts(offer)) {
      await table.deleteEntity(offer.publisherId, `${artifactPrefix(offer)}${a.id}`).catch(() => undefined);
    }
    const container = await this.#container();
    for await (const blob of container.listBlobsFlat({ prefix: blobPrefix(offer) })) {
      await container.deleteBlob(blob.name).catch(() => undefined);
    }
  }
}
