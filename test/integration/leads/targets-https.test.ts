/**
 * The HTTPS endpoint target against a loopback receiver that verifies the signature (spec 4 cases 50–52): the body
 * is the seed schema's superset, byte-exact query, Idempotency-Key = lead id, status classification, no redirects,
 * loopback refused unless the policy allows it, excerpts scrubbed of the URL's sig.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/leads/model';
import { HttpsTarget } from '../../../shared/leads/store/targets/https';
import { OutboundClient } from '../../../shared/outbound/client';
import type { OutboundPolicy } from '../../../shared/outbound/policy';
import { sampleLead } from '../../fixtures/lead-targets/lead';
import { startLeadReceiver, type LeadReceiver } from '../../fixtures/lead-targets/receiver';

const SECRET = 'whsec-0123456789abcdef';
let signed: LeadReceiver;
let plain: LeadReceiver;
let tlsReceiver: LeadReceiver;
beforeAll(async () => {
  signed = await startLeadReceiver({ secret: SECRET });
  plain = await startLeadReceiver();
  tlsReceiver = await startLeadReceiver({ https: true, secret: SECRET });
});
afterAll(async () => {
  await Promise.all([signed.close(), plain.close(), tlsReceiver.close()]);
});

const loopback: OutboundPolicy = { timeoutMs: 5000, allowLoopback: true, allowedHosts: [] };
const target = (policy = loopback, now = () => new Date()) => new HttpsTarget({ client: new OutboundClient(policy), now });
const config = (uri: string, signingSecret?: string): DestinationConfig => ({
  type: 'HttpsEndpoint',
  httpsEndpointUri: uri,
  ...(signingSecret ? { signingSecret } : {}),
  contactEmails: ['ops@contoso.com'],
});
const QUERY = '?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Ab%2Bcd_secretSIG';

/** The seed's JSON schema, corrected (spec 1.5): root and UserDetails objects, every leaf a string. */
function conformsToSeedSchema(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const strings = (o: Record<string, unknown>, keys: string[]) => keys.every((k) => typeof o[k] === 'string');
  const user = b['UserDetails'];
  return (
    strings(b, ['ActionCode', 'OfferTitle', 'LeadSource', 'Description']) &&
    typeof user === 'object' &&
    user !== null &&
    strings(user as Record<string, unknown>, ['Company', 'Country', 'Email', 'FirstName', 'LastName', 'Phone', 'Title'])
  );
}

describe('HTTPS endpoint target', () => {
  it('POSTs the spec body with the lead id as Idempotency-Key, a verifiable signature and the query byte-exact', async () => {
    const lead = sampleLead({}, { FirstName: '<script>alert(1)</script>', Company: 'Zoë 株式会社 🚀', Phone: '' });
    const outcome = await target().deliver(lead, config(`${signed.origin}/workflows/abc/invoke${QUERY}`, SECRET), { timeoutMs: 5000 });
    expect(outcome).toEqual({ outcome: 'success', category: 'delivered', httpStatus: 202 });
    const req = signed.received.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/workflows/abc/invoke${QUERY}`);
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': lead.leadId,
      'x-marketplace-lead-id': lead.leadId,
      'x-marketplace-lead-test': 'false',
      'user-agent': 'marketplace-leads/1',
    });
    expect(signed.badSignatures).toBe(0);
    const body = JSON.parse(req?.text ?? '') as Record<string, Record<string, unknown>>;
    expect(conformsToSeedSchema(body)).toBe(true);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['UserDetails', 'LeadSource', 'ActionCode', 'OfferTitle', 'Description']));
    expect(body['UserDetails']).toMatchObject({ FirstName: '<script>alert(1)</script>', Company: 'Zoë 株式会社 🚀', Phone: '' });
    expect(body['Metadata']).toMatchObject({ LeadId: lead.leadId, IsTest: false, SchemaVersion: 1 });
    expect(signed.leads.has(lead.leadId)).toBe(true);
  });

  it('sends no signature header without a signing secret', async () => {
    await target().deliver(sampleLead(), config(`${plain.origin}/hook`), { timeoutMs: 5000 });
    expect(plain.received.at(-1)?.headers).not.toHaveProperty('x-marketplace-signature');
  });

  it('a receiver with another secret refuses the signature: permanent 401', async () => {
    const outcome = await target().deliver(sampleLead(), config(`${signed.origin}/hook`, 'another-secret-0123'), { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'http_401', httpStatus: 401, excerpt: 'signature mismatch' });
  });

  it('delivering the same lead twice gives the receiver one lead under one key', async () => {
    const lead = sampleLead();
    const before = signed.leads.size;
    for (let i = 0; i < 2; i++) await target().deliver(lead, config(`${signed.origin}/hook`, SECRET), { timeoutMs: 5000 });
    expect(signed.leads.size).toBe(before + 1);
    expect(signed.received.filter((r) => r.headers['idempotency-key'] === lead.leadId)).toHaveLength(2);
  });

  it('reaches an HTTPS receiver whose certificate the client trusts', async () => {
    const outcome = await target({ ...loopback, extraCa: tlsReceiver.ca ?? '' }).deliver(
      sampleLead(),
      config(`${tlsReceiver.origin}/hook`, SECRET),
      { timeoutMs: 5000 },
    );
    expect(outcome).toMatchObject({ outcome: 'success', httpStatus: 202 });
    expect(tlsReceiver.badSignatures).toBe(0);
  });

  it.each([
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [501, 'retryable'],
    [408, 'retryable'],
    [425, 'retryable'],
    [429, 'retryable'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [422, 'permanent'],
    [302, 'permanent'],
  ] as const)('classifies %i as %s', async (status, kind) => {
    plain.override((_req, res) => void res.writeHead(status, status === 302 ? { location: 'http://169.254.169.254/' } : {}).end('nope'));
    try {
      const outcome = await target().deliver(sampleLead(), config(`${plain.origin}/hook`), { timeoutMs: 5000 });
      expect(outcome).toMatchObject({ outcome: kind, category: `http_${status}`, httpStatus: status });
    } finally {
      plain.override(undefined);
    }
  });

  it('hands back Retry-After in ms', async () => {
    plain.override((_req, res) => void res.writeHead(429, { 'retry-after': '120' }).end());
    try {
      expect(await target().deliver(sampleLead(), config(`${plain.origin}/hook`), { timeoutMs: 5000 })).toMatchObject({
        outcome: 'retryable',
        retryAfterMs: 120_000,
      });
    } finally {
      plain.override(undefined);
    }
  });

  it('a target that never answers times out, retryable', async () => {
    plain.override(() => undefined);
    try {
      expect(await target().deliver(sampleLead(), config(`${plain.origin}/hook`), { timeoutMs: 200 })).toMatchObject({
        outcome: 'retryable',
        category: 'timeout',
      });
    } finally {
      plain.override(undefined);
    }
  });

  it('nothing listening is a retryable network failure', async () => {
    const gone = await startLeadReceiver();
    const origin = gone.origin;
    await gone.close();
    expect(await target().deliver(sampleLead(), config(`${origin}/hook`), { timeoutMs: 2000 })).toMatchObject({
      outcome: 'retryable',
      category: 'network',
    });
  });

  it('refuses loopback when the policy does not allow it: permanent ssrf_blocked, nothing sent', async () => {
    const before = plain.received.length;
    const outcome = await target({ ...loopback, allowLoopback: false }).deliver(sampleLead(), config(`${plain.origin}/hook`), {
      timeoutMs: 5000,
    });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'ssrf_blocked' });
    expect(plain.received.length).toBe(before);
  });

  it('a host that resolves to loopback at send time is blocked (DNS rebinding)', async () => {
    const client = new OutboundClient({ ...loopback, allowLoopback: false }, async () => ['127.0.0.1']);
    const outcome = await new HttpsTarget({ client, now: () => new Date() }).deliver(
      sampleLead(),
      config(`http://rebind.example.com:${plain.port}/hook`),
      { timeoutMs: 5000 },
    );
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'ssrf_blocked' });
  });

  it('an answer that echoes the URL keeps no part of the secret', async () => {
    plain.override((req, res) => void res.writeHead(400).end(`bad request to ${req.path} (sig=${'Ab+cd_secretSIG'})`));
    try {
      const outcome = await target().deliver(sampleLead(), config(`${plain.origin}/hook${QUERY}`), { timeoutMs: 5000 });
      expect(outcome.outcome).toBe('permanent');
      expect(outcome.excerpt).toBeDefined();
      expect(outcome.excerpt).not.toMatch(/secretSIG|Ab%2Bcd|Ab\+cd/);
    } finally {
      plain.override(undefined);
    }
  });
});
