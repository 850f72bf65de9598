/**
 * The Dynamics 365 target against a fake Dataverse with an Entra-shaped token endpoint that @azure/identity really
 * calls (spec 4 case 53): the token request goes to /{directoryId}/oauth2/v2.0/token with scope {uri}/.default, the
 * lead is POSTed to /api/data/v9.2/leads with the spec 3.4 mapping, AADSTS7000215 is permanent auth_failed, a 429
 * with Retry-After is retryable after it, and no secret or token reaches an excerpt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/leads/model';
import { DynamicsTarget } from '../../../shared/leads/store/targets/dynamics';
import { OutboundClient } from '../../../shared/outbound/client';
import { startDataverse, type DataverseFake } from '../../fixtures/lead-targets/dataverse';
import { sampleLead } from '../../fixtures/lead-targets/lead';

const TENANT = '0d0c1e4a-6f59-4c7e-9d55-2f1a7c1b9e01';
const APP = '23456052-aaaa-bbbb-8662-1234df56788f';
const SECRET = 'app-secret-1234ABCDEF/G+xyz=';
let dataverse: DataverseFake;
beforeAll(async () => {
  dataverse = await startDataverse({
    tenantId: TENANT,
    clientId: APP,
    clientSecret: SECRET,
    userName: 'svc@contoso.onmicrosoft.com',
    password: 'pa55word!',
  });
});
afterAll(() => dataverse.close());

function target(allowLoopback = true) {
  const client = new OutboundClient({ timeoutMs: 10_000, allowLoopback, allowedHosts: [], extraCa: dataverse.ca });
  return new DynamicsTarget({
    client,
    now: () => new Date(),
    authorityHost: dataverse.origin,
    publicClientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
  });
}
const aad = (applicationKey = SECRET, directoryId = TENANT): DestinationConfig => ({
  type: 'Dynamics',
  uri: dataverse.origin,
  authentication: 'AzureActiveDirectory',
  applicationId: APP,
  directoryId,
  applicationKey,
  contactEmails: ['ops@contoso.com'],
});

describe('Dynamics 365 target', () => {
  it('gets a client-credentials token for {uri}/.default and creates the lead with the spec 3.4 mapping', async () => {
    const lead = sampleLead({}, { FirstName: 'F'.repeat(55) });
    const before = dataverse.tokenRequests.length;
    const outcome = await target().deliver(lead, { ...aad(), leadSourceCode: 100000001 } as DestinationConfig, { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ outcome: 'success', category: 'delivered', httpStatus: 201, truncated: ['firstname'] });
    const token = dataverse.tokenRequests[before];
    expect(token?.get('grant_type')).toBe('client_credentials');
    expect(token?.get('client_id')).toBe(APP);
    expect(token?.get('scope')).toBe(`${dataverse.origin}/.default`);
    const tokenCall = dataverse.received.find((r) => r.method === 'POST' && r.path.includes('/oauth2/v2.0/token'));
    expect(tokenCall?.path.split('?')[0]).toBe(`/${TENANT}/oauth2/v2.0/token`);
    const create = dataverse.received.at(-1);
    expect(create?.path).toBe('/api/data/v9.2/leads');
    expect(create?.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      prefer: 'return=representation',
      'odata-version': '4.0',
    });
    expect(dataverse.leads.at(-1)).toEqual({
      subject: 'Contoso App (PLT)',
      firstname: 'F'.repeat(50),
      lastname: 'Smith',
      emailaddress1: 'jsmith@contoso.com',
      telephone1: '1234567890',
      companyname: 'Contoso',
      jobtitle: 'CTO',
      address1_country: 'US',
      description: `Please call me about pricing\n\nLeadSource: SPZA-PLT|contoso.contoso-app\nMarketplaceLeadId: ${lead.leadId}`,
      leadsourcecode: 100000001,
    });
  });

  it('an invalid client secret (AADSTS7000215) is permanent auth_failed, with no secret in the excerpt', async () => {
    const wrong = 'wrong-secret-value-xyz';
    const leadsBefore = dataverse.leads.length;
    const outcome = await target().deliver(sampleLead(), aad(wrong), { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'auth_failed' });
    expect(outcome.excerpt).toMatch(/AADSTS7000215/);
    expect(JSON.stringify(outcome)).not.toContain(wrong);
    expect(dataverse.leads.length).toBe(leadsBefore);
  });

  it('an unknown tenant (AADSTS90002) is permanent auth_failed', async () => {
    const outcome = await target().deliver(sampleLead(), aad(SECRET, '11111111-2222-4333-8444-555555555555'), { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'auth_failed' });
  });

  it('a Dataverse 429 with Retry-After: 5 is retryable after 5 s; 403 is missing_role; 401 auth_failed', async () => {
    const answers: [number, Record<string, string>, string, object][] = [
      [429, { 'retry-after': '5' }, 'retryable', { category: 'http_429', retryAfterMs: 5000 }],
      [503, { 'retry-after': '7' }, 'retryable', { category: 'http_503', retryAfterMs: 7000 }],
      [403, {}, 'permanent', { category: 'missing_role' }],
      [401, {}, 'permanent', { category: 'auth_failed' }],
      [400, {}, 'permanent', { category: 'http_400' }],
    ];
    for (const [status, headers, kind, rest] of answers) {
      dataverse.leadsAnswer = (_req, res) => {
        res
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end('{"error":{"code":"0x80072322","message":"no roles are assigned to user"}}');
        return true;
      };
      try {
        expect(await target().deliver(sampleLead(), aad(), { timeoutMs: 10_000 })).toMatchObject({
          outcome: kind,
          httpStatus: status,
          ...rest,
        });
      } finally {
        dataverse.leadsAnswer = undefined;
      }
    }
  });

  it('Office365 mode uses the password grant; a wrong password is permanent auth_failed', async () => {
    const o365 = (password: string): DestinationConfig => ({
      type: 'Dynamics',
      uri: dataverse.origin,
      authentication: 'Office365',
      userName: 'svc@contoso.onmicrosoft.com',
      password,
      contactEmails: ['ops@contoso.com'],
    });
    expect(await target().deliver(sampleLead(), o365('pa55word!'), { timeoutMs: 10_000 })).toMatchObject({
      outcome: 'success',
      httpStatus: 201,
    });
    expect(dataverse.tokenRequests.at(-1)?.get('grant_type')).toBe('password');
    const outcome = await target().deliver(sampleLead(), o365('not-the-password'), { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'auth_failed' });
    expect(JSON.stringify(outcome)).not.toContain('not-the-password');
  });

  it('the token endpoint on loopback is refused when the policy does not allow it: ssrf_blocked, nothing sent', async () => {
    const before = dataverse.received.length;
    expect(await target(false).deliver(sampleLead(), aad(), { timeoutMs: 10_000 })).toMatchObject({
      outcome: 'permanent',
      category: 'ssrf_blocked',
    });
    expect(dataverse.received.length).toBe(before);
  });
});
