import { describe, expect, it } from 'vitest';
import { CONTOSO, publishWorld, runThrough } from '../../../fixtures/publish-fakes';

describe('GoLive', () => {
  it('409 PreviewNotReady before any preview, while the publish runs it is OperationInProgress', async () => {
    const w = publishWorld();
    await expect(w.goLive.goLive(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'PreviewNotReady' });
    await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] });
    await expect(w.goLive.goLive(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'OperationInProgress' });
  });

  it('signs the preview off, claims the offer and raises GoLive to the submission’s orchestration; a second go-live is refused', async () => {
    const w = publishWorld();
    const publish = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: ['a@b.co'] });
    await runThrough(w, { publisherId: 'contoso', offerId: 'o1', operationId: publish.id });
    const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    expect(go).toMatchObject({ submissionType: 'goLive', slot: 'production', offerVersion: 1, publishingVersion: 2, publishOperationId: publish.id, emails: ['a@b.co'] });
    expect(go.steps.map((s) => s.id)).toEqual(['displaycertify', 'final-publish', 'live']);
    expect(w.pipelineClient.raised).toEqual([{ instanceId: publish.id, event: 'GoLive', data: { operationId: go.id } }]);
    const signed = (await w.store.getOperation('contoso', 'o1', publish.id))!.value;
    expect(signed.steps.at(-1)?.status).toBe('complete');
    expect(signed.goLiveOperationId).toBe(go.id);
    await expect(w.goLive.goLive(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'OperationInProgress' });
    expect(w.pipelineClient.raised).toHaveLength(2); // the pending go-live was handed over again
  });

  it('when the submission’s orchestration is gone (the event cannot be raised), the go-live runs in its own instance', async () => {
    const w = publishWorld();
    const publish = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] });
    await runThrough(w, { publisherId: 'contoso', offerId: 'o1', operationId: publish.id });
    w.pipelineClient.raise = async () => {
      throw new Error('status code: 410');
    };
    const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    expect(w.pipelineClient.started).toEqual([publish.id, go.id]);
  });

  it('404 for an unknown offer', async () => {
    const w = publishWorld();
    w.catalog.draftFacts = undefined;
    await expect(w.goLive.goLive(CONTOSO, 'contoso', 'nope')).rejects.toMatchObject({ kind: 'not-found' });
  });
});
