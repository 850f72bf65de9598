/**
 * The other capabilities' records as the datasets read them (decision 0901), adapted from the ports the
 * composition root passes: SaaS subscriptions (paged through the SaaS store), accepted usage (the metering store's
 * partition-range scan, streamed) and the catalog's production offers. Read-only.
 */
import type { LiveOffer, LivePlan, OfferCatalog } from '../../catalog/ports';
import type { SubscriptionRecord } from '../../saas/model';
import { currentTerm } from '../../saas/rules/lifecycle';
import type { OfferFacts, OrderFacts, PlanFacts, UsageFacts } from '../model';
import type { OfferSource, OrderSource, UsageSource } from '../ports';

const PAGE = 500;

type ListSubscriptions = (
  publisherId: string,
  pageSize: number,
  continuation?: string,
) => Promise<{ items: SubscriptionRecord[]; next?: string }>;

export function orderFacts(sub: SubscriptionRecord): OrderFacts {
  const term = currentTerm(sub);
  const cancelled = [...sub.statusHistory].reverse().find((h) => h.status === 'Unsubscribed');
  return {
    subscriptionId: sub.id,
    offerId: sub.offerId,
    planId: sub.planId,
    ...(sub.quantity !== undefined ? { quantity: sub.quantity } : {}),
    purchaser: { email: sub.purchaser.emailId, tenantId: sub.purchaser.tenantId, objectId: sub.purchaser.objectId },
    beneficiary: { email: sub.beneficiary.emailId, tenantId: sub.beneficiary.tenantId, objectId: sub.beneficiary.objectId },
    status: sub.status,
    created: sub.created,
    ...(cancelled ? { cancelledAt: cancelled.at } : {}),
    isFreeTrial: sub.isFreeTrial,
    isTest: sub.isTest,
    termUnit: sub.termUnit,
    ...(term ? { termStart: term.startDate, termEnd: term.endDate } : {}),
  };
}

export class SaasOrderSource implements OrderSource {
  readonly #list: () => ListSubscriptions;

  constructor(list: () => ListSubscriptions) {
    this.#list = list;
  }

  async *orders(publisherId: string): AsyncIterable<OrderFacts> {
    let continuation: string | undefined;
    do {
      const page = await this.#list()(publisherId, PAGE, continuation);
      for (const sub of page.items) yield orderFacts(sub);
      continuation = page.next;
    } while (continuation !== undefined);
  }
}

type Scan = (publisherId: string, fromDay: string | undefined, toDay: string) => AsyncIterable<UsageFacts>;

export class MeteringUsageSource implements UsageSource {
  readonly #scan: () => Scan;

  constructor(scan: () => Scan) {
    this.#scan = scan;
  }

  usage(publisherId: string, fromDay: string | undefined, toDay: string): AsyncIterable<UsageFacts> {
    return this.#scan()(publisherId, fromDay, toDay);
  }
}

const OFFER_TYPES: Record<string, string> = {
  'microsoft-saas': 'SaaS',
  'microsoft-azure-applications': 'Azure Applications',
  'microsoft-azure-virtualmachines': 'Virtual Machine Licenses',
};

export function planFacts(plan: LivePlan, offer: LiveOffer): PlanFacts {
  const pricing = plan.pricing;
  const monthly = pricing?.billingTerms.monthly?.priceUSD;
  const annual = pricing?.billingTerms.annual?.priceUSD;
  const dimensions = Object.fromEntries(
    (pricing?.dimensions ?? []).map((d) => {
      const unit = d.unitOfMeasure ?? offer.meteredDimensions.find((m) => m.id === d.id)?.unitOfMeasure;
      return [d.id, { ...(d.pricePerUnitUSD !== undefined ? { priceUSD: d.pricePerUnitUSD } : {}), ...(unit ? { unit } : {}) }];
    }),
  );
  const paid = [monthly, annual, ...(pricing?.dimensions ?? []).map((d) => d.pricePerUnitUSD)].some((p) => p !== undefined && p > 0);
  return {
    name: plan.name ?? plan.planId,
    paid,
    ...(monthly !== undefined || annual !== undefined
      ? { termPriceUSD: { ...(monthly !== undefined ? { P1M: monthly } : {}), ...(annual !== undefined ? { P1Y: annual } : {}) } }
      : {}),
    dimensions,
  };
}

export class CatalogOfferSource implements OfferSource {
  readonly #catalog: OfferCatalog;

  constructor(catalog: OfferCatalog) {
    this.#catalog = catalog;
  }

  async offer(publisherId: string, offerId: string): Promise<OfferFacts | undefined> {
    const offer = await this.#catalog.getLiveOffer(publisherId, offerId);
    if (!offer) return undefined;
    return {
      offerName: offer.title ?? offer.alias ?? offerId,
      offerType: OFFER_TYPES[offer.offerTypeId] ?? offer.offerTypeId,
      plans: Object.fromEntries(offer.plans.map((plan) => [plan.planId, planFacts(plan, offer)])),
    };
  }
}
