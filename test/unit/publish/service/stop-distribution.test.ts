import { describe, expect, it } from 'vitest';
import { CONTOSO, publishWorld, runThrough } from '../../../fixtures/publish-fakes';

describe('StopDistribution', () => {
  it('409 OfferNotLive when nothing is live', async () => {
    const w = publishWorld();
    await expect(w.stop.stop(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'OfferNotLive' });
    expect(w.store.rows.size).toBe(0);
  });

  it('claims the offer with a one-step operation that stops distribution through the catalog, then releases it', async () => {
    const w = publishWorld();
    w.catalog.live = 3;
    const op = await w.stop.stop(CONTOSO, 'contoso', 'o1');
    expect(op).toMatchObject({ submissionType: 'stopDistribution', slot: 'production', offerVersion: 3, cancellationRequestState: 'cannotCancel' });
    expect(w.pipelineClient.started).toEqual([op.id]);
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] })).rejects.toMatchObject({ code: 'OperationInProgress' });
    expect(await runThrough(w, { publisherId: 'contoso', offerId: 'o1', operationId: op.id })).toBe('completed');
    expect(w.catalog.stopCalls).toBe(1);
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
    expect(w.store.notifications.has(`${op.id}.stopped`)).toBe(true);
    expect((await w.queries.status(CONTOSO, 'contoso', 'o1')).status).toBe('succeeded');
  });
});
