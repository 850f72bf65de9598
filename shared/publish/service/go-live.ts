/**
 * `POST …/offers/{offerId}/golive` (specs/publish.md 2.9): the publisher's sign-off. Allowed only when nothing
 * holds the offer and the latest publish operation waits at sign-off (409 PreviewNotReady otherwise, also after a
 * cancel or a failure: republish, A49). In one conditional transaction: the go-live operation, the lock and the
 * publish operation's sign-off step; then the `GoLive` event carries it to the submission's orchestration, which
 * runs the go-live steps.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors';
import type { Operation } from '../model';
import type { PipelineClient, PublishCatalog, PublishStore } from '../ports';
import { goLiveRefusal, signOff } from '../rules/operation';
import { goLiveStepIds, newStep } from '../rules/steps';
import { authorize, describeCaller, type Caller } from './access';
import { offerNotFound, resume } from './submit';
import type { OperationWriter } from './writer';

const MAX_ATTEMPTS = 8;

export class GoLive {
  readonly #deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter };

  constructor(deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter }) {
    this.#deps = deps;
  }

  async goLive(caller: Caller, publisherId: string, offerId: string): Promise<Operation> {
    authorize(caller, publisherId, 'write');
    const { store, catalog, pipeline, writer } = this.#deps;
    if (!(await catalog.draft(publisherId, offerId))) throw offerNotFound(publisherId, offerId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await store.getState(publisherId, offerId);
      const latest = state?.value.latestPublishOperationId ? await store.getOperation(publisherId, offerId, state.value.latestPublishOperationId) : undefined;
      const refusal = goLiveRefusal(state?.value, latest?.value);
      if (refusal === 'OperationInProgress' && state) {
        const active = await store.getOperation(publisherId, offerId, state.value.activeOperationId);
        if (active) await resume(pipeline, active.value).catch(() => undefined);
        throw new ConflictError(`The operation ${state.value.activeOperationId} is in progress on the offer.`, 'OperationInProgress');
      }
      if (refusal || !state || !latest) {
        throw new ConflictError('There is no preview waiting for your sign-off: publish the offer and wait for its preview.', 'PreviewNotReady');
      }
      const now = writer.now();
      const count = state.value.operationCount + 1;
      const op: Operation = {
        id: randomUUID(),
        publisherId,
        offerId,
        offerTypeId: latest.value.offerTypeId,
        submissionType: 'goLive',
        slot: 'production',
        offerVersion: latest.value.offerVersion,
        publishingVersion: count,
        draftETag: latest.value.draftETag,
        status: 'notStarted',
        cancellationRequestState: 'cannotCancel',
        emails: latest.value.emails,
        publishOperationId: latest.value.id,
        steps: goLiveStepIds(latest.value.offerTypeId).map(newStep),
        previewLinks: latest.value.previewLinks,
        liveLinks: [],
        previewAudience: latest.value.previewAudience,
        version: 1,
        createdDateTime: now,
        lastActionDateTime: now,
        createdBy: describeCaller(caller),
      };
      const committed = await store.commit({
        state: { value: { ...state.value, activeOperationId: op.id, latestGoLiveOperationId: op.id, operationCount: count }, etag: state.etag },
        operations: [{ value: op }, { value: signOff(latest.value, op.id, now), etag: latest.etag }],
      });
      if (committed === 'conflict') continue;
      await resume(pipeline, op).catch(() => undefined); // a lost event is raised again by the next request that meets it
      return op;
    }
    throw new ConflictError('The offer is changing too often to go live now; retry.', 'ConcurrentUpdate');
  }
}
