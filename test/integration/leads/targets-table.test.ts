/**
 * The Azure Table target against Azurite standing in for the ISV's own storage account (spec 4 cases 44–45): the
 * `MarketplaceLeads` table (not one of the app's prefixed tables), PK publisher.offer, RK lead id, every spec 3.1
 * column, one row after two deliveries, a missing table created, a wrong key permanent `auth_failed` with no key in
 * the excerpt, and nothing sent where the address policy refuses.
 */
import { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/leads/model';
import { TableTarget } from '../../../shared/leads/store/targets/table';
import { OutboundClient } from '../../../shared/outbound/client';
import { uniquePrefix } from '../../fixtures/host';
import { sampleLead } from '../../fixtures/lead-targets/lead';

const isv = inject('storageConnectionString');
const loopback = { timeoutMs: 10_000, allowLoopback: true, allowedHosts: [] as string[] };
const target = (policy = loopback) => new TableTarget({ client: new OutboundClient(policy), now: () => new Date() });
const config = (connectionString: string): DestinationConfig => ({
  type: 'AzureTable',
  connectionString,
  contactEmails: ['ops@contoso.com'],
});
const isvTable = () => TableClient.fromConnectionString(isv, 'MarketplaceLeads', { allowInsecureConnection: true });

describe('Azure Table target (Azurite as the ISV account)', () => {
  it('creates the missing table and writes one row per lead with every column; a second delivery leaves one row', async () => {
    await isvTable()
      .deleteTable()
      .catch(() => undefined);
    const publisherId = uniquePrefix().toLowerCase();
    const lead = sampleLead(
      { publisherId, offerId: 'contoso-app', leadSource: `SPZA-PLT|${publisherId}.contoso-app` },
      { FirstName: '<script>alert(1)</script>', Company: 'Zoë 🚀' },
    );
    expect(await target().deliver(lead, config(isv), { timeoutMs: 10_000 })).toEqual({
      outcome: 'success',
      category: 'delivered',
      httpStatus: 204,
    });
    expect(await target().deliver(lead, config(isv), { timeoutMs: 10_000 })).toMatchObject({ outcome: 'success' });

    const rows = [];
    for await (const row of isvTable().listEntities({ queryOptions: { filter: `PartitionKey eq '${publisherId}.contoso-app'` } }))
      rows.push(row);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      partitionKey: `${publisherId}.contoso-app`,
      rowKey: lead.leadId,
      LeadId: lead.leadId,
      LeadSource: `SPZA-PLT|${publisherId}.contoso-app`,
      Source: 'SPZA',
      ActionCode: 'PLT',
      Trigger: 'ContactMe',
      PublisherId: publisherId,
      OfferId: 'contoso-app',
      OfferTitle: 'Contoso App',
      FirstName: '<script>alert(1)</script>',
      LastName: 'Smith',
      Email: 'jsmith@contoso.com',
      Phone: '1234567890',
      Country: 'US',
      Company: 'Zoë 🚀',
      Title: 'CTO',
      CustomerInfo: JSON.stringify(lead.userDetails),
      Description: 'Please call me about pricing',
      IsTest: false,
      SchemaVersion: 1,
    });
    expect(rows[0]?.['CreatedAt']).toEqual(new Date('2025-01-01T12:00:00.000Z'));
    expect(typeof rows[0]?.['timestamp']).toBe('string');
  });

  it('a wrong account key is permanent auth_failed and the excerpt holds no key', async () => {
    const wrongKey = Buffer.alloc(64, 3).toString('base64');
    const bad = isv.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`);
    const outcome = await target().deliver(sampleLead(), config(bad), { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ outcome: 'permanent', category: 'auth_failed', httpStatus: 403 });
    expect(JSON.stringify(outcome)).not.toContain(wrongKey);
    expect(JSON.stringify(outcome)).not.toContain(wrongKey.slice(0, 20));
  });

  it('storage on loopback is refused when the policy does not allow loopback: permanent ssrf_blocked', async () => {
    expect(await target({ ...loopback, allowLoopback: false }).deliver(sampleLead(), config(isv), { timeoutMs: 10_000 })).toMatchObject({
      outcome: 'permanent',
      category: 'ssrf_blocked',
    });
  });

  it('storage that does not answer is a retryable network failure', async () => {
    const down = isv.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:1');
    expect(down).not.toBe(isv);
    expect(await target().deliver(sampleLead(), config(down), { timeoutMs: 5_000 })).toMatchObject({
      outcome: 'retryable',
      category: 'network',
    });
  });
});
