/** The catalog's Table + Blob adapter against Azurite: insert-only rows, conditional writes, transactions. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ArtifactRecord, OfferDocument, OfferRecord, VersionRecord } from '../../../shared/catalog/model/offer';
import { testCatalog } from '../../fixtures/catalog';

function record(offerId: string, overrides: Partial<OfferRecord> = {}): OfferRecord {
  return {
    publisherId: 'contoso',
    offerId,
    offerTypeId: 'microsoft-saas',
    alias: 'alias',
    internalId: randomUUID(),
    draftVersion: 1,
    draftRevision: 'r1',
    draftETag: 'W/"e1"',
    liveVersion: 0,
    frozenPlanIds: [],
    draftArtifacts: [],
    frozenArtifacts: [],
    createdTime: '2026-01-01T00:00:00.0000000Z',
    changedTime: '2026-01-01T00:00:00.0000000Z',
    ...overrides,
  };
}

const version = (r: OfferRecord, n: number): VersionRecord => ({
  publisherId: r.publisherId,
  offerId: r.offerId,
  version: n,
  revision: r.draftRevision,
  frozenTime: 'now',
  frozenBy: 'operator:x',
});

function artifact(r: OfferRecord, id: string): ArtifactRecord {
  return {
    publisherId: r.publisherId,
    offerId: r.offerId,
    id,
    kind: 'azureAppPackage',
    fileName: 'a.zip',
    contentType: 'application/zip',
    size: 1,
    sha256: id,
    blobName: `b/${id}`,
    createdTime: 't',
    uploadedBy: 'u',
  };
}

describe('TableOfferStore', () => {
  it('creates an offer row once (insert-only)', async () => {
    const { store } = testCatalog();
    const r = record('o1');
    expect(typeof (await store.create(r))).toBe('object');
    expect(await store.create({ ...r, alias: 'other' })).toBe('exists');
    expect((await store.get('contoso', 'o1'))?.value.alias).toBe('alias');
  });

  it('updates only with the current storage ETag', async () => {
    const { store } = testCatalog();
    const created = await store.create(record('o1'));
    if (created === 'exists') throw new Error('unexpected');
    const updated = await store.update({ ...created.value, draftETag: 'W/"e2"' }, created.etag);
    expect(typeof updated).toBe('object');
    expect(await store.update({ ...created.value, draftETag: 'W/"e3"' }, created.etag)).toBe('conflict');
    expect((await store.get('contoso', 'o1'))?.value.draftETag).toBe('W/"e2"');
  });

  it('freezes in one transaction: a stale row or an existing version row fails it as a whole', async () => {
    const { store } = testCatalog();
    const created = await store.create(record('o1'));
    if (created === 'exists') throw new Error('unexpected');
    const frozen = await store.freeze({ ...created.value, draftVersion: 2, liveVersion: 1 }, created.etag, version(created.value, 1));
    if (frozen === 'conflict') throw new Error('freeze failed');
    // Stale row ETag: nothing changes, not even the version row.
    expect(await store.freeze({ ...created.value, draftVersion: 3, liveVersion: 2 }, created.etag, version(created.value, 2))).toBe(
      'conflict',
    );
    expect(await store.getVersion('contoso', 'o1', 2)).toBeUndefined();
    // Current row ETag but version 1 again: the insert-only version row refuses, and the row update is rolled back.
    expect(await store.freeze({ ...frozen.value, draftVersion: 9 }, frozen.etag, { ...version(created.value, 1), revision: 'other' })).toBe(
      'conflict',
    );
    expect((await store.get('contoso', 'o1'))?.value.draftVersion).toBe(2);
    expect((await store.getVersion('contoso', 'o1', 1))?.revision).toBe('r1');
  });

  it('lists offers without their versions and artifacts', async () => {
    const { store } = testCatalog();
    const a = await store.create(record('a'));
    await store.create(record('b'));
    if (a === 'exists') throw new Error('unexpected');
    await store.freeze({ ...a.value, draftVersion: 2, liveVersion: 1 }, a.etag, version(a.value, 1));
    await store.insertArtifact(a.value, artifact(a.value, 'f'.repeat(64)));
    expect((await store.list('contoso')).map((o) => o.offerId)).toEqual(['a', 'b']);
    expect(await store.list('fabrikam')).toEqual([]);
  });

  it('writes each definition revision once and reads it back', async () => {
    const { store } = testCatalog();
    const r = record('o1');
    const doc: OfferDocument = {
      schemaVersion: 1,
      publisherId: 'contoso',
      offerId: 'o1',
      offerTypeId: 'microsoft-saas',
      offerTypeVersions: {},
      definition: { displayText: 'a', offer: {}, plans: [] },
    };
    const revision = await store.writeDocument(r, doc);
    expect(await store.readDocument(r, revision)).toEqual(doc);
    expect(await store.readDocument(r, 'missing')).toBeUndefined();
  });

  it('inserts an artifact once, and deletes it only while the offer row is unchanged', async () => {
    const { store } = testCatalog();
    const created = await store.create(record('o1'));
    if (created === 'exists') throw new Error('unexpected');
    const a = artifact(created.value, 'a'.repeat(64));
    expect(await store.insertArtifact(created.value, a)).toEqual(a);
    expect(await store.insertArtifact(created.value, a)).toBe('exists');
    const changed = await store.update({ ...created.value, draftETag: 'W/"e2"' }, created.etag);
    if (changed === 'conflict') throw new Error('unexpected');
    expect(await store.deleteArtifact(created.value, created.etag, a)).toBe('conflict');
    expect(await store.getArtifact(created.value, a.id)).toBeDefined();
    expect(await store.deleteArtifact(changed.value, changed.etag, a)).toBe('deleted');
    expect(await store.getArtifact(created.value, a.id)).toBeUndefined();
    // The touch does not change what the row says.
    expect((await store.get('contoso', 'o1'))?.value.draftETag).toBe('W/"e2"');
  });
});
