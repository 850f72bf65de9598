/**
 * Plan and quantity changes and cancellation (A1.3.6, A1.3.7, A2 rows 6–7 and 21–24), from either side: the ISV
 * through the fulfillment API (`Publisher`: refusals are 400) or the marketplace, that is the customer in the
 * storefront (`Marketplace`: refusals are 409, a no-op is a `Conflict` operation). The fulfillment API and the
 * storefront use cases call this one.
 */
import { canBuy } from '../../catalog/rules/live';
import type { Change, Initiator, OperationAction, OperationRecord, SubscriptionRecord } from '../model';
import { bad, conflict } from '../rules/errors';
import { isPerUser, seatRange } from '../rules/plans';
import type { SaasCore } from './internal';
import { unsubscribeWrites } from './transitions';

/** A refusal in the initiator's vocabulary: a bad request from the ISV, a conflict for the marketplace. */
const refuse = (source: Initiator, code: string, message: string) =>
  source === 'Publisher' ? bad(code, message) : conflict(code, message);

export class SubscriptionChanges {
  readonly #core: SaasCore;

  constructor(core: SaasCore) {
    this.#core = core;
  }

  /**
   * A plan or quantity change (A2 rows 6–7). The publisher's request is rejected synchronously when it is a no-op;
   * a marketplace-side no-op creates a `Conflict` operation with no webhook [004:26065-26066].
   */
  async change(publisherId: string, id: string, change: Change, source: Initiator): Promise<OperationRecord> {
    const core = this.#core;
    return core.mutate(
      () => core.owned(publisherId, id),
      async ({ value: sub, etag }) => {
        const action: OperationAction = 'planId' in change ? 'ChangePlan' : 'ChangeQuantity';
        if (source === 'Publisher' && !sub.allowedCustomerOperations.includes('Update')) {
          throw bad('OperationNotAllowed', 'Update is not in allowedCustomerOperations (a CSP purchase).');
        }
        if (sub.status !== 'Subscribed') {
          throw refuse(
            source,
            'InvalidSubscriptionStatus',
            `The subscription is ${sub.status}; only a Subscribed subscription can be changed.`,
          );
        }
        if (sub.lockedBy) {
          throw refuse(source, 'SubscriptionLocked', `Operation ${sub.lockedBy} is awaiting acknowledgement; retry after it completes.`);
        }
        const noOp = 'planId' in change ? change.planId === sub.planId : change.quantity === sub.quantity;
        if (noOp && source === 'Publisher') {
          throw 'planId' in change
            ? bad('PlanAlreadyOnSubscription', `The subscription already has plan '${change.planId}'.`, 'planId')
            : bad('QuantityAlreadyOnSubscription', `The subscription already has quantity ${change.quantity}.`, 'quantity');
        }
        if (noOp) {
          const op = { ...core.operation(sub, action, source), status: 'Conflict' as const };
          return { writes: [{ kind: 'operation', value: op }], result: op };
        }
        const { hasTrial, ...target } = await this.#target(sub, change);
        const op: OperationRecord = {
          ...core.operation(sub, action, source, target),
          ...(hasTrial !== undefined ? { targetHasTrial: hasTrial } : {}),
        };
        return { writes: core.changeWrites({ ...sub, lockedBy: op.id }, etag, op), result: op };
      },
    );
  }

  /** DELETE (A2 rows 21–24): any non-terminal status; webhook only for Subscribed/Suspended [DEC-A31]. */
  async cancel(publisherId: string, id: string, source: Initiator): Promise<OperationRecord> {
    const core = this.#core;
    return core.mutate(
      () => core.owned(publisherId, id),
      async ({ value: sub, etag }) => {
        if (source === 'Publisher' && !sub.allowedCustomerOperations.includes('Delete')) {
          throw bad('OperationNotAllowed', 'Delete is not in allowedCustomerOperations (a CSP purchase).');
        }
        if (sub.status === 'Unsubscribed') throw refuse(source, 'InvalidSubscriptionStatus', 'The subscription is already Unsubscribed.');
        return unsubscribeWrites(core, sub, etag, source);
      },
    );
  }

  /** Validates a plan or quantity change against the subscription's frozen offer (A1.3.6, A1.3.7). */
  async #target(sub: SubscriptionRecord, change: Change): Promise<{ planId: string; quantity?: number; hasTrial?: boolean }> {
    const offer = await this.#core.catalog.getLiveOffer(sub.publisherId, sub.offerId);
    if ('planId' in change) {
      const plan = offer?.plans.find((p) => p.planId === change.planId);
      if (!plan || !canBuy(plan, sub.beneficiary.tenantId)) {
        throw bad('PlanNotAvailable', `The plan '${change.planId}' is not available to this subscription.`, 'planId');
      }
      let quantity = sub.quantity;
      if (isPerUser(plan)) {
        const { min, max } = seatRange(plan);
        quantity = Math.min(Math.max(quantity ?? min, min), max);
        if (sub.quantity !== undefined && (sub.quantity < min || sub.quantity > max)) {
          throw bad('QuantityOutOfRange', `The current quantity ${sub.quantity} is outside the plan's range ${min}–${max}.`, 'planId');
        }
      } else quantity = undefined;
      return { planId: plan.planId, ...(quantity !== undefined ? { quantity } : {}), hasTrial: plan.freeTrial };
    }
    const current = (await this.#core.offerOf(sub)).plans.find((p) => p.planId === sub.planId);
    const livePlan = offer?.plans.find((p) => p.planId === sub.planId) ?? current;
    if (!livePlan || !isPerUser(livePlan))
      throw bad('QuantityNotValidForPlan', 'The plan is not priced per seat; it has no quantity.', 'quantity');
    const { min, max } = seatRange(livePlan);
    if (change.quantity < min || change.quantity > max) {
      throw bad('QuantityOutOfRange', `quantity must be between ${min} and ${max} for plan '${sub.planId}'.`, 'quantity');
    }
    return { planId: sub.planId, quantity: change.quantity };
  }
}
