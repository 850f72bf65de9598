/** The publisher's reads (specs/publish.md 2.5, 2.7, 2.11.8): the offer status, its operations, its notifications. */
import { NotFoundError, ValidationError } from '../../errors';
import { OPERATION_STATUSES, type Notification, type Operation, type OperationStatus } from '../model';
import type { PublishCatalog, PublishStore } from '../ports';
import { offerStatus, statusView, type StatusView } from '../rules/status';
import { authorize, type Caller } from './access';
import { offerNotFound } from './submit';

export class PublishQueries {
  readonly #deps: { store: PublishStore; catalog: PublishCatalog };

  constructor(deps: { store: PublishStore; catalog: PublishCatalog }) {
    this.#deps = deps;
  }

  async #exists(publisherId: string, offerId: string): Promise<void> {
    if (!(await this.#deps.catalog.draft(publisherId, offerId))) throw offerNotFound(publisherId, offerId);
  }

  async status(caller: Caller, publisherId: string, offerId: string): Promise<StatusView> {
    authorize(caller, publisherId, 'read');
    await this.#exists(publisherId, offerId);
    const ops = await this.#deps.store.listOperations(publisherId, offerId);
    const latestPublish = ops.find((o) => o.submissionType === 'publish');
    const goLive = latestPublish?.goLiveOperationId ? ops.find((o) => o.id === latestPublish.goLiveOperationId) : undefined;
    const lastLive = ops.find((o) => o.submissionType === 'goLive' && o.status === 'completed');
    const view = statusView(latestPublish, goLive, lastLive);
    // A stop distribution newer than the last submission decides the status (spec 2.12); its live links are gone.
    const newest = ops[0];
    if (newest?.submissionType === 'stopDistribution') {
      const stopped = newest.status === 'completed';
      return { ...view, status: offerStatus(newest), liveLinks: stopped ? [] : view.liveLinks };
    }
    return view;
  }

  async list(caller: Caller, publisherId: string, offerId: string, status?: string): Promise<Operation[]> {
    authorize(caller, publisherId, 'read');
    if (status !== undefined && !(OPERATION_STATUSES as readonly string[]).includes(status)) {
      throw new ValidationError(`The status filter must be one of ${OPERATION_STATUSES.join(', ')}.`, [
        { path: 'status', message: `must be one of ${OPERATION_STATUSES.join(', ')}` },
      ]);
    }
    await this.#exists(publisherId, offerId);
    const ops = await this.#deps.store.listOperations(publisherId, offerId);
    return status === undefined ? ops : ops.filter((o) => o.status === (status as OperationStatus));
  }

  async get(caller: Caller, publisherId: string, offerId: string, operationId: string): Promise<Operation> {
    authorize(caller, publisherId, 'read');
    await this.#exists(publisherId, offerId);
    const stored = await this.#deps.store.getOperation(publisherId, offerId, operationId);
    if (!stored) throw new NotFoundError(`The operation ${operationId} does not exist on the offer ${offerId}.`, 'OperationNotFound');
    return stored.value;
  }

  async notifications(caller: Caller, publisherId: string, offerId?: string): Promise<Notification[]> {
    authorize(caller, publisherId, 'read');
    return this.#deps.store.listNotifications(publisherId, offerId);
  }
}
