/**
 * `POST …/offers/{offerId}/stopDistribution` (specs/publish.md 2.11.4, 3.10; decision 0604): only a live offer
 * (409 OfferNotLive), one operation at a time (409 OperationInProgress). Claims the offer with a `stopDistribution`
 * operation in one conditional transaction and hands it to the pipeline, whose single step waits the simulated
 * "few hours" and then makes a stop-sold copy of the live version live: new customers can no longer buy the offer,
 * existing subscriptions keep the version they bought. Publishing and going live again re-lists it.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors';
import type { Operation } from '../model';
import type { PipelineClient, PublishCatalog, PublishStore } from '../ports';
import { isTerminal } from '../rules/operation';
import { newStep } from '../rules/steps';
import { authorize, describeCaller, type Caller } from './access';
import { offerNotFound, resume } from './submit';
import type { OperationWriter } from './writer';

const MAX_ATTEMPTS = 8;

export class StopDistribution {
  readonly #deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter };

  constructor(deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter }) {
    this.#deps = deps;
  }

  async stop(caller: Caller, publisherId: string, offerId: string): Promise<Operation> {
    authorize(caller, publisherId, 'write');
    const { store, catalog, pipeline, writer } = this.#deps;
    const draft = await catalog.draft(publisherId, offerId);
    if (!draft) throw offerNotFound(publisherId, offerId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await store.getState(publisherId, offerId);
      const activeId = state?.value.activeOperationId ?? '';
      if (activeId !== '') {
        const active = await store.getOperation(publisherId, offerId, activeId);
        if (active && !isTerminal(active.value)) {
          await resume(pipeline, active.value).catch(() => undefined);
          throw new ConflictError(`The operation ${activeId} is in progress on the offer.`, 'OperationInProgress');
        }
      }
      const live = await catalog.liveVersion(publisherId, offerId);
      if (live === 0) throw new ConflictError('The offer is not live: there is no distribution to stop.', 'OfferNotLive');
      const now = writer.now();
      const count = (state?.value.operationCount ?? 0) + 1;
      const op: Operation = {
        id: randomUUID(),
        publisherId,
        offerId,
        offerTypeId: draft.offerTypeId,
        submissionType: 'stopDistribution',
        slot: 'production',
        offerVersion: live,
        publishingVersion: count,
        draftETag: draft.draftETag,
        status: 'notStarted',
        cancellationRequestState: 'cannotCancel',
        emails: [],
        steps: [newStep('stop-distribution')],
        previewLinks: [],
        liveLinks: [],
        previewAudience: [],
        version: 1,
        createdDateTime: now,
        lastActionDateTime: now,
        createdBy: describeCaller(caller),
      };
      const committed = await store.commit({
        state: {
          value: {
            publisherId,
            offerId,
            activeOperationId: op.id,
            latestPublishOperationId: state?.value.latestPublishOperationId ?? '',
            latestGoLiveOperationId: state?.value.latestGoLiveOperationId ?? '',
            operationCount: count,
          },
          ...(state ? { etag: state.etag } : {}),
        },
        operations: [{ value: op }],
      });
      if (committed === 'conflict') continue;
      await pipeline.start(op).catch(() => undefined); // resumed by the next request that meets it
      return op;
    }
    throw new ConflictError('The offer is changing too often; retry.', 'ConcurrentUpdate');
  }
}
