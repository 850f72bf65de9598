import { describe, expect, it } from 'vitest';
import { CONTOSO, publishWorld, runThrough } from '../../../fixtures/publish-fakes';

const request = { ifMatch: null, emails: [] };

async function submitted(w: ReturnType<typeof publishWorld>) {
  const op = await w.submit.submit(CONTOSO, 'contoso', 'o1', request);
  return { publisherId: 'contoso', offerId: 'o1', operationId: op.id };
}

describe('PublishPipeline', () => {
  it('runs to sign-off: steps complete, preview links and audience recorded, lock released, publisher asked to review', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    expect(await runThrough(w, ref)).toBe('waiting');
    const op = (await w.store.getOperation('contoso', 'o1', ref.operationId))!.value;
    expect(op.status).toBe('completed');
    expect(op.steps.map((s) => s.status)).toEqual(['complete', 'complete', 'complete', 'waitingForPublisherReview']);
    expect(op.previewLinks).toHaveLength(1);
    expect(op.previewAudience).toEqual(['tester@contoso.test']);
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
    expect(w.store.notifications.get(`${ref.operationId}.previewReady`)?.to).toEqual(['eng@contoso.test']);
  });

  it('a step re-run (a crash before its outcome was finished) returns the recorded outcome: the work is done once', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await w.pipeline.begin(ref);
    expect(await w.pipeline.run(ref, 'package-validation')).toBe('passed');
    expect(await w.pipeline.run(ref, 'package-validation')).toBe('passed');
    expect(w.catalog.checkCalls).toBe(1);
    expect(await w.pipeline.finish(ref, 'package-validation')).toBe('continue');
    expect(await w.pipeline.finish(ref, 'package-validation')).toBe('continue');
  });

  it('a corrupted package blocks its step with a message per file: the operation fails, the rest never starts', async () => {
    const w = publishWorld();
    w.catalog.packageFindings = [{ code: 'ArtifactCorrupted', message: 'is corrupted', target: 'app.zip' }];
    const ref = await submitted(w);
    expect(await runThrough(w, ref)).toBe('failed');
    const op = (await w.store.getOperation('contoso', 'o1', ref.operationId))!.value;
    expect(op.error).toEqual({ code: 'StepBlocked', message: 'Package validation failed: app.zip: is corrupted' });
    expect(op.steps.map((s) => s.status)).toEqual(['complete', 'blocked', 'notStarted', 'notStarted']);
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
    expect(w.store.notifications.has(`${ref.operationId}.failed`)).toBe(true);
  });

  it('a requested cancel stops the next step and is applied; sign-off refuses it', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await w.pipeline.begin(ref);
    await w.store.commit({
      operations: [
        {
          value: { ...(await w.store.getOperation('contoso', 'o1', ref.operationId))!.value, cancellationRequestState: 'cancelRequested' },
          etag: (await w.store.getOperation('contoso', 'o1', ref.operationId))!.etag,
        },
      ],
    });
    expect(await w.pipeline.run(ref, 'displaydummycertify')).toBe('canceled');
    expect(await w.pipeline.signoff(ref)).toBe('canceled');
    const op = (await w.store.getOperation('contoso', 'o1', ref.operationId))!.value;
    expect(op.status).toBe('canceled');
    expect(w.catalog.checkCalls).toBe(0);
  });

  it('go-live: certification (SaaS, after sign-off), the catalog go-live once even when re-run, live links, completed', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await runThrough(w, ref);
    const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    const goRef = { ...ref, operationId: go.id };
    await w.pipeline.begin(goRef);
    expect(await w.pipeline.run(goRef, 'displaycertify')).toBe('passed');
    await w.pipeline.finish(goRef, 'displaycertify');
    expect(await w.pipeline.run(goRef, 'final-publish')).toBe('passed');
    expect(await w.pipeline.run(goRef, 'final-publish')).toBe('passed'); // re-run after a crash
    expect(w.catalog.goLiveCalls).toBe(1);
    expect(await w.pipeline.finish(goRef, 'final-publish')).toBe('continue');
    await w.pipeline.run(goRef, 'live');
    expect(await w.pipeline.finish(goRef, 'live')).toBe('completed');
    const done = (await w.store.getOperation('contoso', 'o1', go.id))!.value;
    expect(done.liveLinks).toHaveLength(1);
    expect(w.catalog.live).toBe(1);
    expect(w.store.notifications.has(`${go.id}.live`)).toBe(true);
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
  });

  it('a newer live version blocks the go-live step (NewerVersionLive)', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await runThrough(w, ref);
    w.catalog.live = 5;
    const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    expect(await runThrough(w, { ...ref, operationId: go.id })).toBe('failed');
    const op = (await w.store.getOperation('contoso', 'o1', go.id))!.value;
    expect(op.steps.find((s) => s.id === 'final-publish')?.messages[0]?.code).toBe('NewerVersionLive');
  });

  it('malware rejects certification; manual mode waits for the decision', async () => {
    const w = publishWorld();
    w.catalog.malwareFindings = [{ code: 'MalwareDetected', message: 'contains malware', target: 'shot.png' }];
    const ref = await submitted(w);
    await runThrough(w, ref);
    const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    expect(await runThrough(w, { ...ref, operationId: go.id })).toBe('failed');
    expect((await w.store.getOperation('contoso', 'o1', go.id))!.value.error?.code).toBe('CertificationRejected');

    const m = publishWorld({ certificationMode: 'manual' });
    const mref = { publisherId: 'contoso', offerId: 'o1', operationId: (await m.submit.submit(CONTOSO, 'contoso', 'o1', request)).id };
    await runThrough(m, mref);
    const mgo = await m.goLive.goLive(CONTOSO, 'contoso', 'o1');
    expect(await runThrough(m, { ...mref, operationId: mgo.id })).toBe('waiting');
    expect((await m.store.getOperation('contoso', 'o1', mgo.id))!.value.steps[0]?.status).toBe('waitingForApproval');
  });

  it('the preview step opens the preview of its version once (decision 0605); sign-off and go-live leave it to the catalog', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    expect(await runThrough(w, ref)).toBe('waiting');
    expect(w.catalog.previewOpen).toBe(1);
    const op = (await w.store.getOperation('contoso', 'o1', ref.operationId))!.value;
    expect(op.steps.find((s) => s.id === 'preview-creation')?.messages.map((m) => m.level)).toEqual(['information']);
    expect(w.catalog.withdrawn).toEqual([]);
  });

  it('a preview step superseded by a newer live version passes with a PreviewSuperseded warning and opens nothing', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    w.catalog.live = 7; // the operator's freeze shortcut made a newer version live meanwhile
    expect(await runThrough(w, ref)).toBe('waiting');
    expect(w.catalog.previewOpen).toBe(0);
    const step = (await w.store.getOperation('contoso', 'o1', ref.operationId))!.value.steps.find((s) => s.id === 'preview-creation');
    expect(step?.status).toBe('complete');
    expect(step?.messages.map((m) => [m.code, m.level])).toEqual([
      ['PreviewSuperseded', 'warning'],
      [undefined, 'information'],
    ]);
  });

  it('a cancel recorded while the preview opened withdraws it (the cancel may have withdrawn before it was open)', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    const begun = await w.pipeline.begin(ref);
    if ('ended' in begun) throw new Error('ended');
    for (const step of begun.steps.filter((s) => s.id !== 'preview-creation')) {
      await w.pipeline.run(ref, step.id);
      await w.pipeline.finish(ref, step.id);
    }
    // The cancel commits between the step's start and the recording of its outcome.
    const realPreview = w.catalog.preview.bind(w.catalog);
    w.catalog.preview = async (...args: Parameters<typeof realPreview>) => {
      const { etag, value } = (await w.store.getOperation('contoso', 'o1', ref.operationId))!;
      await w.store.commit({ operations: [{ value: { ...value, cancellationRequestState: 'cancelRequested' }, etag }] });
      return realPreview(...args);
    };
    expect(await w.pipeline.run(ref, 'preview-creation')).toBe('canceled');
    expect(w.catalog.withdrawn).toEqual([1]);
    expect(w.catalog.previewOpen).toBe(0);
  });

  it('a publish that fails or is canceled withdraws the preview of its version; a failed go-live does not', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await w.pipeline.fail(ref, 'boom');
    expect(w.catalog.withdrawn).toEqual([1]);

    const c = publishWorld();
    const cref = await submitted(c);
    await c.pipeline.begin(cref);
    await c.pipeline.cancel(cref);
    expect(c.catalog.withdrawn).toEqual([1]);

    const g = publishWorld();
    const gref = await submitted(g);
    await runThrough(g, gref);
    const go = await g.goLive.goLive(CONTOSO, 'contoso', 'o1');
    await g.pipeline.fail({ ...gref, operationId: go.id }, 'boom');
    expect(g.catalog.withdrawn).toEqual([]);
    expect(g.catalog.previewOpen).toBe(1);
  });

  it('an unexpected failure fails the operation with InternalError and releases the lock', async () => {
    const w = publishWorld();
    const ref = await submitted(w);
    await w.pipeline.fail(ref, 'boom');
    expect((await w.store.getOperation('contoso', 'o1', ref.operationId))!.value.error).toEqual({ code: 'InternalError', message: 'boom' });
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
  });
});
