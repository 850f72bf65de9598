/**
 * The reviewer's certification decision (specs/publish.md 2.11.7, 3.5; operators): approve or reject the
 * operation whose certification step waits for approval, with a report (messages and review notes). The decision
 * is recorded on the operation first, then the `CertificationDecision` event wakes its orchestration; repeating
 * the same request after a lost event raises it again.
 */
import { ConflictError, NotFoundError } from '../../errors';
import type { CertificationDecision, Message, Operation } from '../model';
import type { PipelineClient, PublishStore } from '../ports';
import { isTerminal, stepOf } from '../rules/operation';
import { authorize, describeCaller, type Caller } from './access';
import type { OperationWriter } from './writer';

export interface DecisionRequest {
  decision: 'approve' | 'reject';
  messages: Omit<Message, 'timestamp'>[];
  reviewNotes?: string;
}

export class DecideCertification {
  readonly #deps: { store: PublishStore; pipeline: PipelineClient; writer: OperationWriter };

  constructor(deps: { store: PublishStore; pipeline: PipelineClient; writer: OperationWriter }) {
    this.#deps = deps;
  }

  async decide(caller: Caller, publisherId: string, offerId: string, operationId: string, request: DecisionRequest): Promise<Operation> {
    authorize(caller, publisherId, 'certify');
    const { store, pipeline, writer } = this.#deps;
    const stored = await store.getOperation(publisherId, offerId, operationId);
    if (!stored) throw new NotFoundError(`The operation ${operationId} does not exist on the offer ${offerId}.`, 'OperationNotFound');
    const now = writer.now();
    const decision: CertificationDecision = {
      decision: request.decision,
      messages: request.messages.map((m) => ({ ...m, timestamp: now })),
      ...(request.reviewNotes ? { reviewNotes: request.reviewNotes } : {}),
      decidedBy: describeCaller(caller),
    };
    const waiting = (op: Operation) => !isTerminal(op) && stepOf(op, 'displaycertify')?.status === 'waitingForApproval';
    const op = await writer.apply({ publisherId, offerId, operationId }, (o, at) =>
      waiting(o) && !o.certification ? { ...o, certification: decision, version: o.version + 1, lastActionDateTime: at } : o,
    );
    if (!waiting(op) || op.certification?.decision !== request.decision) {
      throw new ConflictError('The operation is not waiting for a certification decision.', 'CertificationNotAwaitingDecision');
    }
    await pipeline.raise(op.publishOperationId ?? op.id, 'CertificationDecision', { operationId: op.id });
    return op;
  }
}
