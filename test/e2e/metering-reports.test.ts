/**
 * Metering over HTTP for the cases the other e2e files leave out (specs/metering.md T54 strict, T56, T82, T112,
 * T114, T127): a host started with METERING_ACCEPT_USAGE_BEFORE_CANCELLATION=false and METERING_CACHE_TTL_MS=0
 * (the settings reach the running app), the usage report and anomaly list downloads, and an Entra-shaped token's
 * one-hour life on the test clock.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableAnomalyStore } from '../../shared/metering/store/anomalies-table';
import { event, NOW, OFFER, P1, type Fixture } from '../fixtures/metering';
import { startMeteringHost, type MeteringHost } from '../fixtures/metering-host';
import { testEnv } from '../fixtures/host';
import { customerRequest, tokenFor } from '../fixtures/tokens';

const V = '?api-version=2018-08-31';
let m: MeteringHost;
let f: Fixture;

beforeAll(async () => {
  m = await startMeteringHost({ env: testEnv({ METERING_ACCEPT_USAGE_BEFORE_CANCELLATION: 'false', METERING_CACHE_TTL_MS: '0' }) });
  f = await m.seed();
}, 60_000);
afterAll(async () => {
  await m?.stop();
});

const single = (body: unknown, token?: string) => m.call('POST', `/api/usageEvent${V}`, { body, ...(token ? { token } : {}) });

describe('settings in the running host', () => {
  it('follows the strict seed reading for a canceled subscription when the exception is off (T54)', async () => {
    const res = await single(event(f.S5, { effectiveStartTime: '2024-03-10T10:15:00Z' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', details: [{ code: 'ResourceNotActive', target: 'ResourceId' }] });
  });

  it('sees a reinstated subscription at once with a cache TTL of 0 (T56)', async () => {
    const body = event(f.S3, { effectiveStartTime: '2024-03-10T09:15:00Z' });
    expect((await single(body)).status).toBe(400); // Suspended
    const s3 = f.resources[f.S3.toLowerCase()];
    await m.resources.put({ ...(s3 as NonNullable<typeof s3>), status: 'Subscribed' });
    // With the default 5-second TTL the cached Suspended resource would still answer 400 here (checked once by
    // starting this host with METERING_CACHE_TTL_MS=5000): the setting reaches the lookup caches.
    expect((await single(body)).status).toBe(200);
  });
});

describe('POST /api/batchUsageEvent', () => {
  it('answers 200 with a result per item when every item fails (T82)', async () => {
    const request = [event(f.S1, { quantity: 0, effectiveStartTime: '2024-03-10T08:15:00Z' }), event(randomUUID()), event(f.S4)];
    const res = await m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
    expect(res.status).toBe(200);
    const body = res.body as { count: number; result: { status: string }[] };
    expect(body.count).toBe(3);
    expect(body.result.map((r) => r.status)).toEqual(['InvalidQuantity', 'ResourceNotFound', 'ResourceNotActive']);
  });
});

describe('the usage report and the anomaly list (T127)', () => {
  let anomalyId: string;
  beforeAll(async () => {
    const request = [
      event(f.S2, { planId: 'premium', quantity: 1000, effectiveStartTime: '2024-03-10T07:15:00Z' }),
      event(f.S2, { planId: 'premium', dimension: 'text', quantity: 50, effectiveStartTime: '2024-03-10T07:15:00Z' }),
      event(f.S8, { planId: 'dev_test', quantity: 42, effectiveStartTime: '2024-03-10T07:15:00Z' }),
    ];
    const res = await m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
    expect((res.body as { result: { status: string }[] }).result.map((r) => r.status)).toEqual(['Accepted', 'Accepted', 'Accepted']);
    // The spec's test hook: an anomaly injected into the host's store, as the weekly run would flag it.
    anomalyId = randomUUID();
    await new TableAnomalyStore(() => m.storage.table('MeteringAnomalies')).create({
      anomalyId,
      publisherId: P1,
      offerId: OFFER,
      offerName: 'Contoso Notification Services',
      planId: 'premium',
      resourceKey: f.S2.toLowerCase(),
      customerName: 'Woodgrove',
      meterId: 'email',
      usageDate: '2024-03-10',
      reportedUsage: 1000,
      expectedUsage: 100,
      pricePerUnitUSD: 0.5,
      flaggedAt: NOW,
    });
  });

  interface Row {
    AssetId: string;
    MeterId: string;
    MeteredUsage: number;
    EstimatedExtendedChargePC: number;
    PartnerCenterDetectedAnomaly: number | null;
    EstimatedFinancialImpactUSD: number | null;
  }
  const report = async (query: string, token?: string) => m.call('GET', `/api/billing/usage-report${query}`, token ? { token } : {});

  it('marks the flagged row with PartnerCenterDetectedAnomaly=1 and the others with 0', async () => {
    const res = await report('?startDate=2024-03-10');
    expect(res.status).toBe(200);
    const rows = (res.body as { value: Row[] }).value.filter((r) => [f.S2, f.S8].map((s) => s.toLowerCase()).includes(r.AssetId));
    const summary = rows.map((r) => [
      r.AssetId,
      r.MeterId,
      r.MeteredUsage,
      r.EstimatedExtendedChargePC,
      r.PartnerCenterDetectedAnomaly,
      r.EstimatedFinancialImpactUSD,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        [f.S2.toLowerCase(), 'email', 1000, 500, 1, 450],
        [f.S2.toLowerCase(), 'text', 50, 0.5, 0, null],
        [f.S8.toLowerCase(), 'email', 42, 0, 0, null], // a $0 charge still appears (T107)
      ]),
    );
    expect(summary).toHaveLength(3);
  });

  it('downloads the report as CSV with the programmatic column names', async () => {
    const res = await report('?startDate=2024-03-10&endDate=2024-03-10&meterId=email&format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = res.text.trimEnd().split('\r\n');
    expect(header).toContain(
      'MeterId,PartnerCenterDetectedAnomaly,PublisherMarkedAnomaly,NewReportedUsage,ActionTakenAt,ActionTakenBy,EstimatedFinancialImpactUSD',
    );
    expect(lines.find((l) => l.includes(f.S2.toLowerCase()))).toContain(',email,1,,,,,450,');
  });

  it('refuses a bad range with 400 naming the field, and a customer with 403', async () => {
    const missing = await report('');
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('startDate');
    const backwards = await report('?startDate=2024-03-10&endDate=2024-03-09');
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('endDate');
    const customer = await tokenFor(m.keyFile, customerRequest(), { now: new Date(NOW) });
    expect((await report('?startDate=2024-03-10', customer)).status).toBe(403);
  });

  it("downloads the anomaly list with the seed's columns", async () => {
    const res = await m.call('GET', '/api/metering/anomalies?format=csv');
    expect(res.status).toBe(200);
    const [header, ...lines] = res.text.trimEnd().split('\r\n');
    expect(header).toBe(
      'Offer Name,Meter Id,Customer Company Name,Action Expiry Date,Usage Date,Estimated Extended Charge (PC),' +
        'Estimated Financial Impact,Reported Usage,New Reported Usage,Date of Action Taken,Anomaly Decision,Anomaly Id',
    );
    expect(lines).toEqual([`Contoso Notification Services,email,Woodgrove,2024-04-09,2024-03-10,500,450,1000,,,,${anomalyId}`]);
  });
});

describe('an Entra-shaped token lives one hour on the project clock (T112, T114)', () => {
  it('is accepted on E0 while valid and refused with 403 3601 s after issuance', async () => {
    const tenant = randomUUID();
    const appId = randomUUID();
    const registered = await m.call('POST', `/api/admin/publishers/${P1}/apps`, {
      token: m.tokens.operator,
      body: { tenantId: tenant, appId, clientSecret: 'a-long-enough-client-secret' },
    });
    expect(registered.status).toBe(201);
    const issued = await fetch(`${m.host.url}/${tenant}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${appId}&client_secret=a-long-enough-client-secret&resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7`,
    });
    const token = (await issued.json()) as { access_token: string; expires_on: string; not_before: string };
    expect(String(decodeJwt(token.access_token).exp)).toBe(token.expires_on);
    expect(Number(token.not_before)).toBe(Date.parse(NOW) / 1000);
    expect((await single(event(f.S1, { effectiveStartTime: '2024-03-10T06:15:00Z' }), token.access_token)).status).toBe(200);
    await m.setClock({ advance: 'PT3601S' });
    const late = await single(event(f.S1, { effectiveStartTime: '2024-03-10T07:15:00Z' }), token.access_token);
    expect(late.status).toBe(403);
  });
});
