/**
 * Concurrency of the catalog against Azurite, with deterministic interleavings (PausePoints): every request is
 * held between reading the offer row and its conditional write, so all of them act on the same state, exactly
 * as two requests racing on two workers would. No timing is involved.
 */
import { describe, expect, it } from 'vitest';
import { PausePoints } from '../../../shared/faults';
import { ConflictError, PreconditionFailedError } from '../../../shared/errors';
import type { OfferStore } from '../../../shared/catalog/ports';
import { ArtifactsService, FAULT_ARTIFACT_DELETE_BEFORE_COMMIT } from '../../../shared/catalog/service/artifacts';
import { FAULT_FREEZE_BEFORE_COMMIT, FAULT_PUT_BEFORE_WRITE, OffersService } from '../../../shared/catalog/service/offers';
import { contoso, operator, overriding, putRequest, testCatalog, uploadRequest } from '../../fixtures/catalog';
import { MP, saasOffer, withField } from '../../fixtures/offers';
import { azureAppPackage } from '../../fixtures/zip';

const N = 6;
const titled = (i: number) => withField(saasOffer('o1'), ['definition', 'offer', `${MP}.title`], `Title ${i}`);

async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    preconditionFailed: results.filter((r) => r.status === 'rejected' && r.reason instanceof PreconditionFailedError).length,
    other: results
      .filter((r) => r.status === 'rejected' && !(r.reason instanceof PreconditionFailedError))
      .map((r) => (r as PromiseRejectedResult).reason as unknown),
  };
}

/** The same store with its If-Match taken away: what a read-then-write implementation would do. */
function readThenWrite(store: OfferStore): OfferStore {
  return overriding(store, { update: (record) => store.update(record, '*') });
}

describe('N concurrent PUTs with the same If-Match (spec 4.C 31)', () => {
  it('let exactly one succeed; the others get 412 and change nothing', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    const { record } = await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));

    const gate = faults.pause(FAULT_PUT_BEFORE_WRITE);
    const puts = Array.from({ length: N }, (_, i) => catalog.offers.put(contoso, 'contoso', 'o1', putRequest(titled(i), record.draftETag)));
    await gate.arrivals(N); // every PUT has read the row and passed its If-Match check
    gate.release();
    const outcome = await settle(puts);

    // A read-then-write version (unconditional replace after the If-Match check) lets all N through, the last
    // silently overwriting the rest: this assertion then fails (see the control case below).
    expect(outcome).toEqual({ ok: 1, preconditionFailed: N - 1, other: [] });
    const winner = (await Promise.allSettled(puts)).findIndex((r) => r.status === 'fulfilled');
    const draft = await catalog.offers.getDraft(contoso, 'contoso', 'o1');
    expect(draft.document.definition.offer[`${MP}.title`]).toBe(`Title ${winner}`);
  });

  it('control: against a read-then-write store the same interleaving lets every PUT through (lost updates)', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    const offers = new OffersService({
      store: readThenWrite(catalog.store),
      clock: catalog.clock,
      faults,
      secrets: () => catalog.box,
      publisherKnown: async () => true,
    });
    const { record } = await offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const gate = faults.pause(FAULT_PUT_BEFORE_WRITE);
    const puts = Array.from({ length: N }, (_, i) => offers.put(contoso, 'contoso', 'o1', putRequest(titled(i), record.draftETag)));
    await gate.arrivals(N);
    gate.release();
    expect((await settle(puts)).ok).toBe(N);
  });

  it('with If-Match: * all of them apply, one after the other (last one wins, 4.C 32)', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const gate = faults.pause(FAULT_PUT_BEFORE_WRITE);
    const puts = Array.from({ length: 3 }, (_, i) => catalog.offers.put(contoso, 'contoso', 'o1', putRequest(titled(i), '*')));
    await gate.arrivals(3);
    gate.release();
    expect((await settle(puts)).ok).toBe(3);
  });

  it('two concurrent creates of one offer: one 201, the other 412', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    const gate = faults.pause(FAULT_PUT_BEFORE_WRITE);
    const puts = [0, 1].map((i) => catalog.offers.put(contoso, 'contoso', 'o1', putRequest(titled(i))));
    await gate.arrivals(2);
    gate.release();
    expect(await settle(puts)).toEqual({ ok: 1, preconditionFailed: 1, other: [] });
  });
});

describe('freezing while the draft changes', () => {
  it('a PUT that read the draft before a freeze committed gets 412 (the freeze moved the draft ETag)', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    const { record } = await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const gate = faults.pause(FAULT_PUT_BEFORE_WRITE);
    const put = catalog.offers.put(contoso, 'contoso', 'o1', putRequest(titled(1), record.draftETag));
    await gate.arrivals(1);
    const frozen = await catalog.offers.freeze(operator, 'contoso', 'o1', null);
    gate.release();
    await expect(put).rejects.toBeInstanceOf(PreconditionFailedError);
    // Version 1 holds exactly what was frozen.
    const v1 = await catalog.reader.getOfferVersion('contoso', 'o1', 1);
    expect(v1?.definition.offer[`${MP}.title`]).toBe('Contoso Notification Services');
    expect(frozen.frozen.version).toBe(1);
  });

  it('two concurrent freezes make two versions, never one version twice', async () => {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const gate = faults.pause(FAULT_FREEZE_BEFORE_COMMIT);
    const freezes = [0, 1].map(() => catalog.offers.freeze(operator, 'contoso', 'o1', null));
    await gate.arrivals(2); // both computed "version 1"
    gate.release();
    const versions = (await Promise.all(freezes)).map((f) => f.frozen.version).sort();
    expect(versions).toEqual([1, 2]);
    expect((await catalog.offers.getDraft(contoso, 'contoso', 'o1')).record).toMatchObject({ draftVersion: 3, liveVersion: 2 });
  });
});

describe('deleting an artifact while a PUT starts to refer to it', () => {
  async function race(makeArtifacts: (catalog: ReturnType<typeof testCatalog>, faults: PausePoints) => ArtifactsService) {
    const faults = new PausePoints();
    const catalog = testCatalog({ faults });
    const artifacts = makeArtifacts(catalog, faults);
    const { record } = await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(saasOffer('o1')));
    const { artifact } = await artifacts.upload(contoso, 'contoso', 'o1', uploadRequest(azureAppPackage(), 'azureAppPackage', 'app.zip'));
    const gate = faults.pause(FAULT_ARTIFACT_DELETE_BEFORE_COMMIT);
    const deletion = artifacts.delete(contoso, 'contoso', 'o1', artifact.id).then(
      () => 'deleted',
      (e: unknown) => (e instanceof ConflictError ? e.code : String(e)),
    );
    await gate.arrivals(1); // the delete has checked an offer that does not refer to the artifact
    const body = withField(saasOffer('o1'), ['definition', 'offer', `${MP}.largeLogo`], `artifact:${artifact.id}`);
    await catalog.offers.put(contoso, 'contoso', 'o1', putRequest(body, record.draftETag));
    gate.release();
    return { outcome: await deletion, stillThere: await catalog.store.getArtifact({ ...record }, artifact.id) };
  }

  it('the delete fails with 409 ArtifactInUse instead of leaving the draft pointing at nothing', async () => {
    // The delete commits together with a conditional touch of the offer row; the PUT changed that row, so the
    // delete's transaction fails and its retry sees the new reference.
    const { outcome, stillThere } = await race((c) => c.artifacts);
    expect(outcome).toBe('ArtifactInUse');
    expect(stillThere).toBeDefined();
  });

  it('control: a read-then-write delete (check, then delete the row alone) removes the artifact under the PUT', async () => {
    const { outcome, stillThere } = await race(
      (c, faults) =>
        new ArtifactsService({
          store: overriding(c.store, { deleteArtifact: (offer, _etag, a) => c.store.deleteArtifact(offer, '*', a) }),
          blobs: c.blobs,
          clock: c.clock,
          faults,
          maxArtifactBytes: 1024 * 1024,
        }),
    );
    expect(outcome).toBe('deleted');
    expect(stillThere).toBeUndefined();
  });
});
