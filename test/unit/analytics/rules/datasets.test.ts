import { describe, expect, it } from 'vitest';
import { DATASETS, findDataset, findSystemQuery, SYSTEM_QUERIES } from '../../../../shared/analytics/rules/datasets';
import { TIME_SPANS } from '../../../../shared/analytics/model';

describe('datasets', () => {
  it('serves orders, orders V2, usage and customers with every time span', () => {
    expect(DATASETS.map((d) => d.datasetName)).toEqual(['ISVOrder', 'ISVOrderV2', 'ISVUsage', 'ISVCustomer']);
    for (const d of DATASETS) expect(d.availableDateRanges).toEqual(TIME_SPANS);
  });

  it('ISVOrder has the walk-through’s columns and no metrics (seed 004 ~20950)', () => {
    const order = findDataset('ISVOrder');
    expect(Object.keys(order?.columns ?? {})).toEqual(
      expect.arrayContaining([
        'MarketplaceSubscriptionId',
        'MonthStartDate',
        'OfferType',
        'AzureLicenseType',
        'SKU',
        'CustomerCountry',
        'IsPreviewSKU',
        'OrderId',
        'OrderQuantity',
        'CloudInstanceName',
        'IsNewCustomer',
        'OrderStatus',
        'OrderCancelDate',
        'CustomerCompanyName',
        'CustomerName',
        'OrderPurchaseDate',
        'OfferName',
        'TrialEndDate',
        'CustomerId',
        'BillingAccountId',
      ]),
    );
    expect(order?.metrics).toEqual([]);
    expect(order?.columns['OrderQuantity']).toBe('number');
    expect(order?.columns['OrderPurchaseDate']).toBe('date');
    expect(order?.dateColumn).toBe('OrderPurchaseDate');
  });

  it('ISVOrderV2 adds the V2 fields; usage has the custom query specification’s metrics; customers have IsActive', () => {
    expect(Object.keys(findDataset('isvorderv2')?.columns ?? {})).toEqual(
      expect.arrayContaining(['TermStartDate', 'TermEndDate', 'EstimatedCharges', 'Currency', 'HasTrial']),
    );
    const usage = findDataset('ISVUSAGE');
    expect(usage?.metrics).toEqual([
      'NormalizedUsage',
      'RawUsage',
      'MeteredUsage',
      'EstimatedExtendedChargeCC',
      'EstimatedExtendedChargePC',
    ]);
    expect(usage?.dateColumn).toBe('UsageDate');
    expect(findDataset('ISVCustomer')?.columns['IsActive']).toBe('number');
    expect(findDataset('ISVCustomer')?.dateColumn).toBe('DateAcquired');
    expect(findDataset('ISVMarketplaceInsights')).toBeUndefined();
  });

  it('ships the documented system queries by their QueryIds', () => {
    expect(SYSTEM_QUERIES.map((q) => q.queryId)).toEqual([
      'b9df4929-073f-4795-b0cb-a2c81b11e28d',
      'fd0f299c-5a1c-4929-9f48-bfc6cc44355d',
      'bd1b0cc1-ce45-4578-beba-6fe5a69fd421',
      '2c6f384b-ad52-4aed-965f-32bfa09b3778',
      '3f19fb95-5bc4-4ee0-872e-cedd22578512',
      'f0c4927f-1f23-4c99-be4a-1371a5a9a086',
    ]);
    for (const q of SYSTEM_QUERIES)
      expect(q).toMatchObject({ type: 'system', user: 'System', createdTime: '2021-01-01T00:00:00Z', modifiedTime: null });
    expect(findSystemQuery('FD0F299C-5A1C-4929-9F48-BFC6CC44355D')?.query).toBe(
      'SELECT MarketplaceSubscriptionId,MonthStartDate,OfferType,AzureLicenseType,MarketplaceLicenseType,SKU,CustomerCountry,IsPreviewSKU,OrderId,OrderQuantity,CloudInstance FROM ISVOrder TIMESPAN LAST_6_MONTHS',
    );
    expect(findSystemQuery('f0c4927f-1f23-4c99-be4a-1371a5a9a086')?.query).toContain(
      "WHERE OfferType IN ('SaaS', 'Azure Applications') TIMESPAN LAST_6_MONTHS",
    );
    expect(findSystemQuery('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });
});
