import { describe, expect, it } from 'vitest';
import { CONTOSO, OPERATOR, publishWorld, runThrough } from '../../../fixtures/publish-fakes';

async function waitingGoLive() {
  const w = publishWorld({ certificationMode: 'manual' });
  const publish = await w.submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] });
  const ref = { publisherId: 'contoso', offerId: 'o1', operationId: publish.id };
  await runThrough(w, ref);
  const go = await w.goLive.goLive(CONTOSO, 'contoso', 'o1');
  expect(await runThrough(w, { ...ref, operationId: go.id })).toBe('waiting');
  return { w, publish, go, goRef: { ...ref, operationId: go.id } };
}

describe('DecideCertification', () => {
  it('records the decision and raises the event to the submission’s orchestration; a repeat raises it again', async () => {
    const { w, publish, go, goRef } = await waitingGoLive();
    await w.certify.decide(OPERATOR, 'contoso', 'o1', go.id, { decision: 'reject', messages: [{ messageHtml: 'Policy 1.1 failed.', level: 'error' }], reviewNotes: 'fix it' });
    await w.certify.decide(OPERATOR, 'contoso', 'o1', go.id, { decision: 'reject', messages: [] });
    expect(w.pipelineClient.raised.filter((r) => r.event === 'CertificationDecision')).toEqual([
      { instanceId: publish.id, event: 'CertificationDecision', data: { operationId: go.id } },
      { instanceId: publish.id, event: 'CertificationDecision', data: { operationId: go.id } },
    ]);
    await expect(w.certify.decide(OPERATOR, 'contoso', 'o1', go.id, { decision: 'approve', messages: [] })).rejects.toMatchObject({ code: 'CertificationNotAwaitingDecision' });
    expect(await w.pipeline.run(goRef, 'displaycertify')).toBe('rejected');
    expect(await w.pipeline.finish(goRef, 'displaycertify')).toBe('failed');
    const op = (await w.store.getOperation('contoso', 'o1', go.id))!.value;
    expect(op.steps[0]?.messages.map((m) => m.messageHtml)).toEqual(['Policy 1.1 failed.', 'fix it']);
    await expect(w.certify.decide(OPERATOR, 'contoso', 'o1', go.id, { decision: 'reject', messages: [] })).rejects.toMatchObject({ code: 'CertificationNotAwaitingDecision' });
  });

  it('an approval lets the step pass', async () => {
    const { w, go, goRef } = await waitingGoLive();
    await w.certify.decide(OPERATOR, 'contoso', 'o1', go.id, { decision: 'approve', messages: [] });
    expect(await w.pipeline.run(goRef, 'displaycertify')).toBe('passed');
  });

  it('publishers get 403; an unknown operation 404', async () => {
    const { w, go } = await waitingGoLive();
    await expect(w.certify.decide(CONTOSO, 'contoso', 'o1', go.id, { decision: 'approve', messages: [] })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(w.certify.decide(OPERATOR, 'contoso', 'o1', 'nope', { decision: 'approve', messages: [] })).rejects.toMatchObject({ kind: 'not-found' });
  });
});
