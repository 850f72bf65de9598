/**
 * Marketo and Salesforce Web-to-Lead targets against loopback form fakes that check the field mapping (spec 4 cases
 * 55–56): the Forms 2.0 post with munchkinId/formid and the lead's fields; the Web-to-Lead post with oid, the
 * snake_case fields, lead_source as the composite, cuts recorded in `truncated`, UTF-8 percent-encoding; both
 * delivered-but-unverifiable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketoTarget } from '../../../shared/leads/store/targets/marketo';
import { SalesforceTarget } from '../../../shared/leads/store/targets/salesforce';
import { OutboundClient } from '../../../shared/outbound/client';
import { startMarketoFake, startSalesforceFake, type FormFake } from '../../fixtures/lead-targets/forms';
import { sampleLead } from '../../fixtures/lead-targets/lead';

let marketo: FormFake;
let salesforce: FormFake;
beforeAll(async () => {
  [marketo, salesforce] = await Promise.all([startMarketoFake(), startSalesforceFake()]);
});
afterAll(async () => {
  await Promise.all([marketo.close(), salesforce.close()]);
});

const client = () => new OutboundClient({ timeoutMs: 5000, allowLoopback: true, allowedHosts: [] });
const now = () => new Date();

describe('Marketo target', () => {
  it('posts the form with munchkinId, formid and the lead fields to app-{serverId}', async () => {
    const lead = sampleLead();
    const direct = new MarketoTarget({ client: client(), now, baseUrl: marketo.origin });
    const outcome = await direct.deliver(
      lead,
      { type: 'Marketo', serverId: 'ys12', munchkinAccountId: '123-PQR-789', formId: 1179, contactEmails: [] },
      { timeoutMs: 5000 },
    );
    expect(outcome).toEqual({
      outcome: 'success',
      category: 'delivered',
      httpStatus: 200,
      excerpt: '<html><body>ok</body></html>',
      unverifiable: true,
    });
    expect(marketo.mappingErrors).toEqual([]);
    expect(Object.fromEntries(marketo.posts.at(-1) ?? [])).toEqual({
      munchkinId: '123-PQR-789',
      formid: '1179',
      formVid: '1179',
      FirstName: 'John',
      LastName: 'Smith',
      Email: 'jsmith@contoso.com',
      Phone: '1234567890',
      Company: 'Contoso',
      Country: 'US',
      Title: 'CTO',
      LeadSource: 'SPZA-PLT|contoso.contoso-app',
    });
  });

  it('fills the server id into the base URL template', async () => {
    const seen: string[] = [];
    const resolving = new OutboundClient({ timeoutMs: 5000, allowLoopback: true, allowedHosts: [] }, async (host) => {
      seen.push(host);
      return ['127.0.0.1'];
    });
    const target = new MarketoTarget({ client: resolving, now, baseUrl: `http://app-{serverId}.marketo.test:${marketo.port}` });
    const outcome = await target.deliver(
      sampleLead(),
      { type: 'Marketo', serverId: 'ys12', munchkinAccountId: '123-PQR-789', formId: 7, contactEmails: [] },
      { timeoutMs: 5000 },
    );
    expect(outcome.outcome).toBe('success');
    expect(seen).toContain('app-ys12.marketo.test');
    expect(marketo.posts.at(-1)?.get('formid')).toBe('7');
  });
});

describe('Salesforce Web-to-Lead target', () => {
  const config = { type: 'Salesforce' as const, objectIdentifier: '00D4P000000zIbO', contactEmails: [] };
  const target = () =>
    new SalesforceTarget({ client: client(), now, url: `${salesforce.origin}/servlet/servlet.WebToLead?encoding=UTF-8` });

  it('posts oid and the snake_case fields, lead_source the composite; unverifiable', async () => {
    const outcome = await target().deliver(sampleLead(), config, { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ outcome: 'success', httpStatus: 200, unverifiable: true });
    expect(outcome).not.toHaveProperty('truncated');
    expect(salesforce.mappingErrors).toEqual([]);
    expect(Object.fromEntries(salesforce.posts.at(-1) ?? [])).toEqual({
      oid: '00D4P000000zIbO',
      first_name: 'John',
      last_name: 'Smith',
      email: 'jsmith@contoso.com',
      phone: '1234567890',
      company: 'Contoso',
      country: 'US',
      title: 'CTO',
      description: 'Please call me about pricing',
      lead_source: 'SPZA-PLT|contoso.contoso-app',
      encoding: 'UTF-8',
    });
  });

  it('cuts a 45-character first name to 40 and records it; non-ASCII goes percent-encoded UTF-8', async () => {
    const outcome = await target().deliver(sampleLead({}, { FirstName: `Zoë${'x'.repeat(42)}`, LastName: '山田' }), config, {
      timeoutMs: 5000,
    });
    expect(outcome).toMatchObject({ outcome: 'success', truncated: ['first_name'] });
    expect(salesforce.mappingErrors).toEqual([]);
    expect(salesforce.received.at(-1)?.text).toContain('first_name=Zo%C3%AB');
    expect(salesforce.received.at(-1)?.text).toContain('last_name=%E5%B1%B1%E7%94%B0');
    expect(salesforce.posts.at(-1)?.get('first_name')).toBe(`Zoë${'x'.repeat(37)}`);
  });

  it('a Salesforce outage is retryable and still records the cut fields', async () => {
    salesforce.handle((_req, res) => void res.writeHead(503).end('maintenance'));
    const outcome = await target().deliver(sampleLead({}, { FirstName: 'x'.repeat(41) }), config, { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ outcome: 'retryable', category: 'http_503', truncated: ['first_name'] });
    expect(outcome).not.toHaveProperty('unverifiable');
  });
});
