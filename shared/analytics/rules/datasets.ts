/**
 * The datasets this system serves (decision 0901) with the columns the seed's dashboards name for programmatic
 * access (orders ~19070–19105, usage ~19260–19318, customers ~19520–19546), and the system queries with their
 * documented QueryIds (~21161–21270). Marketplace insights and quality of service are left out: this system has
 * no page-view or deployment-quality data to fill them with.
 */
import { TIME_SPANS, type ColumnType, type DatasetDefinition, type QueryRecord } from '../model';

const s: ColumnType = 'string';
const n: ColumnType = 'number';
const d: ColumnType = 'date';

const ORDER_COLUMNS = {
  MarketplaceSubscriptionId: s,
  MonthStartDate: d,
  OfferType: s,
  AzureLicenseType: s,
  MarketplaceLicenseType: s,
  SKU: s,
  CustomerCountry: s,
  IsPreviewSKU: s,
  OrderId: s,
  OrderQuantity: n,
  CloudInstanceName: s,
  // The system queries name it CloudInstance (~21195); both names select the same value.
  CloudInstance: s,
  IsNewCustomer: s,
  OrderStatus: s,
  OrderCancelDate: d,
  CustomerCompanyName: s,
  CustomerName: s,
  OrderPurchaseDate: d,
  OfferName: s,
  TrialEndDate: d,
  CustomerId: s,
  BillingAccountId: s,
} as const;

export const DATASETS: readonly DatasetDefinition[] = [
  {
    datasetName: 'ISVOrder',
    columns: ORDER_COLUMNS,
    metrics: [],
    availableDateRanges: TIME_SPANS,
    dateColumn: 'OrderPurchaseDate',
  },
  {
    datasetName: 'ISVOrderV2',
    columns: {
      ...ORDER_COLUMNS,
      TermStartDate: d,
      TermEndDate: d,
      PurchaseRecordId: s,
      PurchaseRecordLineItemId: s,
      EstimatedCharges: n,
      Currency: s,
      HasTrial: s,
    },
    metrics: [],
    availableDateRanges: TIME_SPANS,
    dateColumn: 'OrderPurchaseDate',
  },
  {
    datasetName: 'ISVUsage',
    columns: {
      MarketplaceSubscriptionId: s,
      MonthStartDate: d,
      OfferType: s,
      AzureLicenseType: s,
      MarketplaceLicenseType: s,
      SKU: s,
      CustomerCountry: s,
      IsPreviewSKU: s,
      SKUBillingType: s,
      IsInternal: s,
      VMSize: s,
      CloudInstanceName: s,
      CloudInstance: s,
      OfferName: s,
      CustomerCompanyName: s,
      UsageDate: d,
      IsMultisolution: s,
      CoreSize: s,
      UsageType: s,
      TrialEndDate: d,
      CustomerCurrencyCC: s,
      PriceCC: n,
      PayoutCurrencyPC: s,
      EstimatedPricePC: n,
      UsageReference: s,
      UsageUnit: s,
      CustomerId: s,
      BillingAccountId: s,
      MeterId: s,
      UsageQuantity: n,
    },
    metrics: ['NormalizedUsage', 'RawUsage', 'MeteredUsage', 'EstimatedExtendedChargeCC', 'EstimatedExtendedChargePC'],
    availableDateRanges: TIME_SPANS,
    dateColumn: 'UsageDate',
  },
  {
    datasetName: 'ISVCustomer',
    columns: {
      MarketplaceSubscriptionId: s,
      DateAcquired: d,
      DateLost: d,
      ProviderName: s,
      ProviderEmail: s,
      FirstName: s,
      LastName: s,
      Email: s,
      CustomerCompanyName: s,
      CustomerCity: s,
      CustomerPostalCode: s,
      CustomerCommunicationCulture: s,
      CustomerCountryRegion: s,
      // The system query names it CustomerCountry (~21185).
      CustomerCountry: s,
      CustomerState: s,
      AzureLicenseType: s,
      PromotionalCustomers: s,
      CommerceRootCustomer: s,
      CustomerId: s,
      BillingAccountId: s,
      CustomerType: s,
      // The sample queries filter on it (`WHERE IsActive = 1`, ~21285).
      IsActive: n,
    },
    metrics: [],
    availableDateRanges: TIME_SPANS,
    dateColumn: 'DateAcquired',
  },
];

/** A dataset by name, case-insensitively ("the specification is completely case insensitive"). */
export function findDataset(name: string): DatasetDefinition | undefined {
  const wanted = name.toLowerCase();
  return DATASETS.find((dataset) => dataset.datasetName.toLowerCase() === wanted);
}

const SYSTEM_CREATED = '2021-01-01T00:00:00Z';

function system(queryId: string, name: string, description: string, query: string): QueryRecord {
  return { queryId, name, description, query, type: 'system', user: 'System', createdTime: SYSTEM_CREATED, modifiedTime: null };
}

const ORDER_SELECT =
  'MarketplaceSubscriptionId,MonthStartDate,OfferType,AzureLicenseType,MarketplaceLicenseType,SKU,CustomerCountry,IsPreviewSKU,OrderId,OrderQuantity,CloudInstance';
const USAGE_SELECT =
  'MarketplaceSubscriptionId,MonthStartDate,OfferType,AzureLicenseType,MarketplaceLicenseType,SKU,CustomerCountry,IsPreviewSKU,SKUBillingType,IsInternal,VMSize,CloudInstance';

/** The system queries, their QueryIds and text as documented (the Marketplace insights one is left out with its dataset). */
export const SYSTEM_QUERIES: readonly QueryRecord[] = [
  system(
    'b9df4929-073f-4795-b0cb-a2c81b11e28d',
    'ISVCustomer',
    'Customers report for the last 6M',
    'SELECT MarketplaceSubscriptionId,DateAcquired,DateLost,ProviderName,ProviderEmail,FirstName,LastName,Email,CustomerCompanyName,CustomerCity,CustomerPostalCode,CustomerCountry FROM ISVCustomer TIMESPAN LAST_6_MONTHS',
  ),
  system(
    'fd0f299c-5a1c-4929-9f48-bfc6cc44355d',
    'ISVOrder',
    'Orders report for the last 6M',
    `SELECT ${ORDER_SELECT} FROM ISVOrder TIMESPAN LAST_6_MONTHS`,
  ),
  system(
    'bd1b0cc1-ce45-4578-beba-6fe5a69fd421',
    'ISVOrderV2',
    'OrdersV2 report for the last 6M',
    `SELECT ${ORDER_SELECT} FROM ISVOrderV2 TIMESPAN LAST_6_MONTHS`,
  ),
  system(
    '2c6f384b-ad52-4aed-965f-32bfa09b3778',
    'ISVUsageVMNormalized',
    'VM Normalized usage report for the last 6M',
    `SELECT ${USAGE_SELECT} FROM ISVUsage WHERE OfferType IN ('vm core image', 'Virtual Machine Licenses', 'multisolution') TIMESPAN LAST_6_MONTHS`,
  ),
  system(
    '3f19fb95-5bc4-4ee0-872e-cedd22578512',
    'ISVUsageVMRaw',
    'VM Raw usage report for the last 6M',
    `SELECT ${USAGE_SELECT} FROM ISVUsage WHERE OfferType IN ('vm core image', 'Virtual Machine Licenses', 'multisolution') TIMESPAN LAST_6_MONTHS`,
  ),
  system(
    'f0c4927f-1f23-4c99-be4a-1371a5a9a086',
    'ISVUsageMetered',
    'Metered usage report for the last 6M',
    `SELECT ${USAGE_SELECT} FROM ISVUsage WHERE OfferType IN ('SaaS', 'Azure Applications') TIMESPAN LAST_6_MONTHS`,
  ),
];

export function findSystemQuery(queryId: string): QueryRecord | undefined {
  const wanted = queryId.toLowerCase();
  return SYSTEM_QUERIES.find((query) => query.queryId === wanted);
}
