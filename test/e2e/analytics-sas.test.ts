/**
 * Report downloads straight from Blob storage (decision 0907) against the built host with ANALYTICS_LINK_MODE=sas
 * on Azurite: the executions answer's `reportAccessSecureLink` is a read-only SAS on the blob endpoint, downloads the
 * report while the app is not even running, is refused altered (403) and for a write (403). Storage checks a SAS
 * against real time, so moving the project clock past `reportExpiryTime` does not expire it (the route mode's links
 * are the ones that expire on the project clock; test/e2e/analytics.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSaasHarness, until, V, type SaasHarness } from '../fixtures/saas-harness';
import { saasOffer } from '../fixtures/offers';

let h: SaasHarness;
let subscriptionId = '';
const BASE = '/insights/v1/cmp';
const T0 = '2031-03-10T08:00:00Z';

beforeAll(async () => {
  h = await startSaasHarness({ ANALYTICS_LINK_MODE: 'sas' });
  await h.setNow(T0);
  expect(
    (
      await h.call('PUT', '/api/publishers/contoso/offers/sas-cns?api-version=2017-10-31', 'contoso', {
        body: saasOffer('sas-cns', 'contoso'),
      })
    ).status,
  ).toBe(201);
  expect((await h.call('POST', '/api/admin/offers/contoso/sas-cns/freeze', 'operator')).status).toBe(201);
  const bought = await h.call(
    'POST',
    '/api/storefront/purchases',
    { customer: ['ta', 'buyer'] },
    { body: { publisherId: 'contoso', offerId: 'sas-cns', planId: 'basic', termUnit: 'P1M' } },
  );
  expect(bought.status, JSON.stringify(bought.json)).toBe(201);
  subscriptionId = String(bought.json['subscriptionId']);
  const activate = await h.call('POST', `/api/saas/subscriptions/${subscriptionId}/activate?${V}`, 'contoso', {
    body: { planId: 'basic' },
  });
  expect(activate.status, JSON.stringify(activate.json)).toBe(200);
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

function blobEndpointOrigin(): string {
  const match = /BlobEndpoint=([^;]+)/.exec(h.env['STORAGE_CONNECTION_STRING'] as string);
  return new URL(match?.[1] ?? 'http://127.0.0.1:10000/devstoreaccount1').origin;
}

describe('sas link mode', () => {
  it('links straight to the file in Blob storage: it downloads the report without the app, read only, refused altered', async () => {
    const created = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
      body: {
        ReportName: 'orders',
        QueryId: 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d',
        StartTime: '2031-03-10T12:30:00Z',
        RecurrenceInterval: 4,
        RecurrenceCount: 1,
        Format: 'csv',
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const reportId = String((created.json['value'] as { reportId: string }[])[0]?.reportId);
    await h.advance('PT5H');
    const ran = await until('the execution', async () => {
      const res = await h.call('GET', `${BASE}/ScheduledReport/execution/${reportId}`);
      return res.status === 200 ? (res.json['value'] as Record<string, unknown>[])[0] : undefined;
    });
    expect(ran).toMatchObject({ reportId, executionStatus: 'Completed' });
    const link = new URL(String(ran['reportAccessSecureLink']));
    const executionId = String(ran['executionId']);

    // The link is on the blob endpoint, not the app's download route.
    expect(link.origin).toBe(blobEndpointOrigin());
    expect(link.origin).not.toBe(new URL(h.host.url).origin);
    expect(link.pathname).toMatch(new RegExp(`/contoso/${reportId}/${executionId}\\.csv$`));
    expect(link.searchParams.get('sp')).toBe('r');
    // reportExpiryTime is on the project clock (an hour after the answer); the SAS's own expiry on real time.
    expect(Date.parse(String(ran['reportExpiryTime']))).toBeGreaterThanOrEqual(Date.parse('2031-03-10T14:00:00Z'));
    expect(Date.parse(String(ran['reportExpiryTime']))).toBeLessThan(Date.parse('2031-03-10T14:30:00Z'));
    const sasExpiry = Date.parse(link.searchParams.get('se') as string);
    expect(sasExpiry).toBeGreaterThan(Date.now());
    expect(sasExpiry).toBeLessThan(Date.parse('2031-01-01T00:00:00Z'));

    // Storage checks the SAS on real time: the project clock moved past reportExpiryTime does not expire it.
    await h.advance('PT2H');
    expect((await fetch(link)).status).toBe(200);

    // The app is stopped: the download cannot pass through it.
    await h.host.stop();
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${executionId}.csv"`);
    expect((await res.text()).split('\r\n').filter(Boolean)).toEqual([
      'MarketplaceSubscriptionId,MonthStartDate,OfferType,AzureLicenseType,MarketplaceLicenseType,SKU,CustomerCountry,IsPreviewSKU,OrderId,OrderQuantity,CloudInstance',
      `${subscriptionId},2031-03-01,SaaS,,Billed Through Azure,basic,,No,${subscriptionId},1,`,
    ]);

    // Altered, storage refuses it.
    const altered = new URL(link);
    const sig = altered.searchParams.get('sig') as string;
    altered.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await fetch(altered)).status).toBe(403);
    // Read only: a write with it is refused, and the file is unchanged.
    const put = await fetch(link, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'forged\r\n' });
    expect(put.status).toBe(403);
    expect((await (await fetch(link)).text()).startsWith('MarketplaceSubscriptionId,')).toBe(true);
  });
});
