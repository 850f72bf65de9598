/**
 * `POST …/offers/{offerId}/publish` (specs/publish.md 2.6): checks in the documented order (404, If-Match 412,
 * 409 while an operation holds the offer, 422 with the messages), then claims the offer and creates the operation
 * in one conditional transaction (two submissions cannot both win), freezes the draft as version N (not live),
 * hands the operation to its orchestration and answers 202. A crash after the claim leaves a `notStarted`
 * operation holding the offer: the next request that meets it starts its orchestration again (`resume`).
 */
import { randomUUID } from 'node:crypto';
import type { Faults } from '../../faults';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '../../errors';
import type { Operation } from '../model';
import type { PipelineClient, PublishCatalog, PublishStore } from '../ports';
import { isTerminal } from '../rules/operation';
import { notificationOf } from '../rules/outcomes';
import { newStep, publishStepIds } from '../rules/steps';
import { authorize, describeCaller, type Caller } from './access';
import type { OperationWriter } from './writer';

/** Interleaving point: the offer's state row is read, the claim not committed yet (two submissions line up here). */
export const FAULT_SUBMIT_BEFORE_CLAIM = 'publish.submit.before-claim';
/** Crash point (CRASH_AT): the operation is claimed and the version frozen, the orchestration not started yet. */
export const FAULT_SUBMIT_BEFORE_START = 'publish.submit.before-start';

const MAX_ATTEMPTS = 8;

export interface SubmitRequest {
  /** The If-Match header: optional; when present it must match the draft's ETag (spec 2.0). */
  ifMatch: string | null;
  emails: string[];
  notesForCertification?: string;
}

export interface SubmitDeps {
  store: PublishStore;
  catalog: PublishCatalog;
  pipeline: PipelineClient;
  writer: OperationWriter;
  faults: Faults;
}

function etagsOf(header: string): string[] {
  return header.split(',').map((e) => e.trim().replace(/^W\//, ''));
}

export function offerNotFound(publisherId: string, offerId: string): NotFoundError {
  return new NotFoundError(`The offer ${offerId} does not exist in the namespace ${publisherId}.`, 'EntityNotFound');
}

/** Hands an operation that holds its offer but never started over to its orchestration again (idempotent). */
export async function resume(pipeline: PipelineClient, op: Operation): Promise<void> {
  if (op.status !== 'notStarted') return;
  if (op.submissionType !== 'goLive') await pipeline.start(op);
  else if (op.publishOperationId) {
    try {
      await pipeline.raise(op.publishOperationId, 'GoLive', { operationId: op.id });
    } catch {
      // The submission's orchestration is gone (failed, terminated): the go-live runs in its own instance, whose
      // steps are as idempotent as anywhere else.
      await pipeline.start(op);
    }
  }
}

export class SubmitPublish {
  readonly #deps: SubmitDeps;

  constructor(deps: SubmitDeps) {
    this.#deps = deps;
  }

  async submit(caller: Caller, publisherId: string, offerId: string, request: SubmitRequest): Promise<Operation> {
    authorize(caller, publisherId, 'write');
    const { store, catalog, pipeline, writer } = this.#deps;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const draft = await catalog.draft(publisherId, offerId);
      if (!draft) throw offerNotFound(publisherId, offerId);
      if (request.ifMatch !== null && request.ifMatch.trim() !== '*' && !etagsOf(request.ifMatch).includes(draft.draftETag.replace(/^W\//, ''))) {
        throw new PreconditionFailedError('The If-Match ETag does not match the current draft: GET the offer and retry.');
      }
      const state = await store.getState(publisherId, offerId);
      const activeId = state?.value.activeOperationId ?? '';
      if (activeId !== '') {
        const active = await store.getOperation(publisherId, offerId, activeId);
        if (active && !isTerminal(active.value)) {
          await resume(pipeline, active.value).catch(() => undefined);
          throw new ConflictError(`The operation ${activeId} is in progress on the offer; wait for it to finish or cancel it.`, 'OperationInProgress');
        }
      }
      if (draft.problems.length > 0) {
        throw new UnprocessableError(
          'The offer failed validation and cannot be published.',
          'ValidationFailed',
          draft.problems.map((p) => ({ path: p.target ?? '', message: p.message, code: p.code })),
        );
      }
      const now = writer.now();
      const count = (state?.value.operationCount ?? 0) + 1;
      const op: Operation = {
        id: randomUUID(),
        publisherId,
        offerId,
        offerTypeId: draft.offerTypeId,
        submissionType: 'publish',
        slot: 'preview',
        offerVersion: draft.version,
        publishingVersion: count,
        draftETag: draft.draftETag,
        status: 'notStarted',
        cancellationRequestState: 'canCancel',
        emails: request.emails,
        ...(request.notesForCertification ? { notesForCertification: request.notesForCertification } : {}),
        steps: publishStepIds({ offerTypeId: draft.offerTypeId, hasLeadDestination: draft.leadDestination !== 'None' }).map(newStep),
        previewLinks: [],
        liveLinks: [],
        previewAudience: [],
        version: 1,
        createdDateTime: now,
        lastActionDateTime: now,
        createdBy: describeCaller(caller),
      };
      const previous = state?.value.latestPublishOperationId ?? '';
      await this.#deps.faults.reach(FAULT_SUBMIT_BEFORE_CLAIM);
      const claimed = await store.commit({
        state: {
          value: {
            publisherId,
            offerId,
            activeOperationId: op.id,
            latestPublishOperationId: op.id,
            latestGoLiveOperationId: state?.value.latestGoLiveOperationId ?? '',
            operationCount: count,
          },
          ...(state ? { etag: state.etag } : {}),
        },
        operations: [{ value: op }],
      });
      if (claimed === 'conflict') continue;
      if ((await catalog.freeze(publisherId, offerId, op.offerVersion, op.draftETag, `publish:${op.id}`)) === 'stale') {
        await writer.apply({ publisherId, offerId, operationId: op.id }, (o, at) => ({
          ...o,
          status: 'failed',
          cancellationRequestState: 'cannotCancel',
          error: { code: 'DraftChanged', message: 'The draft changed while it was submitted.' },
          version: o.version + 1,
          lastActionDateTime: at,
        }));
        throw new PreconditionFailedError('The draft changed while it was being submitted: GET the offer and publish again.');
      }
      // A newer submission supersedes a preview still waiting for sign-off (spec 3.7): its orchestration ends.
      if (previous !== '') await pipeline.terminate(previous, 'superseded by a newer submission').catch(() => undefined);
      await store.addNotification(notificationOf(op, 'submitted', undefined, now));
      await this.#deps.faults.reach(FAULT_SUBMIT_BEFORE_START);
      await pipeline.start(op).catch(() => undefined); // a failed start is resumed by the next request that meets it
      return op;
    }
    throw new ConflictError('The offer is changing too often to publish it now; retry.', 'ConcurrentUpdate');
  }
}
