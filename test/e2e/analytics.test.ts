/**
 * Programmatic-access analytics over HTTP against the built host (issue 24; seed 004 ~20437–22434): the seed's
 * walk-through (datasets, a custom query, the test query, a scheduled report, its executions and download link)
 * over this system's own data — a SaaS subscription bought and activated, and its accepted metered usage. The
 * report runs twice on the test clock (two executions, each with the rows of its time), the callback receiver on
 * loopback is called once per execution, a paused report does not run, and bad queries are refused at their token.
 * No test sleeps: executions are waited for by polling the executions API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSaasHarness, until, V, type SaasHarness } from '../fixtures/saas-harness';
import { saasOffer } from '../fixtures/offers';

let h: SaasHarness;
let subscriptionId = '';
const BASE = '/insights/v1/cmp';
const T0 = '2031-03-10T08:00:00Z';

beforeAll(async () => {
  h = await startSaasHarness();
  await h.setNow(T0);
  const offer = saasOffer('analytics-cns', 'contoso');
  expect(
    (await h.call('PUT', '/api/publishers/contoso/offers/analytics-cns?api-version=2017-10-31', 'contoso', { body: offer })).status,
  ).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/analytics-cns/freeze', 'operator')).status).toBe(201);
  const bought = await h.call(
    'POST',
    '/api/storefront/purchases',
    { customer: ['ta', 'buyer'] },
    {
      body: { publisherId: 'contoso', offerId: 'analytics-cns', planId: 'basic', termUnit: 'P1M' },
    },
  );
  expect(bought.status, JSON.stringify(bought.json)).toBe(201);
  subscriptionId = String(bought.json['subscriptionId']);
  const activate = await h.call('POST', `/api/saas/subscriptions/${subscriptionId}/activate?${V}`, 'contoso', {
    body: { planId: 'basic' },
  });
  expect(activate.status, JSON.stringify(activate.json)).toBe(200);
  for (const [dimension, quantity] of [
    ['email', 12.5],
    ['text', 3],
  ] as const) {
    const event = { resourceId: subscriptionId, quantity, dimension, effectiveStartTime: T0, planId: 'basic' };
    const sent = await h.call('POST', `/api/usageEvent?${V}`, 'contoso', { body: event });
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);
  }
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

describe('datasets and queries', () => {
  it('lists the datasets in the envelope, one by name, 404 for an unknown one, 401 without a token', async () => {
    const all = await h.call('GET', `${BASE}/ScheduledDataset`);
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ totalCount: 4, message: 'Dataset fetched successfully', statusCode: 200 });
    const one = await h.call('GET', `${BASE}/ScheduledDataset?datasetName=ISVOrder`);
    const [order] = one.json['value'] as { datasetName: string; selectableColumns: string[]; availableMetrics: string[] }[];
    expect(order?.datasetName).toBe('ISVOrder');
    // The walk-through's ISVOrder columns (seed 004 ~20950).
    expect(order?.selectableColumns).toEqual(
      expect.arrayContaining(['MarketplaceSubscriptionId', 'OrderId', 'OrderStatus', 'TrialEndDate', 'BillingAccountId']),
    );
    expect(order?.availableMetrics).toEqual([]);
    const unknown = await h.call('GET', `${BASE}/ScheduledDataset?datasetName=ISVNothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ value: [], totalCount: 0, statusCode: 404 });
    expect((await h.call('GET', `${BASE}/ScheduledDataset`, 'none')).status).toBe(401);
  });

  it('creates the seed’s query, lists it with the system queries, and answers the test query from this system’s data', async () => {
    const created = await h.call('POST', `${BASE}/ScheduledQueries`, 'contoso', {
      body: { Name: 'ISVOrderQuery1', Description: 'Get a list of all Order IDs', Query: 'SELECT OrderId from ISVOrder' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ totalCount: 1, message: 'Query created successfully', statusCode: 200 });
    const [query] = created.json['value'] as Record<string, unknown>[];
    expect(query).toMatchObject({ name: 'ISVOrderQuery1', query: 'SELECT OrderId from ISVOrder', type: 'userDefined', modifiedTime: null });
    expect(String(query?.['createdTime'])).toMatch(/^2031-03-10T08:\d{2}:\d{2}Z$/);

    const listed = await h.call('GET', `${BASE}/ScheduledQueries`);
    const ids = (listed.json['value'] as { queryId: string }[]).map((q) => q.queryId);
    expect(ids).toEqual(
      expect.arrayContaining([query?.['queryId'], 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d', 'b9df4929-073f-4795-b0cb-a2c81b11e28d']),
    );
    const onlySystem = await h.call('GET', `${BASE}/ScheduledQueries?includeOnlySystemQueries=true`);
    expect((onlySystem.json['value'] as { type: string }[]).every((q) => q.type === 'system')).toBe(true);

    const tried = await h.call(
      'GET',
      `${BASE}/ScheduledQueries/testQueryResult?exportQuery=${encodeURIComponent('SELECT OrderId from ISVOrder')}`,
    );
    expect(tried.status).toBe(200);
    expect(tried.json).toEqual({ value: [{ OrderId: subscriptionId }], totalCount: 1, message: null, statusCode: 200 });

    const usage = await h.call(
      'GET',
      `${BASE}/ScheduledQueries/testQueryResult?exportQuery=${encodeURIComponent(
        "SELECT MeterId, MeteredUsage, EstimatedExtendedChargePC FROM ISVUsage WHERE SKUBillingType = 'Paid' ORDER BY MeterId ASC TIMESPAN LAST_MONTH",
      )}`,
    );
    expect(usage.json['value']).toEqual([
      { MeterId: 'email', MeteredUsage: 12.5, EstimatedExtendedChargePC: 12.5 },
      { MeterId: 'text', MeteredUsage: 3, EstimatedExtendedChargePC: 0.06 },
    ]);
  });

  it.each([
    ['SELECT OrderId FROM ISVOrders', "Unknown dataset 'ISVOrders'", "line 1, column 21 (offset 20), at 'ISVOrders'"],
    ['SELECT OrderId, Nope FROM ISVOrder', "Unknown column or metric 'Nope'", 'line 1, column 17 (offset 16)'],
    ['SELECT OrderId FROM ISVOrder TIMESPAN LAST_2_DAYS', "Unknown time span 'LAST_2_DAYS'", 'line 1, column 39 (offset 38)'],
    ['SELECT OrderId FROM ISVOrder WHERE', 'The query ends too early', 'line 1, column 35 (offset 34), at the end'],
    ['SELECT OrderId FROM ISVOrder LIMIT 0', 'LIMIT takes a positive whole number', "at '0'"],
  ])('refuses %s with a 400 that points at the token', async (query, message, where) => {
    const refused = await h.call('POST', `${BASE}/ScheduledQueries`, 'contoso', { body: { Name: 'bad', Query: query } });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ value: [], totalCount: 0, statusCode: 400 });
    expect(String(refused.json['message'])).toContain(message);
    expect(String(refused.json['message'])).toContain(where);
    expect((await h.call('GET', `${BASE}/ScheduledQueries?queryName=bad`)).json['totalCount']).toBe(0);
  });

  it('deletes a user-defined query; a system query cannot be deleted', async () => {
    const created = await h.call('POST', `${BASE}/ScheduledQueries`, 'contoso', {
      body: { Name: 'temp', Query: 'SELECT CustomerId FROM ISVCustomer' },
    });
    const id = String((created.json['value'] as { queryId: string }[])[0]?.queryId);
    expect((await h.call('DELETE', `${BASE}/ScheduledQueries/${id}`)).status).toBe(200);
    expect((await h.call('DELETE', `${BASE}/ScheduledQueries/${id}`)).status).toBe(404);
    expect((await h.call('DELETE', `${BASE}/ScheduledQueries/fd0f299c-5a1c-4929-9f48-bfc6cc44355d`)).status).toBe(403);
    // Another publisher does not see contoso's queries.
    expect((await h.call('GET', `${BASE}/ScheduledQueries?includeSystemQueries=false`, 'fabrikam')).json['totalCount']).toBe(0);
  });
});

async function executions(reportId: string, query = ''): Promise<{ status: number; items: Record<string, unknown>[] }> {
  const res = await h.call('GET', `${BASE}/ScheduledReport/execution/${reportId}${query}`);
  return { status: res.status, items: (res.json['value'] as Record<string, unknown>[] | undefined) ?? [] };
}

async function download(link: string): Promise<string[]> {
  const res = await fetch(link);
  expect(res.status).toBe(200);
  return (await res.text()).split('\r\n').filter(Boolean);
}

describe('scheduled reports', () => {
  it('runs a report twice on the test clock: two executions with their own rows, one callback each, a download link each', async () => {
    const query = await h.call('POST', `${BASE}/ScheduledQueries`, 'contoso', {
      body: {
        Name: 'usage',
        Query: 'SELECT UsageDate, MeterId, UsageQuantity, EstimatedExtendedChargePC FROM ISVUsage ORDER BY MeterId ASC TIMESPAN LAST_MONTH',
      },
    });
    const queryId = String((query.json['value'] as { queryId: string }[])[0]?.queryId);
    const callbackUrl = h.sinkUrl.replace('/webhook', '/analytics-callback');
    const tooSoon = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
      body: { ReportName: 'r', QueryId: queryId, StartTime: '2031-03-10T10:00:00Z', RecurrenceInterval: 48 },
    });
    expect(tooSoon.status).toBe(400);
    expect(String(tooSoon.json['message'])).toContain('Start time of report should at least be 4 hours from current UTC time');
    const badInterval = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
      body: { ReportName: 'r', QueryId: queryId, StartTime: '2031-03-10T12:30:00Z', RecurrenceInterval: 3 },
    });
    expect(badInterval.status).toBe(400);
    expect(String(badInterval.json['message'])).toContain('Recurrence Interval must be between 4 and 90');

    const created = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
      body: {
        ReportName: 'ISVUsageReport',
        QueryId: queryId,
        StartTime: '2031-03-10T12:30:00Z',
        RecurrenceInterval: 48,
        RecurrenceCount: 2,
        Format: 'csv',
        CallbackUrl: callbackUrl,
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    expect(created.json).toMatchObject({ totalCount: 1, message: 'Report created successfully', statusCode: 200 });
    const report = (created.json['value'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(report).toMatchObject({
      reportName: 'ISVUsageReport',
      queryId,
      reportStatus: 'Active',
      recurrenceInterval: 48,
      recurrenceCount: 2,
      format: 'csv',
      callbackUrl,
      startTime: '2031-03-10T12:30:00Z',
    });
    const reportId = String(report['reportId']);
    // Before the first run: the default filters (Completed, latest) find nothing (seed 004 ~20775).
    expect((await executions(reportId)).status).toBe(404);

    await h.advance('PT5H');
    const first = await until('first execution', async () => {
      const found = await executions(reportId);
      return found.status === 200 ? found.items[0] : undefined;
    });
    expect(first).toMatchObject({
      reportId,
      executionStatus: 'Completed',
      recurrenceInterval: 48,
      recurrenceCount: 2,
      format: 'csv',
      callbackUrl,
    });
    expect(String(first['reportGeneratedTime'])).toMatch(/^2031-03-10T13:/);
    expect(Date.parse(String(first['reportExpiryTime']))).toBeGreaterThan(Date.parse('2031-03-10T13:00:00Z'));
    expect(await download(String(first['reportAccessSecureLink']))).toEqual([
      'UsageDate,MeterId,UsageQuantity,EstimatedExtendedChargePC',
      '2031-03-10,email,12.5,12.5',
      '2031-03-10,text,3,0.06',
    ]);

    // More usage, then the second occurrence 48 hours later sees it.
    const later = {
      resourceId: subscriptionId,
      quantity: 2,
      dimension: 'email',
      effectiveStartTime: '2031-03-10T13:00:00Z',
      planId: 'basic',
    };
    expect((await h.call('POST', `/api/usageEvent?${V}`, 'contoso', { body: later })).status).toBe(200);
    await h.advance('PT48H');
    const second = await until('second execution', async () => {
      const found = await executions(reportId);
      return found.items[0]?.['executionId'] !== first['executionId'] ? found.items[0] : undefined;
    });
    expect(await download(String(second['reportAccessSecureLink']))).toEqual([
      'UsageDate,MeterId,UsageQuantity,EstimatedExtendedChargePC',
      '2031-03-10,email,12.5,12.5',
      '2031-03-10,email,2,2',
      '2031-03-10,text,3,0.06',
    ]);
    const both = await executions(reportId, '?getLatestExecution=false');
    expect(both.items.map((e) => e['executionStatus'])).toEqual(['Completed', 'Completed']);
    // The count is used up: the report is Inactive.
    const listed = await h.call('GET', `${BASE}/ScheduledReport?reportId=${reportId}`);
    expect((listed.json['value'] as { reportStatus: string }[])[0]?.reportStatus).toBe('Inactive');

    // One callback per execution, each naming its execution.
    await until('two callbacks', async () => (h.received.filter((r) => r.body['reportId'] === reportId).length >= 2 ? true : undefined));
    const calls = h.received.filter((r) => r.body['reportId'] === reportId).map((r) => r.body['executionId']);
    expect(calls.sort()).toEqual([first['executionId'], second['executionId']].sort());

    // A link is sealed: altered, it is refused.
    const link = String(second['reportAccessSecureLink']);
    expect((await fetch(`${link.slice(0, -4)}AAAA`)).status).toBe(403);
    // After the link's lifetime (60 minutes by default) it is refused too.
    await h.advance('PT61M');
    expect((await fetch(link)).status).toBe(403);
  });

  it('does not run a paused report; resuming skips the occurrences of the pause', async () => {
    const created = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
      body: {
        ReportName: 'paused',
        QueryId: 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d',
        StartTime: new Date(Date.parse('2031-03-20T00:00:00Z')).toISOString().slice(0, 19) + 'Z',
        RecurrenceInterval: 4,
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const reportId = String((created.json['value'] as { reportId: string }[])[0]?.reportId);
    const paused = await h.call('PUT', `${BASE}/ScheduledReport/pause/${reportId}`);
    expect(paused.json['value']).toMatchObject([{ reportStatus: 'Paused' }]);
    await h.setNow('2031-03-20T09:00:00Z');
    // The timer ran (a clock move fires it) and created nothing for the paused report.
    const pending = await executions(reportId, '?executionStatus=Pending;Running;Completed;Paused;Failed&getLatestExecution=false');
    expect(pending.status).toBe(404);
    const resumed = await h.call('PUT', `${BASE}/ScheduledReport/resume/${reportId}`);
    expect(resumed.json['value']).toMatchObject([{ reportStatus: 'Active' }]);
    await h.advance('PT4H');
    const ran = await until('the first run after resuming', async () => {
      const found = await executions(reportId, '?getLatestExecution=false');
      return found.status === 200 ? found.items : undefined;
    });
    // 00:00, 04:00 and 08:00 passed during the pause; 12:00 is the one that runs.
    expect(ran).toHaveLength(1);
    const lines = await download(String(ran[0]?.['reportAccessSecureLink']));
    expect(lines[0]).toBe(
      'MarketplaceSubscriptionId,MonthStartDate,OfferType,AzureLicenseType,MarketplaceLicenseType,SKU,CustomerCountry,IsPreviewSKU,OrderId,OrderQuantity,CloudInstance',
    );
    expect(lines[1]).toBe(`${subscriptionId},2031-03-01,SaaS,,Billed Through Azure,basic,,No,${subscriptionId},1,`);
    expect((await h.call('DELETE', `${BASE}/ScheduledReport/${reportId}`)).status).toBe(200);
    expect((await h.call('GET', `${BASE}/ScheduledReport?reportId=${reportId}`)).json['totalCount']).toBe(0);
  });
});
