/** The catalog's use cases against Azurite (no HTTP): drafts, versions, freezing, secrets and artifacts. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors';
import { statusOf } from '../../../shared/http/errors';
import { contoso, fabrikam, operator, putRequest, testCatalog, uploadRequest } from '../../fixtures/catalog';
import { MP, SAAS, saasOffer, withField } from '../../fixtures/offers';
import { azureAppPackage } from '../../fixtures/zip';

async function failure(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return [statusOf(error), error.code];
    throw error;
  }
  throw new Error('expected a failure');
}

async function streamed(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('drafts', () => {
  it('creates with version 1, then replaces the draft only with the current ETag', async () => {
    const c = testCatalog();
    const created = await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(created).toMatchObject({ created: true, record: { draftVersion: 1, liveVersion: 0 } });
    const e1 = created.record.draftETag;
    const updated = await c.offers.put(
      contoso,
      'contoso',
      'o1',
      putRequest(withField(saasOffer('o1'), ['definition', 'offer', `${MP}.title`], 'New title'), e1),
    );
    expect(updated.created).toBe(false);
    expect(updated.record.draftETag).not.toBe(e1);
    expect(await failure(c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1'), e1)))).toEqual([412, 'PreconditionFailed']);
    expect((await c.offers.getDraft(contoso, 'contoso', 'o1')).document.definition.offer[`${MP}.title`]).toBe('New title');
  });

  it.each([
    ['no If-Match on an existing offer (4.B 16)', null, null, [400, 'MissingIfMatch']],
    ['If-None-Match: * on an existing offer (4.B 16)', null, '*', [412, 'PreconditionFailed']],
    ['a garbage If-Match (4.C 33)', '"garbage"', null, [412, 'PreconditionFailed']],
  ])('refuses %s', async (_case, ifMatch, ifNoneMatch, expected) => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(await failure(c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1'), ifMatch, ifNoneMatch)))).toEqual(expected);
  });

  it('creates with If-Match: * and refuses a specific ETag on a new offer (spec 2.0)', async () => {
    const c = testCatalog();
    expect(await failure(c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1'), 'W/"x"')))).toEqual([
      412,
      'PreconditionFailed',
    ]);
    expect((await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1'), '*'))).created).toBe(true);
  });

  it('checks the ETag before the body: a stale ETag with a bad body is 412 (spec 2.0 check order)', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(await failure(c.offers.put(contoso, 'contoso', 'o1', putRequest({ nonsense: true }, 'W/"stale"')))).toEqual([
      412,
      'PreconditionFailed',
    ]);
  });

  it('refuses invalid offer ids (4.B 10–12)', async () => {
    const c = testCatalog();
    expect(await failure(c.offers.put(contoso, 'contoso', 'Test-Offer', putRequest(saasOffer('Test-Offer'))))).toEqual([
      400,
      'InvalidOfferId',
    ]);
    expect(await failure(c.offers.put(contoso, 'contoso', 'o'.repeat(51), putRequest(saasOffer('o'.repeat(51)))))).toEqual([
      400,
      'InvalidOfferId',
    ]);
  });

  it('keeps a publisher to its own namespace; operators read but do not write (4.A 5)', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(await failure(c.offers.getDraft(fabrikam, 'contoso', 'o1'))).toEqual([403, 'Forbidden']);
    expect(await failure(c.offers.list(fabrikam, 'contoso'))).toEqual([403, 'Forbidden']);
    expect(await failure(c.offers.put(fabrikam, 'contoso', 'o1', putRequest(saasOffer('o1'), '*')))).toEqual([403, 'Forbidden']);
    expect((await c.offers.getDraft(operator, 'contoso', 'o1')).record.offerId).toBe('o1');
    expect(await failure(c.offers.put(operator, 'contoso', 'o1', putRequest(saasOffer('o1'), '*')))).toEqual([403, 'Forbidden']);
    expect(await failure(c.offers.list(operator, 'nobody'))).toEqual([404, 'PublisherNotFound']);
    expect(await failure(c.offers.list(operator, 'not/a#namespace'))).toEqual([404, 'PublisherNotFound']);
  });

  it('stores lead secrets sealed, returns them never, and keeps them when a PUT omits them (4.D 44)', async () => {
    const c = testCatalog();
    const created = await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const stored = await c.store.readDocument(created.record, created.record.draftRevision);
    expect(JSON.stringify(stored)).not.toContain('top-secret-signature');
    const withoutSecret = withField(saasOffer('o1'), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
      contactEmail: 'leads@contoso.test',
    });
    const updated = await c.offers.put(contoso, 'contoso', 'o1', putRequest(withoutSecret, created.record.draftETag));
    const document = await c.store.readDocument(updated.record, updated.record.draftRevision);
    const config = document?.definition.offer[`${MP}.httpsEndpointLeadConfiguration`] as { httpsEndpointUrl: { $sealed: string } };
    const context = `contoso/o1/${updated.record.internalId}|${MP}.httpsEndpointLeadConfiguration.httpsEndpointUrl`;
    expect(c.box.open(config.httpsEndpointUrl.$sealed, context)).toBe('https://stub.test/leads?sig=top-secret-signature');
  });

  it('deletes a draft plan, but not a plan in a frozen version (4.K 123–124)', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    await c.offers.freeze(operator, 'contoso', 'o1', null);
    expect(await failure(c.offers.deletePlan(contoso, 'contoso', 'o1', 'basic', null))).toEqual([409, 'PlanPublished']);
    const draft = await c.offers.getDraft(contoso, 'contoso', 'o1');
    const withNewPlan = withField(saasOffer('o1'), ['definition', 'plans', 2], { planId: 'trial', [`${SAAS}.planName`]: 'Trial' });
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(withNewPlan, draft.record.draftETag));
    await c.offers.deletePlan(contoso, 'contoso', 'o1', 'trial', null);
    expect((await c.offers.getDraft(contoso, 'contoso', 'o1')).document.definition.plans.map((p) => p.planId)).toEqual([
      'basic',
      'enterprise',
    ]);
    expect(await failure(c.offers.deletePlan(contoso, 'contoso', 'o1', 'trial', null))).toEqual([404, 'PlanNotFound']);
  });

  it('deletes a never-frozen offer with its artifacts, but not a frozen one', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip'));
    await c.offers.delete(contoso, 'contoso', 'o1', null);
    expect(await failure(c.offers.getDraft(contoso, 'contoso', 'o1'))).toEqual([404, 'EntityNotFound']);
    // A new offer with the same id starts empty.
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(await c.artifacts.list(contoso, 'contoso', 'o1')).toEqual([]);
    await c.offers.freeze(operator, 'contoso', 'o1', null);
    expect(await failure(c.offers.delete(contoso, 'contoso', 'o1', null))).toEqual([409, 'OfferPublished']);
  });
});

describe('freezing and the live version', () => {
  it('makes the draft version N live; later edits never change what was frozen', async () => {
    const c = testCatalog();
    const created = await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const frozen = await c.offers.freeze(operator, 'contoso', 'o1', created.record.draftETag);
    expect(frozen.frozen.version).toBe(1);
    expect(frozen.record).toMatchObject({ draftVersion: 2, liveVersion: 1 });
    expect(frozen.record.draftETag).not.toBe(created.record.draftETag);

    const edited = withField(saasOffer('o1'), ['definition', 'plans', 0, `${SAAS}.planDescription`], 'Changed after the sale.');
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(edited, frozen.record.draftETag));
    const live = await c.reader.getLiveOffer('contoso', 'o1');
    expect(live).toMatchObject({ version: 1, live: true });
    expect(live?.plans.find((p) => p.planId === 'basic')?.description).toBe('Send 10000 emails and 1000 texts per month.');
    expect(await c.reader.getLivePlan('contoso', 'o1', 'enterprise')).toMatchObject({
      visibility: 'private',
      pricing: { billingTerms: { annual: { priceUSD: 9000 } } },
    });
    expect((await c.offers.getVersion(contoso, 'contoso', 'o1', 2)).frozen).toBeUndefined(); // version 2 is the draft
    expect(await failure(c.offers.getVersion(contoso, 'contoso', 'o1', 99))).toEqual([404, 'VersionNotFound']);

    const second = await c.offers.freeze(operator, 'contoso', 'o1', null);
    expect(second.frozen.version).toBe(2);
    expect(await c.reader.getOfferVersion('contoso', 'o1', 1)).toMatchObject({ version: 1, live: false });
    expect((await c.reader.getLiveOffer('contoso', 'o1'))?.plans[0]?.description).toBe('Changed after the sale.');
  });

  it('refuses to freeze a draft that cannot be sold (422 with the fields)', async () => {
    const c = testCatalog();
    await c.offers.put(
      contoso,
      'contoso',
      'o1',
      putRequest(withField(saasOffer('o1'), ['definition', 'plans', 1, `${SAAS}.privateAudience`], [])),
    );
    expect(await failure(c.offers.freeze(operator, 'contoso', 'o1', null))).toEqual([422, 'ValidationFailed']);
    expect(await c.reader.getLiveOffer('contoso', 'o1')).toBeUndefined();
  });

  it('leaves stop-sold plans out of what is purchasable', async () => {
    const c = testCatalog();
    await c.offers.put(
      contoso,
      'contoso',
      'o1',
      putRequest(withField(saasOffer('o1'), ['definition', 'plans', 1, `${SAAS}.stopSell`], true)),
    );
    await c.offers.freeze(operator, 'contoso', 'o1', null);
    expect((await c.reader.getPurchasable('contoso', 'o1'))?.plans.map((p) => p.planId)).toEqual(['basic']);
  });
});

describe('artifacts', () => {
  it('uploads, content-addressed by SHA-256; the same bytes again return the same artifact', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const bytes = azureAppPackage();
    const first = await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(bytes, 'azureAppPackage', 'app.zip'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(first).toMatchObject({ created: true, artifact: { id: sha256, sha256, size: bytes.length, kind: 'azureAppPackage' } });
    expect(first.artifact.blobName).toMatch(new RegExp(`/artifacts/${sha256}$`));
    expect(await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(bytes, 'azureAppPackage', 'app.zip'))).toMatchObject({
      created: false,
      artifact: { id: sha256 },
    });
    const download = await c.artifacts.download(contoso, 'contoso', 'o1', sha256);
    expect((await streamed(download.body)).equals(bytes)).toBe(true);
    expect(await failure(c.artifacts.download(fabrikam, 'contoso', 'o1', sha256))).toEqual([403, 'Forbidden']);
  });

  it.each([
    ['a body over the size limit', uploadRequest(Buffer.alloc(2048, 1), 'azureAppPackage', 'app.zip'), [413, 'PayloadTooLarge']],
    [
      'a body over the limit without Content-Length (chunked)',
      { ...uploadRequest(Buffer.alloc(2048, 1), 'azureAppPackage', 'app.zip'), contentLength: undefined, chunked: true },
      [413, 'PayloadTooLarge'],
    ],
    [
      'no Content-Length and not chunked',
      { ...uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip'), contentLength: undefined },
      [411, 'LengthRequired'],
    ],
    [
      'the wrong content type (4.E 46)',
      uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip', 'text/plain'),
      [415, 'UnsupportedMediaType'],
    ],
    ['the wrong extension (4.E 47)', uploadRequest(azureAppPackage(), 'azureAppPackage', 'pkg.tar'), [415, 'UnsupportedMediaType']],
    ['random bytes (4.E 48)', uploadRequest(Buffer.from('random bytes, not a zip'), 'azureAppPackage', 'app.zip'), [422, 'InvalidPackage']],
    ['zero bytes (4.E 60)', uploadRequest(Buffer.alloc(0), 'azureAppPackage', 'app.zip'), [422, 'EmptyFile']],
  ])('refuses %s and keeps nothing', async (_case, request, expected) => {
    const c = testCatalog({ maxArtifactBytes: 1024 });
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    expect(await failure(c.artifacts.upload(contoso, 'contoso', 'o1', request))).toEqual(expected);
    expect(await c.artifacts.list(contoso, 'contoso', 'o1')).toEqual([]);
    const container = await c.storage.container('catalog');
    const blobs: string[] = [];
    for await (const blob of container.listBlobsFlat()) if (!blob.name.includes('/revisions/')) blobs.push(blob.name);
    expect(blobs).toEqual([]);
  });

  it('refuses references to unknown artifacts, and deleting referenced ones (4.E 63)', async () => {
    const c = testCatalog();
    const created = await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const ref = (id: string) => withField(saasOffer('o1'), ['definition', 'offer', `${MP}.largeLogo`], `artifact:${id}`);
    expect(await failure(c.offers.put(contoso, 'contoso', 'o1', putRequest(ref('0'.repeat(64)), '*')))).toEqual([400, 'ArtifactNotFound']);
    const { artifact } = await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip'));
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(ref(artifact.id), created.record.draftETag));
    expect(await failure(c.artifacts.delete(contoso, 'contoso', 'o1', artifact.id))).toEqual([409, 'ArtifactInUse']);
    await c.offers.freeze(operator, 'contoso', 'o1', null);
    // The draft drops the reference, but version 1 still holds it.
    const draft = await c.offers.getDraft(contoso, 'contoso', 'o1');
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1'), draft.record.draftETag));
    expect(await failure(c.artifacts.delete(contoso, 'contoso', 'o1', artifact.id))).toEqual([409, 'ArtifactInUse']);
  });

  it('deletes an artifact nothing refers to', async () => {
    const c = testCatalog();
    await c.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const { artifact } = await c.artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip'));
    await c.artifacts.delete(contoso, 'contoso', 'o1', artifact.id);
    expect(await failure(c.artifacts.get(contoso, 'contoso', 'o1', artifact.id))).toEqual([404, 'ArtifactNotFound']);
  });
});
