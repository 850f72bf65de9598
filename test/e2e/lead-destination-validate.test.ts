/**
 * Validate and the catalog's Blob refusal over the built host (spec 4 cases 45, 47, 50, 52, 56, 57, 58): the draft's
 * destination, saved through the offers API (secrets sealed by the catalog, opened for the adapter), gets one test
 * lead through the real target — a loopback receiver that verifies the signature, Azurite as the ISV's Table (with
 * LEADS_ALLOW_DEV_STORAGE), a Salesforce form fake — and the answer says what the target answered, never a secret.
 */
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSalesforceFake, type FormFake } from '../fixtures/lead-targets/forms';
import { startLeadReceiver, type LeadReceiver } from '../fixtures/lead-targets/receiver';
import { MP, SAAS, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, type SaasHarness } from '../fixtures/saas-harness';

const SECRET = 'whsec-e2e-0123456789';
const isv = inject('storageConnectionString');
let h: SaasHarness;
let rx: LeadReceiver;
let sf: FormFake;

async function saveDraft(id: string, destination: string, key: string | undefined, settings: Record<string, unknown> | undefined) {
  let o = withField(saasOffer(id), ['definition', 'offer', `${SAAS}.listingOption`], 'contactMe');
  o = withField(o, ['definition', 'offer', `${MP}.leadDestination`], destination as never);
  o = withField(o, ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], undefined as never);
  if (key) o = withField(o, ['definition', 'offer', `${MP}.${key}`], settings as never);
  return h.call('PUT', `/api/publishers/contoso/offers/${id}?api-version=2017-10-31`, 'contoso', { body: o, headers: { 'if-match': '*' } });
}

const validate = (id: string, who: 'contoso' | 'fabrikam' = 'contoso') =>
  h.call('POST', `/api/publishers/contoso/offers/${id}/lead-destination/validate`, who);

beforeAll(async () => {
  rx = await startLeadReceiver({ secret: SECRET });
  sf = await startSalesforceFake();
  h = await startSaasHarness({
    STORAGE_PREFIX: `lv${Date.now().toString(36)}`,
    LEADS_ALLOW_DEV_STORAGE: 'true',
    LEADS_SALESFORCE_URL: `${sf.origin}/servlet/servlet.WebToLead?encoding=UTF-8`,
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await Promise.all([rx?.close(), sf?.close()]);
});

describe('Validate a lead destination', () => {
  it('HTTPS: one signed test lead with MSFT_TEST_ markers reaches the receiver; ok with its id', async () => {
    const put = await saveDraft('lv-https', 'HttpsEndpoint', 'httpsEndpointLeadConfiguration', {
      httpsEndpointUri: `${rx.origin}/hook?sig=s3cr3tSIG`,
      signingSecret: SECRET,
      contactEmail: 'leads@contoso.test;',
    });
    expect([200, 201], JSON.stringify(put.json)).toContain(put.status);
    const res = await validate('lv-https');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({
      ok: true,
      destination: 'HttpsEndpoint',
      testLeadId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      latencyMs: expect.any(Number),
    });
    const testLeadId = res.json['testLeadId'] as string;
    expect(rx.badSignatures).toBe(0);
    const body = rx.leads.get(testLeadId) as { UserDetails: Record<string, string>; Metadata: Record<string, unknown>; LeadSource: string };
    expect(body.UserDetails['FirstName']).toMatch(/^MSFT_TEST_\d{18}$/);
    expect(body.UserDetails['LastName']).toBe(body.UserDetails['FirstName']);
    expect(body.UserDetails['Email']).toBe(`${body.UserDetails['FirstName']}@test.com`);
    expect(body.Metadata).toMatchObject({ IsTest: true, LeadId: testLeadId });
    expect(body.LeadSource).toBe('AzureMarketplace-INS|contoso.lv-https');
    expect(rx.received.filter((r) => r.headers['idempotency-key'] === testLeadId)).toHaveLength(1);
  });

  it('a failing target is reported once (no retries), with its status and no secret', async () => {
    rx.override((_req, res) => void res.writeHead(503).end('flow s3cr3tSIG unavailable'));
    try {
      const before = rx.received.length;
      const res = await validate('lv-https');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ ok: false, error: { category: 'http_503', httpStatus: 503 } });
      expect(JSON.stringify(res.json)).not.toContain('s3cr3tSIG');
      expect(rx.received.length).toBe(before + 1);
    } finally {
      rx.override(undefined);
    }
  });

  it('another publisher gets 403 and sends nothing', async () => {
    const before = rx.received.length;
    expect((await validate('lv-https', 'fabrikam')).status).toBe(403);
    expect(rx.received.length).toBe(before);
  });

  it('the 6th Validate of an offer within a minute is 429 with Retry-After', async () => {
    await saveDraft('lv-limit', 'Salesforce', 'salesForceLeadConfiguration', {
      objectIdentifier: '00D4P000000zIbO',
      contactEmail: 'leads@contoso.test',
    });
    for (let i = 0; i < 5; i++) expect((await validate('lv-limit')).status).toBe(200);
    const sixth = await validate('lv-limit');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sf.posts).toHaveLength(5);
  });

  it('Salesforce: the test lead is posted with the Web-to-Lead fields', async () => {
    await saveDraft('lv-sf', 'Salesforce', 'salesForceLeadConfiguration', {
      objectIdentifier: '00D4P000000zIbO',
      contactEmail: 'leads@contoso.test',
    });
    const res = await validate('lv-sf');
    expect(res.json).toMatchObject({ ok: true, destination: 'Salesforce' });
    expect(sf.mappingErrors).toEqual([]);
    expect(sf.posts.at(-1)?.get('lead_source')).toBe('AzureMarketplace-INS|contoso.lv-sf');
    expect(sf.posts.at(-1)?.get('first_name')).toMatch(/^MSFT_TEST_\d{18}$/);
  });

  it('Azure Table: the sealed connection string is opened for the adapter; the test lead lands in MarketplaceLeads', async () => {
    await saveDraft('lv-table', 'AzureTable', 'tableLeadConfiguration', { connectionString: isv, contactEmail: 'leads@contoso.test' });
    const res = await validate('lv-table');
    expect(res.json, JSON.stringify(res.json)).toMatchObject({ ok: true, destination: 'AzureTable' });
    const row = await TableClient.fromConnectionString(isv, 'MarketplaceLeads', { allowInsecureConnection: true }).getEntity(
      'contoso.lv-table',
      res.json['testLeadId'] as string,
    );
    expect(row['IsTest']).toBe(true);
    expect(String(row['FirstName'])).toMatch(/^MSFT_TEST_\d{18}$/);
  });

  it('Azure Table with a wrong key: ok false, auth_failed, the key nowhere in the answer', async () => {
    const wrongKey = Buffer.alloc(64, 5).toString('base64');
    await saveDraft('lv-badkey', 'AzureTable', 'tableLeadConfiguration', {
      connectionString: isv.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`),
      contactEmail: 'leads@contoso.test',
    });
    const res = await validate('lv-badkey');
    expect(res.json).toMatchObject({ ok: false, error: { category: 'auth_failed', httpStatus: 403 } });
    expect(JSON.stringify(res.json)).not.toContain(wrongKey);
  });

  it('settings that do not parse: 400 naming the field and its code, nothing sent', async () => {
    await saveDraft('lv-bad', 'Salesforce', 'salesForceLeadConfiguration', { objectIdentifier: '00D123', contactEmail: 'a@x.com,b@y.com' });
    const before = sf.received.length;
    const res = await validate('lv-bad');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      code: 'invalid_destination',
      errors: [
        { path: 'microsoft-azure-marketplace.salesForceLeadConfiguration.contactEmail', code: 'invalid_email' },
        { path: 'microsoft-azure-marketplace.salesForceLeadConfiguration.objectIdentifier', code: 'invalid_org_id' },
      ],
    });
    expect(sf.received.length).toBe(before);
  });

  it('the catalog refuses a new AzureBlob destination with destination_deprecated', async () => {
    const res = await saveDraft('lv-blob', 'AzureBlob', 'blobLeadConfiguration', {
      containerName: 'marketplaceleadcontainer',
      connectionString: isv,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'destination_deprecated' } });
    expect(JSON.stringify(res.json)).toContain('microsoft-azure-marketplace.leadDestination');
  });
});
