import { describe, expect, it } from 'vitest';
import type { OfferFacts, OrderFacts, UsageFacts } from '../../../../shared/analytics/model';
import { customerRow, firstPurchases, lossDates, orderRow, orderStatus, usageRow } from '../../../../shared/analytics/rules/rows';

const order = (over: Partial<OrderFacts> = {}): OrderFacts => ({
  subscriptionId: 'sub-1',
  offerId: 'offer',
  planId: 'basic',
  purchaser: { email: 'buyer@a.com', tenantId: 'tenant-p', objectId: 'o1' },
  beneficiary: { email: 'user@b.com', tenantId: 'tenant-b', objectId: 'o2' },
  status: 'Subscribed',
  created: '2031-03-10T08:00:00.000Z',
  isFreeTrial: false,
  isTest: false,
  termUnit: 'P1M',
  termStart: '2031-03-10',
  termEnd: '2031-04-09',
  ...over,
});

const offer: OfferFacts = {
  offerName: 'Contoso Notifications',
  offerType: 'SaaS',
  plans: {
    basic: {
      name: 'Basic',
      paid: true,
      termPriceUSD: { P1M: 10, P1Y: 100 },
      dimensions: { email: { priceUSD: 1.5, unit: 'per 100 emails' }, text: {} },
    },
    free: { name: 'Free', paid: false, dimensions: {} },
  },
};

const usage = (over: Partial<UsageFacts> = {}): UsageFacts => ({
  usageEventId: 'u-1',
  resourceKey: 'sub-1',
  resourceKind: 'saas',
  offerId: 'offer',
  planId: 'basic',
  dimension: 'email',
  quantity: 4,
  effectiveAt: '2031-03-10T08:00:00.000Z',
  ...over,
});

describe('orderStatus', () => {
  it.each([
    ['Subscribed', 'Active'],
    ['Suspended', 'Suspended'],
    ['Unsubscribed', 'Cancelled'],
    ['PendingFulfillmentStart', 'Pending'],
  ] as const)('%s is %s', (status, word) => {
    expect(orderStatus(status)).toBe(word);
  });
});

describe('first purchases and losses per customer tenant', () => {
  it('keeps the earliest purchase day of each tenant', () => {
    const first = firstPurchases([
      order({ created: '2031-03-10T08:00:00Z' }),
      order({ created: '2031-02-01T08:00:00Z' }),
      order({ created: '2031-04-01T00:00:00Z', beneficiary: { email: 'x', tenantId: 't2', objectId: 'o' } }),
    ]);
    expect([...first]).toEqual([
      ['tenant-b', '2031-02-01'],
      ['t2', '2031-04-01'],
    ]);
  });

  it('a tenant is lost on its last cancellation once every order is cancelled', () => {
    const cancelled = (at: string) => order({ status: 'Unsubscribed', cancelledAt: at });
    expect(lossDates([cancelled('2031-03-12T00:00:00Z'), cancelled('2031-03-20T00:00:00Z')]).get('tenant-b')).toBe('2031-03-20');
    expect(lossDates([cancelled('2031-03-20T00:00:00Z'), cancelled('2031-03-12T00:00:00Z')]).get('tenant-b')).toBe('2031-03-20');
    expect(lossDates([cancelled('2031-03-12T00:00:00Z'), order()]).get('tenant-b')).toBeNull();
    expect(lossDates([order(), cancelled('2031-03-12T00:00:00Z')]).get('tenant-b')).toBeNull();
    expect(lossDates([order({ status: 'Unsubscribed' })]).get('tenant-b')).toBe('2031-03-10');
  });
});

describe('orderRow', () => {
  it('maps a paid monthly subscription', () => {
    expect(orderRow(order({ quantity: 3 }), offer, '2031-03-10')).toEqual({
      MarketplaceSubscriptionId: 'sub-1',
      MonthStartDate: '2031-03-01',
      OfferType: 'SaaS',
      AzureLicenseType: null,
      MarketplaceLicenseType: 'Billed Through Azure',
      SKU: 'basic',
      CustomerCountry: null,
      IsPreviewSKU: 'No',
      OrderId: 'sub-1',
      OrderQuantity: 3,
      CloudInstanceName: null,
      CloudInstance: null,
      IsNewCustomer: 'Yes',
      OrderStatus: 'Active',
      OrderCancelDate: null,
      CustomerCompanyName: null,
      CustomerName: 'buyer@a.com',
      OrderPurchaseDate: '2031-03-10',
      OfferName: 'Contoso Notifications',
      TrialEndDate: null,
      CustomerId: 'tenant-b',
      BillingAccountId: 'tenant-p',
      TermStartDate: '2031-03-10',
      TermEndDate: '2031-04-09',
      PurchaseRecordId: 'sub-1',
      PurchaseRecordLineItemId: 'sub-1:1',
      EstimatedCharges: 30,
      Currency: 'USD',
      HasTrial: 'False',
    });
  });

  it('a cancelled trial in preview by a returning customer, on an unknown offer', () => {
    const row = orderRow(
      order({ status: 'Unsubscribed', cancelledAt: '2031-03-12T10:00:00Z', isFreeTrial: true, isTest: true, termUnit: 'P1Y' }),
      undefined,
      '2031-01-05',
    );
    expect(row).toMatchObject({
      OfferType: null,
      MarketplaceLicenseType: null,
      IsPreviewSKU: 'Yes',
      OrderQuantity: 1,
      IsNewCustomer: 'No',
      OrderStatus: 'Cancelled',
      OrderCancelDate: '2031-03-12',
      OfferName: 'offer',
      TrialEndDate: '2031-04-09',
      EstimatedCharges: null,
      Currency: null,
      HasTrial: 'True',
    });
  });

  it('no charges for a free trial or a test purchase; annual terms at the annual price; a free plan is Free', () => {
    expect(orderRow(order({ isFreeTrial: true }), offer, undefined)['EstimatedCharges']).toBeNull();
    expect(orderRow(order({ isTest: true }), offer, undefined)['EstimatedCharges']).toBeNull();
    expect(orderRow(order({ termUnit: 'P1Y' }), offer, undefined)['EstimatedCharges']).toBe(100);
    expect(orderRow(order({ planId: 'free' }), offer, undefined)).toMatchObject({
      MarketplaceLicenseType: 'Free',
      EstimatedCharges: null,
      Currency: null,
    });
    expect(orderRow(order(), offer, undefined)['IsNewCustomer']).toBe('Yes');
    expect(orderRow(order({ status: 'Suspended', cancelledAt: '2031-03-12T00:00:00Z' }), offer, undefined)['OrderCancelDate']).toBeNull();
  });
});

describe('customerRow', () => {
  it('an active customer and a lost one', () => {
    expect(customerRow(order(), '2031-02-01', null)).toMatchObject({
      MarketplaceSubscriptionId: 'sub-1',
      DateAcquired: '2031-02-01',
      DateLost: null,
      Email: 'user@b.com',
      CustomerId: 'tenant-b',
      BillingAccountId: 'tenant-p',
      CustomerType: 'organization',
      PromotionalCustomers: 'No',
      IsActive: 1,
      CustomerCountry: null,
    });
    expect(customerRow(order(), undefined, '2031-03-20')).toMatchObject({
      DateAcquired: '2031-03-10',
      DateLost: '2031-03-20',
      IsActive: 0,
    });
    expect(customerRow(order(), undefined, undefined)).toMatchObject({ DateLost: null, IsActive: 1 });
  });
});

describe('usageRow', () => {
  it('a priced metered event of a known subscription', () => {
    expect(usageRow(usage(), offer, order())).toEqual({
      MarketplaceSubscriptionId: 'sub-1',
      MonthStartDate: '2031-03-01',
      OfferType: 'SaaS',
      AzureLicenseType: null,
      MarketplaceLicenseType: 'Billed Through Azure',
      SKU: 'basic',
      CustomerCountry: null,
      IsPreviewSKU: 'No',
      SKUBillingType: 'Paid',
      IsInternal: null,
      VMSize: null,
      CloudInstanceName: null,
      CloudInstance: null,
      OfferName: 'Contoso Notifications',
      CustomerCompanyName: null,
      UsageDate: '2031-03-10',
      IsMultisolution: 'No',
      CoreSize: null,
      UsageType: 'Metered usage',
      TrialEndDate: null,
      CustomerCurrencyCC: 'USD',
      PriceCC: 1.5,
      PayoutCurrencyPC: 'USD',
      EstimatedPricePC: 1.5,
      UsageReference: 'u-1',
      UsageUnit: 'per 100 emails',
      CustomerId: 'tenant-b',
      BillingAccountId: 'tenant-p',
      MeterId: 'email',
      UsageQuantity: 4,
      NormalizedUsage: 4,
      RawUsage: 4,
      MeteredUsage: 4,
      EstimatedExtendedChargeCC: 6,
      EstimatedExtendedChargePC: 6,
    });
  });

  it('an unpriced dimension, a managed app of an unknown offer, a trial order', () => {
    expect(usageRow(usage({ dimension: 'text' }), offer, order())).toMatchObject({
      PriceCC: null,
      CustomerCurrencyCC: null,
      PayoutCurrencyPC: null,
      EstimatedExtendedChargePC: null,
      UsageUnit: null,
    });
    expect(usageRow(usage({ resourceKind: 'managedApp', azureSubscriptionId: 'azure-sub' }), undefined, undefined)).toMatchObject({
      MarketplaceSubscriptionId: 'azure-sub',
      OfferType: 'Azure Applications',
      OfferName: 'offer',
      SKUBillingType: null,
      MarketplaceLicenseType: null,
      IsPreviewSKU: null,
      CustomerId: null,
      BillingAccountId: null,
    });
    expect(usageRow(usage(), undefined, undefined)['OfferType']).toBe('SaaS');
    expect(usageRow(usage({ planId: 'free' }), offer, order({ isFreeTrial: true, isTest: true }))).toMatchObject({
      SKUBillingType: 'Free',
      TrialEndDate: '2031-04-09',
      IsPreviewSKU: 'Yes',
    });
    expect(usageRow(usage(), offer, order({ isFreeTrial: true, termEnd: undefined }))['TrialEndDate']).toBeNull();
  });
});
