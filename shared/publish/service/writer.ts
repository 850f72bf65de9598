/**
 * The one way the publish use cases change an operation: read it (and the offer's state row), apply a pure
 * change, commit both conditionally, retry on a lost race. When the change ends the operation (or reaches
 * sign-off), the lock is released in the same transaction; the notification that goes with it is stored after.
 */
import type { Clock } from '../../clock';
import type { Operation, PublishState } from '../model';
import type { PublishStore } from '../ports';
import { releaseLock } from '../rules/operation';

const MAX_ATTEMPTS = 8;

export interface OperationRef {
  publisherId: string;
  offerId: string;
  operationId: string;
}

export class OperationWriter {
  readonly #store: PublishStore;
  readonly #clock: Clock;

  constructor(store: PublishStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  now(): string {
    return this.#clock.now().toISOString();
  }

  async read(ref: OperationRef): Promise<Operation> {
    const stored = await this.#store.getOperation(ref.publisherId, ref.offerId, ref.operationId);
    if (!stored) throw new Error(`The operation ${ref.operationId} of ${ref.publisherId}/${ref.offerId} does not exist.`);
    return stored.value;
  }

  /**
   * Applies `change` to the operation (and `stateChange` to the state row, with the lock released when the result
   * ends the operation); returns the operation as stored. A change that returns the same object writes nothing.
   */
  async apply(
    ref: OperationRef,
    change: (op: Operation, now: string) => Operation,
    stateChange: (state: PublishState, op: Operation) => PublishState = releaseLock,
  ): Promise<Operation> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.#store.getOperation(ref.publisherId, ref.offerId, ref.operationId);
      if (!stored) throw new Error(`The operation ${ref.operationId} of ${ref.publisherId}/${ref.offerId} does not exist.`);
      const next = change(stored.value, this.now());
      if (next === stored.value) return next;
      const state = await this.#store.getState(ref.publisherId, ref.offerId);
      const nextState = state ? stateChange(state.value, next) : undefined;
      const changes = {
        operations: [{ value: next, etag: stored.etag }],
        ...(state && nextState && nextState !== state.value ? { state: { value: nextState, etag: state.etag } } : {}),
      };
      if ((await this.#store.commit(changes)) === 'committed') return next;
    }
    throw new Error(`The operation ${ref.operationId} kept changing; giving up for now (the caller retries).`);
  }
}
