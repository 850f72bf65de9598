/**
 * `POST …/offers/{offerId}/cancel` (specs/publish.md 2.8, 3.8): cancels the running publish operation before
 * sign-off. The request is recorded on the operation first (`cancelRequested`, a conditional write that loses to
 * the sign-off step's own write, which refuses a requested cancel); then the orchestration is terminated and the
 * cancel applied (steps and operation `canceled`, lock released, publisher notified). A crash in between is
 * harmless: the pipeline's next step sees the request and cancels itself. Production is untouched; a preview this
 * publish already opened is withdrawn (decision 0605).
 */
import { ConflictError } from '../../errors';
import type { Operation } from '../model';
import type { PipelineClient, PublishCatalog, PublishStore } from '../ports';
import { cancelOperation, cancelRefusal, isTerminal } from '../rules/operation';
import { notificationOf } from '../rules/outcomes';
import { authorize, type Caller } from './access';
import { offerNotFound } from './submit';
import type { OperationWriter } from './writer';

export class CancelPublish {
  readonly #deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter };

  constructor(deps: { store: PublishStore; catalog: PublishCatalog; pipeline: PipelineClient; writer: OperationWriter }) {
    this.#deps = deps;
  }

  async cancel(caller: Caller, publisherId: string, offerId: string, extraEmails: string[] = []): Promise<Operation> {
    authorize(caller, publisherId, 'write');
    const { store, catalog, pipeline, writer } = this.#deps;
    if (!(await catalog.draft(publisherId, offerId))) throw offerNotFound(publisherId, offerId);
    const state = await store.getState(publisherId, offerId);
    const active = state?.value.activeOperationId ? await store.getOperation(publisherId, offerId, state.value.activeOperationId) : undefined;
    const refusal = cancelRefusal(active?.value);
    if (refusal || !active) {
      throw new ConflictError(
        refusal === 'OperationNotCancelable'
          ? 'The running operation is a go-live: it cannot be canceled.'
          : 'There is no publish operation to cancel (nothing is running, or it already reached sign-off).',
        refusal ?? 'NoCancelableOperation',
      );
    }
    const ref = { publisherId, offerId, operationId: active.value.id };
    const requested = await writer.apply(ref, (op, now) =>
      isTerminal(op) || op.cancellationRequestState !== 'canCancel'
        ? op
        : { ...op, cancellationRequestState: 'cancelRequested', emails: [...new Set([...op.emails, ...extraEmails])], version: op.version + 1, lastActionDateTime: now },
    );
    if (requested.cancellationRequestState !== 'cancelRequested') {
      throw new ConflictError('The operation reached sign-off (or ended) before the cancel: there is nothing to cancel.', 'NoCancelableOperation');
    }
    await pipeline.terminate(ref.operationId, 'canceled by the publisher').catch(() => undefined);
    const canceled = await writer.apply(ref, cancelOperation);
    if (canceled.status === 'canceled') {
      // A preview already opened by this publish is no longer offered to the audience (decision 0605).
      await catalog.withdrawPreview(publisherId, offerId, canceled.offerVersion);
      await store.addNotification(notificationOf(canceled, 'canceled', undefined, writer.now()));
    }
    return canceled;
  }
}
