/**
 * Dataset rows from this system's own records (decision 0901): an ISVOrder row per SaaS subscription, an ISVCustomer
 * row per subscription with its customer's (beneficiary tenant's) first and last dates, an ISVUsage row per accepted
 * usage event. What the system does not know (country, company, channel, cloud) is null, never invented.
 */
import type { DataRow, OfferFacts, OrderFacts, UsageFacts } from '../model';
import { roundSum } from './evaluate';

const day = (instant: string | undefined): string | null => (instant ? instant.slice(0, 10) : null);
const monthStart = (instant: string): string => `${instant.slice(0, 7)}-01`;
const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** Microsoft's order status words for a subscription status. */
export function orderStatus(status: OrderFacts['status']): string {
  if (status === 'Unsubscribed') return 'Cancelled';
  if (status === 'PendingFulfillmentStart') return 'Pending';
  return status === 'Suspended' ? 'Suspended' : 'Active';
}

/** The first purchase (yyyy-MM-dd) of each customer tenant among the orders. */
export function firstPurchases(orders: readonly OrderFacts[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const order of orders) {
    const tenant = order.beneficiary.tenantId;
    const when = order.created.slice(0, 10);
    const known = first.get(tenant);
    // Stryker disable next-line EqualityOperator: on an equal day `<=` sets the same value
    if (known === undefined || when < known) first.set(tenant, when);
  }
  return first;
}

/** The loss date so far and one more order's cancellation day (null: not cancelled). */
function lossAfter(known: string | null | undefined, when: string | null): string | null {
  if (known === undefined) return when;
  // Stryker disable next-line ConditionalExpression: with `known` null the last line keeps null too (a day is never > null)
  if (known === null || when === null) return null;
  // Stryker disable next-line EqualityOperator: on an equal day `>=` answers the same value
  return when > known ? when : known;
}

/** Each customer tenant's loss date: the last cancellation, when every one of its orders is cancelled. */
export function lossDates(orders: readonly OrderFacts[]): Map<string, string | null> {
  const lost = new Map<string, string | null>();
  for (const order of orders) {
    const tenant = order.beneficiary.tenantId;
    const when = order.status === 'Unsubscribed' ? (day(order.cancelledAt) ?? day(order.created)) : null;
    lost.set(tenant, lossAfter(lost.get(tenant), when));
  }
  return lost;
}

function licenseType(offer: OfferFacts | undefined, planId: string): string | null {
  const plan = offer?.plans[planId];
  if (!plan) return null;
  return plan.paid ? 'Billed Through Azure' : 'Free';
}

export function orderRow(order: OrderFacts, offer: OfferFacts | undefined, firstPurchase: string | undefined): DataRow {
  const plan = offer?.plans[order.planId];
  const purchased = day(order.created) as string;
  const termPrice = plan?.termPriceUSD?.[order.termUnit];
  return {
    MarketplaceSubscriptionId: order.subscriptionId,
    MonthStartDate: monthStart(order.created),
    OfferType: offer?.offerType ?? null,
    AzureLicenseType: null,
    MarketplaceLicenseType: licenseType(offer, order.planId),
    SKU: order.planId,
    CustomerCountry: null,
    IsPreviewSKU: yesNo(order.isTest),
    OrderId: order.subscriptionId,
    OrderQuantity: order.quantity ?? 1,
    CloudInstanceName: null,
    CloudInstance: null,
    IsNewCustomer: yesNo(firstPurchase === undefined || firstPurchase.slice(0, 7) === purchased.slice(0, 7)),
    OrderStatus: orderStatus(order.status),
    OrderCancelDate: order.status === 'Unsubscribed' ? day(order.cancelledAt) : null,
    CustomerCompanyName: null,
    CustomerName: order.purchaser.email,
    OrderPurchaseDate: purchased,
    OfferName: offer?.offerName ?? order.offerId,
    TrialEndDate: order.isFreeTrial ? (order.termEnd ?? null) : null,
    CustomerId: order.beneficiary.tenantId,
    BillingAccountId: order.purchaser.tenantId,
    TermStartDate: order.termStart ?? null,
    TermEndDate: order.termEnd ?? null,
    PurchaseRecordId: order.subscriptionId,
    PurchaseRecordLineItemId: `${order.subscriptionId}:1`,
    EstimatedCharges: termPrice === undefined || order.isFreeTrial || order.isTest ? null : roundSum(termPrice * (order.quantity ?? 1)),
    Currency: termPrice === undefined ? null : 'USD',
    HasTrial: order.isFreeTrial ? 'True' : 'False',
  };
}

export function customerRow(order: OrderFacts, acquired: string | undefined, lost: string | null | undefined): DataRow {
  return {
    MarketplaceSubscriptionId: order.subscriptionId,
    DateAcquired: acquired ?? day(order.created),
    DateLost: lost ?? null,
    ProviderName: null,
    ProviderEmail: null,
    FirstName: null,
    LastName: null,
    Email: order.beneficiary.email,
    CustomerCompanyName: null,
    CustomerCity: null,
    CustomerPostalCode: null,
    CustomerCommunicationCulture: null,
    CustomerCountryRegion: null,
    CustomerCountry: null,
    CustomerState: null,
    AzureLicenseType: null,
    PromotionalCustomers: 'No',
    CommerceRootCustomer: null,
    CustomerId: order.beneficiary.tenantId,
    BillingAccountId: order.purchaser.tenantId,
    CustomerType: 'organization',
    IsActive: lost ? 0 : 1,
  };
}

export function usageRow(usage: UsageFacts, offer: OfferFacts | undefined, order: OrderFacts | undefined): DataRow {
  const plan = offer?.plans[usage.planId];
  const dimension = plan?.dimensions[usage.dimension];
  const price = dimension?.priceUSD;
  const charge = price === undefined ? null : roundSum(price * usage.quantity);
  return {
    MarketplaceSubscriptionId: usage.azureSubscriptionId ?? usage.resourceKey,
    MonthStartDate: monthStart(usage.effectiveAt),
    OfferType: offer?.offerType ?? (usage.resourceKind === 'saas' ? 'SaaS' : 'Azure Applications'),
    AzureLicenseType: null,
    MarketplaceLicenseType: licenseType(offer, usage.planId),
    SKU: usage.planId,
    CustomerCountry: null,
    IsPreviewSKU: order ? yesNo(order.isTest) : null,
    SKUBillingType: plan ? (plan.paid ? 'Paid' : 'Free') : null,
    IsInternal: null,
    VMSize: null,
    CloudInstanceName: null,
    CloudInstance: null,
    OfferName: offer?.offerName ?? usage.offerId,
    CustomerCompanyName: null,
    UsageDate: usage.effectiveAt.slice(0, 10),
    IsMultisolution: 'No',
    CoreSize: null,
    UsageType: 'Metered usage',
    TrialEndDate: order?.isFreeTrial ? (order.termEnd ?? null) : null,
    CustomerCurrencyCC: price === undefined ? null : 'USD',
    PriceCC: price ?? null,
    PayoutCurrencyPC: price === undefined ? null : 'USD',
    EstimatedPricePC: price ?? null,
    UsageReference: usage.usageEventId,
    UsageUnit: dimension?.unit ?? null,
    CustomerId: order?.beneficiary.tenantId ?? null,
    BillingAccountId: order?.purchaser.tenantId ?? null,
    MeterId: usage.dimension,
    UsageQuantity: usage.quantity,
    NormalizedUsage: usage.quantity,
    RawUsage: usage.quantity,
    MeteredUsage: usage.quantity,
    EstimatedExtendedChargeCC: charge,
    EstimatedExtendedChargePC: charge,
  };
}
