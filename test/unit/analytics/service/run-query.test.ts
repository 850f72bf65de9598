import { describe, expect, it } from 'vitest';
import type { OrderFacts, UsageFacts } from '../../../../shared/analytics/model';
import { checkQuery } from '../../../../shared/analytics/rules/query-check';
import { QueryEngine } from '../../../../shared/analytics/service/run-query';
import { FakeSources } from './fakes';

const order = (
  id: string,
  tenant: string,
  created: string,
  status: OrderFacts['status'] = 'Subscribed',
  cancelledAt?: string,
): OrderFacts => ({
  subscriptionId: id,
  offerId: 'offer',
  planId: 'basic',
  purchaser: { email: `${id}@p.com`, tenantId: 'tp', objectId: 'o' },
  beneficiary: { email: `${id}@b.com`, tenantId: tenant, objectId: 'o' },
  status,
  created,
  ...(cancelledAt ? { cancelledAt } : {}),
  isFreeTrial: false,
  isTest: false,
  termUnit: 'P1M',
});

const usage = (id: string, day: string): UsageFacts => ({
  usageEventId: id,
  resourceKey: 'S1',
  resourceKind: 'saas',
  offerId: 'offer',
  planId: 'basic',
  dimension: 'email',
  quantity: 1,
  effectiveAt: `${day}T10:00:00.000Z`,
});

async function rows(
  engine: QueryEngine,
  query: string,
  publisherId = 'contoso',
  window: { from?: string; to: string } = { to: '2031-12-31' },
) {
  const checked = checkQuery(query);
  if (!checked.ok) throw new Error(checked.error.message);
  const out = [];
  for await (const row of engine.run(publisherId, checked.plan, window)) out.push(row);
  return out;
}

describe('QueryEngine', () => {
  const sources = new FakeSources(
    [
      order('s1', 't1', '2031-01-10T00:00:00Z'),
      order('s2', 't1', '2031-02-10T00:00:00Z', 'Unsubscribed', '2031-03-01T00:00:00Z'),
      order('s3', 't2', '2031-03-05T00:00:00Z', 'Unsubscribed', '2031-03-06T00:00:00Z'),
    ],
    [usage('u1', '2031-03-01'), usage('u2', '2031-03-02'), usage('u3', '2031-03-03')],
    { offer: { offerName: 'Offer', offerType: 'SaaS', plans: {} } },
  );
  const engine = new QueryEngine({ orders: sources, usage: sources, offers: sources });

  it('orders: one row per subscription, in the window of its purchase day', async () => {
    expect(await rows(engine, 'SELECT OrderId, OrderStatus, IsNewCustomer, OfferName FROM ISVOrder')).toEqual([
      ['s1', 'Active', 'Yes', 'Offer'],
      ['s2', 'Cancelled', 'No', 'Offer'],
      ['s3', 'Cancelled', 'Yes', 'Offer'],
    ]);
    expect(await rows(engine, 'SELECT OrderId FROM ISVOrderV2', 'contoso', { from: '2031-02-10', to: '2031-03-04' })).toEqual([['s2']]);
  });

  it('customers: acquired on the tenant’s first purchase, lost once every order is cancelled', async () => {
    expect(await rows(engine, 'SELECT MarketplaceSubscriptionId, CustomerId, DateAcquired, DateLost, IsActive FROM ISVCustomer')).toEqual([
      ['s1', 't1', '2031-01-10', null, 1],
      ['s2', 't1', '2031-01-10', null, 1],
      ['s3', 't2', '2031-03-05', '2031-03-06', 0],
    ]);
    expect(await rows(engine, 'SELECT CustomerId FROM ISVCustomer WHERE IsActive = 0')).toEqual([['t2']]);
  });

  it('usage: joined to its subscription case-insensitively, in the window, stopping at LIMIT', async () => {
    expect(
      await rows(engine, 'SELECT UsageReference, CustomerId FROM ISVUsage', 'contoso', { from: '2031-03-02', to: '2031-03-03' }),
    ).toEqual([
      ['u2', 't1'],
      ['u3', 't1'],
    ]);
    expect(await rows(engine, 'SELECT UsageReference FROM ISVUsage LIMIT 1')).toEqual([['u1']]);
    expect(await rows(engine, 'SELECT UsageQuantity FROM ISVUsage ORDER BY UsageQuantity LIMIT 1')).toEqual([[1]]);
  });

  it('another publisher sees none of these rows', async () => {
    expect(await rows(engine, 'SELECT OrderId FROM ISVOrder', 'fabrikam')).toEqual([]);
    expect(await rows(engine, 'SELECT UsageReference FROM ISVUsage', 'fabrikam')).toEqual([]);
  });
});
