import { describe, expect, it } from 'vitest';
import { PausePoints } from '../../../../shared/faults';
import { FAULT_SUBMIT_BEFORE_CLAIM } from '../../../../shared/publish/service/submit';
import { CONTOSO, OPERATOR, publishWorld } from '../../../fixtures/publish-fakes';

const request = { ifMatch: null, emails: ['jdoe@contoso.test'] };

describe('SubmitPublish', () => {
  it('claims the offer, freezes version N for this operation, starts its orchestration, notifies', async () => {
    const w = publishWorld();
    const op = await w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    expect(op).toMatchObject({ status: 'notStarted', offerVersion: 1, publishingVersion: 1, submissionType: 'publish', slot: 'preview', emails: ['jdoe@contoso.test'] });
    expect(op.steps.map((s) => s.id)).toEqual(['displaydummycertify', 'package-validation', 'preview-creation', 'publisher-signoff']);
    expect(w.catalog.frozen.get(1)).toBe(`publish:${op.id}`);
    expect(w.pipelineClient.started).toEqual([op.id]);
    expect((await w.store.getState('contoso', 'o1'))?.value).toEqual({
      publisherId: 'contoso',
      offerId: 'o1',
      activeOperationId: op.id,
      latestPublishOperationId: op.id,
      latestGoLiveOperationId: '',
      operationCount: 1,
    });
    expect([...w.store.notifications.keys()]).toEqual([`${op.id}.submitted`]);
  });

  it('refuses a second submission while the first holds the offer, and hands the first over again', async () => {
    const w = publishWorld();
    const first = await w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o1', request)).rejects.toMatchObject({ kind: 'conflict', code: 'OperationInProgress' });
    expect(w.pipelineClient.started).toEqual([first.id, first.id]);
    expect(await w.store.listOperations('contoso', 'o1')).toHaveLength(1);
  });

  it('two submissions lined up between reading the state and claiming: exactly one wins', async () => {
    const faults = new PausePoints();
    const w = publishWorld({ faults });
    const gate = faults.pause(FAULT_SUBMIT_BEFORE_CLAIM);
    const a = w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    const b = w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    await gate.arrivals(2);
    gate.release();
    const results = await Promise.allSettled([a, b]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'OperationInProgress' } });
    expect(await w.store.listOperations('contoso', 'o1')).toHaveLength(1);
    expect(w.catalog.frozen.size).toBe(1);
  });

  it('422 with the problems per field, and nothing written', async () => {
    const w = publishWorld();
    w.catalog.draftFacts = { version: 1, draftETag: 'W/"d1"', offerTypeId: 'microsoft-saas', leadDestination: 'None', problems: [{ code: 'RequiredFieldMissing', message: 'is required', target: "definition.offer['t']" }] };
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o1', request)).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'ValidationFailed',
      violations: [{ path: "definition.offer['t']", message: 'is required', code: 'RequiredFieldMissing' }],
    });
    expect(w.store.rows.size).toBe(0);
    expect(w.catalog.frozen.size).toBe(0);
  });

  it('404 for an unknown offer, 403 for another namespace or an operator, 412 for a stale If-Match', async () => {
    const w = publishWorld();
    await expect(w.submit.submit({ kind: 'publisher', publisherId: 'fabrikam' }, 'contoso', 'o1', request)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(w.submit.submit(OPERATOR, 'contoso', 'o1', request)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o1', { ...request, ifMatch: 'W/"old"' })).rejects.toMatchObject({ kind: 'precondition-failed' });
    const ok = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ...request, ifMatch: '"x", W/"d1"' });
    expect(ok.offerVersion).toBe(1);
    w.catalog.draftFacts = undefined;
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o2', request)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('a draft that changed before the freeze: the operation fails (DraftChanged), the lock is released, 412', async () => {
    const w = publishWorld();
    const original = w.catalog.freeze.bind(w.catalog);
    w.catalog.freeze = async () => 'stale';
    await expect(w.submit.submit(CONTOSO, 'contoso', 'o1', request)).rejects.toMatchObject({ kind: 'precondition-failed' });
    const [op] = await w.store.listOperations('contoso', 'o1');
    expect(op).toMatchObject({ status: 'failed', error: { code: 'DraftChanged' } });
    expect((await w.store.getState('contoso', 'o1'))?.value.activeOperationId).toBe('');
    w.catalog.freeze = original;
    expect((await w.submit.submit(CONTOSO, 'contoso', 'o1', request)).publishingVersion).toBe(2);
  });

  it('a submission while a preview waits for sign-off supersedes it: the old orchestration is terminated', async () => {
    const w = publishWorld();
    const first = await w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    await w.pipeline.begin({ publisherId: 'contoso', offerId: 'o1', operationId: first.id });
    await w.store.commit({ state: { value: { ...(await w.store.getState('contoso', 'o1'))!.value, activeOperationId: '' }, etag: (await w.store.getState('contoso', 'o1'))!.etag }, operations: [] });
    const second = await w.submit.submit(CONTOSO, 'contoso', 'o1', request);
    expect(second).toMatchObject({ offerVersion: 2, publishingVersion: 2 });
    expect(w.pipelineClient.terminated).toEqual([first.id]);
  });
});
