/**
 * The publish store (store/publish-table.ts; decision 0600) against Azurite: the claim is one entity-group
 * transaction whose conditions Azurite enforces (insert-only state row, If-Match on replaced rows), so two
 * submissions lined up between reading the state and claiming cannot both win; operations list newest first;
 * notifications are insert-only. Able to fail against a store that writes rows one by one or without conditions.
 */
import { describe, expect, it } from 'vitest';
import { PausePoints } from '../../../shared/faults';
import type { Notification, Operation, PublishState } from '../../../shared/publish/model';
import { SubmitPublish, FAULT_SUBMIT_BEFORE_CLAIM } from '../../../shared/publish/service/submit';
import { OperationWriter } from '../../../shared/publish/service/writer';
import { TablePublishStore } from '../../../shared/publish/store/publish-table';
import { FakeClock } from '../../fixtures/leads-fakes';
import { CONTOSO, FakeCatalog, FakePipeline } from '../../fixtures/publish-fakes';
import { testStorage } from '../../fixtures/storage';

function store(): TablePublishStore {
  const storage = testStorage();
  return new TablePublishStore(() => storage.table('Publish'), () => storage.table('PublishNotifications'));
}

const state = (over: Partial<PublishState> = {}): PublishState => ({
  publisherId: 'contoso',
  offerId: 'o1',
  activeOperationId: 'a',
  latestPublishOperationId: 'a',
  latestGoLiveOperationId: '',
  operationCount: 1,
  ...over,
});

const op = (id: string, publishingVersion: number): Operation =>
  ({ id, publisherId: 'contoso', offerId: 'o1', publishingVersion, status: 'running', steps: [] }) as unknown as Operation;

describe('TablePublishStore', () => {
  it('inserts the state row once; replaces it only with its current ETag; a failed transaction writes nothing', async () => {
    const s = store();
    expect(await s.commit({ state: { value: state() }, operations: [{ value: op('a', 1) }] })).toBe('committed');
    expect(await s.commit({ state: { value: state({ activeOperationId: 'b' }) }, operations: [{ value: op('b', 2) }] })).toBe('conflict');
    expect(await s.getOperation('contoso', 'o1', 'b')).toBeUndefined(); // the whole transaction failed
    const current = (await s.getState('contoso', 'o1'))!;
    expect(await s.commit({ state: { value: state({ activeOperationId: 'c' }), etag: current.etag }, operations: [{ value: op('c', 2) }] })).toBe('committed');
    expect(await s.commit({ state: { value: state({ activeOperationId: 'd' }), etag: current.etag }, operations: [] })).toBe('conflict');
    expect((await s.getState('contoso', 'o1'))!.value.activeOperationId).toBe('c');
    expect((await s.listOperations('contoso', 'o1')).map((o) => o.id)).toEqual(['c', 'a']);
    expect(await s.listOperations('contoso', 'other')).toEqual([]);
  });

  it('two submissions lined up between reading the state and claiming: one 202, one 409, one operation stored', async () => {
    const s = store();
    const faults = new PausePoints();
    const catalog = new FakeCatalog();
    const submit = new SubmitPublish({ store: s, catalog, pipeline: new FakePipeline(), writer: new OperationWriter(s, new FakeClock('2026-05-01T00:00:00Z')), faults });
    const gate = faults.pause(FAULT_SUBMIT_BEFORE_CLAIM);
    const runs = [submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] }), submit.submit(CONTOSO, 'contoso', 'o1', { ifMatch: null, emails: [] })];
    await gate.arrivals(2);
    gate.release();
    const results = await Promise.allSettled(runs);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'OperationInProgress' } });
    expect(await s.listOperations('contoso', 'o1')).toHaveLength(1);
    expect(catalog.frozen.size).toBe(1);
  });

  it('notifications are insert-only: the same id twice is stored once, listed per offer', async () => {
    const s = store();
    const n = (id: string, offerId: string, subject: string): Notification => ({
      id,
      publisherId: 'contoso',
      offerId,
      operationId: 'a',
      event: 'live',
      to: [],
      subject,
      bodyHtml: '',
      timestamp: '2026-05-01T00:00:00.000Z',
    });
    await s.addNotification(n('a.live', 'o1', 'first'));
    await s.addNotification(n('a.live', 'o1', 'second'));
    await s.addNotification(n('b.live', 'o2', 'other'));
    expect((await s.listNotifications('contoso', 'o1')).map((x) => x.subject)).toEqual(['first']);
    expect(await s.listNotifications('contoso')).toHaveLength(2);
  });
});
