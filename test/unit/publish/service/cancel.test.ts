import { describe, expect, it } from 'vitest';
import { CONTOSO, publishWorld, runThrough } from '../../../fixtures/publish-fakes';

describe('CancelPublish', () => {
  it('cancels the running publish: terminates its orchestration, steps and operation canceled, lock released, notified', async () => {
    const w = publishWorld();
    const op = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] });
    const canceled = await w.cancel.cancel(CONTOSO, 'contoso', 'o1', ['x@y.co']);
    expect(canceled.status).toBe('canceled');
    expect(canceled.emails).toEqual(['x@y.co']);
    expect(canceled.steps.every((s) => s.status === 'canceled')).toBe(true);
    expect(w.pipelineClient.terminated).toEqual([op.id]);
    expect((await w.store.getState('contoso', 'o1'))!.value.activeOperationId).toBe('');
    expect(w.store.notifications.has(`${op.id}.canceled`)).toBe(true);
    await expect(w.goLive.goLive(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'PreviewNotReady' });
    expect(w.catalog.live).toBe(0);
    expect(w.catalog.withdrawn).toEqual([op.offerVersion]); // a preview it opened is no longer offered (decision 0605)
  });

  it('409 NoCancelableOperation with nothing running or past sign-off; OperationNotCancelable for a go-live', async () => {
    const w = publishWorld();
    await expect(w.cancel.cancel(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'NoCancelableOperation' });
    const op = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] });
    await runThrough(w, { publisherId: 'contoso', offerId: 'o1', operationId: op.id });
    await expect(w.cancel.cancel(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'NoCancelableOperation' });
    await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
    await expect(w.cancel.cancel(CONTOSO, 'contoso', 'o1')).rejects.toMatchObject({ code: 'OperationNotCancelable' });
  });
});
