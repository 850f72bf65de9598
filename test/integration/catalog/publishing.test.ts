/**
 * The catalog's side of the publish pipeline (service/publishing.ts; decisions 0602, 0604) against Azurite: a
 * submission freezes version N without making it live (SaaS still reads the old version) and a re-run by the same
 * operation finds it; the go-live only moves forward; the artifact check finds bytes changed after the upload and
 * the EICAR signature; stop distribution makes a stop-sold copy live once; the preview step opens the latest frozen
 * version to its audience until it goes live, is superseded or withdrawn (decision 0605).
 */
import { describe, expect, it } from 'vitest';
import { CatalogPublishing } from '../../../shared/catalog/service/publishing';
import { contoso, putRequest, testCatalog, uploadRequest } from '../../fixtures/catalog';
import { MP, saasOffer, withField } from '../../fixtures/offers';
import { pngOf } from '../../fixtures/zip';

async function setup(body: unknown = saasOffer('o1')) {
  const c = testCatalog();
  const publishing = new CatalogPublishing({ store: c.store, blobs: c.blobs, clock: c.clock });
  await c.offers.put(contoso, 'contoso', 'o1', putRequest(body));
  return { c, publishing };
}

describe('CatalogPublishing', () => {
  it('freezes the validated draft as version N, not live; idempotent for the same operation, stale for another or a changed draft', async () => {
    const { c, publishing } = await setup();
    const draft = (await publishing.draft('contoso', 'o1'))!;
    expect(draft).toMatchObject({ version: 1, offerTypeId: 'microsoft-saas', leadDestination: 'HttpsEndpoint', problems: [] });
    expect(await publishing.freeze('contoso', 'o1', 1, draft.draftETag, 'publish:op-1')).toBe('frozen');
    expect(await publishing.freeze('contoso', 'o1', 1, draft.draftETag, 'publish:op-1')).toBe('frozen');
    expect(await publishing.freeze('contoso', 'o1', 1, draft.draftETag, 'publish:op-2')).toBe('stale');
    const next = (await publishing.draft('contoso', 'o1'))!;
    expect(next.version).toBe(2);
    expect(next.draftETag).not.toBe(draft.draftETag);
    expect(await publishing.freeze('contoso', 'o1', 2, draft.draftETag, 'publish:op-3')).toBe('stale');
    expect(await c.reader.getLiveOffer('contoso', 'o1')).toBeUndefined();
    expect(await c.reader.getOfferVersion('contoso', 'o1', 1)).toBeUndefined();
    expect(await publishing.version('contoso', 'o1', 1)).toMatchObject({ version: 1, live: false, frozenBy: 'publish:op-1', previewAudience: ['tester@contoso.test'], contactEmail: 'jondoe@contoso.test' });
    expect(await publishing.liveVersion('contoso', 'o1')).toBe(0);

    expect(await publishing.goLive('contoso', 'o1', 1)).toBe('live');
    expect(await publishing.goLive('contoso', 'o1', 1)).toBe('live');
    expect((await c.reader.getLiveOffer('contoso', 'o1'))?.version).toBe(1);
    expect((await publishing.draft('contoso', 'o1'))!.draftETag).toBe(next.draftETag); // going live is not a draft change
  });

  it('preview (decision 0605): opened once for the latest frozen version, read by the port and /slot/preview, closed by go-live', async () => {
    const { c, publishing } = await setup();
    const d1 = (await publishing.draft('contoso', 'o1'))!;
    await publishing.freeze('contoso', 'o1', 1, d1.draftETag, 'publish:op-1');
    expect(await c.reader.getPreviewOffer('contoso', 'o1')).toBeUndefined(); // frozen, its preview step not run yet
    await expect(c.offers.getSlot(contoso, 'contoso', 'o1', 'preview')).rejects.toMatchObject({ code: 'SlotEmpty' });

    expect(await publishing.preview('contoso', 'o1', 1)).toBe('preview');
    expect(await publishing.preview('contoso', 'o1', 1)).toBe('preview'); // a re-run
    expect(await c.reader.getPreviewOffer('contoso', 'o1')).toMatchObject({ version: 1, live: false });
    expect(await c.reader.getOfferVersion('contoso', 'o1', 1)).toMatchObject({ version: 1, live: false });
    expect(await c.reader.getLiveOffer('contoso', 'o1')).toBeUndefined();
    expect((await c.offers.getSlot(contoso, 'contoso', 'o1', 'preview')).frozen?.version).toBe(1);
    await expect(c.offers.getSlot(contoso, 'contoso', 'o1', 'production')).rejects.toMatchObject({ code: 'SlotEmpty' });
    // Customers may have bought the preview: the offer can no longer be deleted.
    await expect(c.offers.delete(contoso, 'contoso', 'o1', '*')).rejects.toMatchObject({ code: 'OfferPublished' });

    expect(await publishing.goLive('contoso', 'o1', 1)).toBe('live');
    expect(await c.reader.getPreviewOffer('contoso', 'o1')).toBeUndefined();
    await expect(c.offers.getSlot(contoso, 'contoso', 'o1', 'preview')).rejects.toMatchObject({ code: 'SlotEmpty' });
    expect((await c.offers.getSlot(contoso, 'contoso', 'o1', 'production')).frozen?.version).toBe(1);
    expect(await publishing.preview('contoso', 'o1', 1)).toBe('superseded');
  });

  it('preview: a newer freeze supersedes it, a withdrawal ends it; its version stays readable for its subscriptions', async () => {
    const { c, publishing } = await setup();
    const freeze = async (by: string) => {
      const d = (await publishing.draft('contoso', 'o1'))!;
      await publishing.freeze('contoso', 'o1', d.version, d.draftETag, by);
      return d.version;
    };
    const v1 = await freeze('publish:a');
    await publishing.preview('contoso', 'o1', v1);
    const v2 = await freeze('publish:b');
    expect(await c.reader.getPreviewOffer('contoso', 'o1')).toBeUndefined();
    expect(await publishing.preview('contoso', 'o1', v1)).toBe('superseded'); // a late step of the superseded publish
    expect(await publishing.preview('contoso', 'o1', v2)).toBe('preview');
    expect((await c.reader.getPreviewOffer('contoso', 'o1'))?.version).toBe(v2);

    await publishing.withdrawPreview('contoso', 'o1', v1); // not the open one: nothing changes
    expect((await c.reader.getPreviewOffer('contoso', 'o1'))?.version).toBe(v2);
    await publishing.withdrawPreview('contoso', 'o1', v2);
    await publishing.withdrawPreview('contoso', 'o1', v2);
    expect(await c.reader.getPreviewOffer('contoso', 'o1')).toBeUndefined();
    expect(await publishing.preview('contoso', 'o1', v2)).toBe('superseded');
    expect((await c.reader.getOfferVersion('contoso', 'o1', v2))?.version).toBe(v2);
    expect((await c.reader.getOfferVersion('contoso', 'o1', v1))?.version).toBe(v1);
    expect(await c.reader.getOfferVersion('contoso', 'o1', 3)).toBeUndefined(); // the draft
  });

  it('reports the draft’s problems per field', async () => {
    const { publishing } = await setup(withField(saasOffer('o1'), ['definition', 'offer', 'microsoft-saas.aadAppId'], undefined));
    expect((await publishing.draft('contoso', 'o1'))!.problems).toContainEqual(expect.objectContaining({ code: 'RequiredFieldMissing', target: expect.stringContaining('aadAppId') }));
  });

  it('go-live never moves back: an older version finds a newer one live', async () => {
    const { publishing } = await setup();
    for (const by of ['publish:a', 'publish:b']) {
      const d = (await publishing.draft('contoso', 'o1'))!;
      await publishing.freeze('contoso', 'o1', d.version, d.draftETag, by);
    }
    expect(await publishing.goLive('contoso', 'o1', 2)).toBe('live');
    expect(await publishing.goLive('contoso', 'o1', 1)).toBe('newer');
    expect(await publishing.liveVersion('contoso', 'o1')).toBe(2);
  });

  it('finds an artifact whose stored bytes changed, and the EICAR signature', async () => {
    const c = testCatalog();
    const publishing = new CatalogPublishing({ store: c.store, blobs: c.blobs, clock: c.clock });
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const clean = await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(pngOf(1280, 720), 'screenshot', 'a.png', 'image/png'));
    const infected = Buffer.concat([pngOf(1280, 720), Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*')]);
    const bad = await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(infected, 'screenshot', 'b.png', 'image/png'));
    expect(await publishing.checkArtifacts('contoso', 'o1', [clean.artifact.id, bad.artifact.id])).toEqual({
      package: [],
      malware: [{ code: 'MalwareDetected', message: 'contains malware (the EICAR test signature)', target: 'b.png' }],
    });
    const container = await c.storage.container('catalog');
    await container.getBlockBlobClient(clean.artifact.blobName).uploadData(pngOf(1920, 1080));
    expect((await publishing.checkArtifacts('contoso', 'o1', [clean.artifact.id, 'f'.repeat(64)])).package).toEqual([
      { code: 'ArtifactCorrupted', message: 'is corrupted: its bytes no longer match the uploaded file', target: 'a.png' },
      { code: 'ArtifactMissing', message: `artifact ${'f'.repeat(64)} is missing`, target: 'f'.repeat(64) },
    ]);
  });

  it('stop distribution: a stop-sold copy of the live version becomes live once; nothing purchasable', async () => {
    const { c, publishing } = await setup(withField(saasOffer('o1'), ['definition', 'offer', `${MP}.summary`], 'v1'));
    expect(await publishing.stopDistribution('contoso', 'o1', 'stop:a')).toBe('notLive');
    const d = (await publishing.draft('contoso', 'o1'))!;
    await publishing.freeze('contoso', 'o1', 1, d.draftETag, 'publish:a');
    await publishing.goLive('contoso', 'o1', 1);
    expect((await c.reader.getPurchasable('contoso', 'o1'))?.plans.length).toBe(2);
    expect(await publishing.stopDistribution('contoso', 'o1', 'stop:a')).toBe('stopped');
    expect(await publishing.stopDistribution('contoso', 'o1', 'stop:a')).toBe('stopped');
    expect(await publishing.liveVersion('contoso', 'o1')).toBe(2);
    expect(await c.reader.getPurchasable('contoso', 'o1')).toBeUndefined();
    expect((await c.reader.getOfferVersion('contoso', 'o1', 1))?.plans.every((p) => p.purchasable)).toBe(true);
    expect((await c.reader.getLiveOffer('contoso', 'o1'))?.plans.every((p) => p.stopSell)).toBe(true);
    expect((await publishing.draft('contoso', 'o1'))!.version).toBe(3);
  });
});
