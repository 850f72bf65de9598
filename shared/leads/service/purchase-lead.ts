/**
 * A SaaS purchase's lead (decision 0501): a Get it now lead from Azure Marketplace with the purchaser's e-mail,
 * consent given by the purchase terms [L2701], captured with the idempotency key `saas-purchase:{subscriptionId}`
 * so a retried capture of the same purchase is one lead. A purchase whose details cannot make a lead (a rule of the
 * capture refuses them) still goes through: there is nothing to store; a storage failure is thrown, so the purchase
 * fails before its subscription is written and the customer's retry captures it.
 */
import { DomainError } from '../../errors';
import type { CaptureLead, CaptureOutcome } from './capture';

export interface PurchaseFacts {
  publisherId: string;
  offerId: string;
  planId: string;
  subscriptionId: string;
  email: string;
  at: string;
}

export class PurchaseLead {
  readonly #capture: CaptureLead;
  readonly #log: (message: string) => void;

  constructor(capture: CaptureLead, log: (message: string) => void = () => undefined) {
    this.#capture = capture;
    this.#log = log;
  }

  async purchased(p: PurchaseFacts): Promise<CaptureOutcome | undefined> {
    const body = { kind: 'saas-purchase', subscriptionId: p.subscriptionId, planId: p.planId, email: p.email, at: p.at };
    try {
      return await this.#capture.capture({
        publisherId: p.publisherId,
        offerId: p.offerId,
        trigger: 'GetItNow',
        storefront: 'AzureMarketplace',
        planId: p.planId,
        userDetails: { Email: p.email },
        consent: { Given: true, At: p.at },
        idempotencyKey: `saas-purchase:${p.subscriptionId}`,
        body,
        subscriptionId: p.subscriptionId,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.#log(`Purchase ${p.subscriptionId} of ${p.publisherId}.${p.offerId} makes no lead: ${error.message}`);
      return undefined;
    }
  }
}
