import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../../shared/leads/model';
import {
  dataverseLead,
  formBody,
  httpsBody,
  marketoFields,
  salesforceFields,
  tableEntity,
  truncate,
} from '../../../../shared/leads/rules/payloads';

function lead(overrides: Partial<Lead> = {}, user: Partial<Lead['userDetails']> = {}): Lead {
  return {
    leadId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2',
    createdAt: '2025-01-01T12:00:00.000Z',
    isTest: false,
    trigger: 'ContactMe',
    storefront: 'AppSource',
    source: 'SPZA',
    action: 'PLT',
    kind: 'initialInterest',
    publisherId: 'contoso',
    offerId: 'contoso-crm-addon',
    offerTitle: 'Contoso CRM Add-on',
    leadSource: 'SPZA-PLT|contoso.contoso-crm-addon',
    userDetails: {
      FirstName: 'John',
      LastName: 'Smith',
      Email: 'jsmith@contoso.com',
      Phone: '1234567890',
      Country: 'US',
      Company: 'Contoso',
      Title: 'CTO',
      ...user,
    },
    description: 'Please call me about pricing',
    consent: { given: true, at: '2025-01-01T11:59:00.000Z' },
    ...overrides,
  };
}

describe('httpsBody', () => {
  it('is the spec 1.5 body: seed keys, the composite LeadSource and Metadata', () => {
    expect(httpsBody(lead())).toStrictEqual({
      UserDetails: {
        FirstName: 'John',
        LastName: 'Smith',
        Email: 'jsmith@contoso.com',
        Phone: '1234567890',
        Country: 'US',
        Company: 'Contoso',
        Title: 'CTO',
      },
      LeadSource: 'SPZA-PLT|contoso.contoso-crm-addon',
      ActionCode: 'PLT',
      OfferTitle: 'Contoso CRM Add-on',
      Description: 'Please call me about pricing',
      Metadata: {
        LeadId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2',
        CreatedAt: '2025-01-01T12:00:00.000Z',
        PublisherId: 'contoso',
        OfferId: 'contoso-crm-addon',
        Source: 'SPZA',
        Trigger: 'ContactMe',
        Kind: 'initialInterest',
        IsTest: false,
        DoNotContact: false,
        SchemaVersion: 1,
      },
    });
  });

  it('sends "" for unknown details, never null, and keeps markup as data', () => {
    const body = httpsBody(
      lead({ description: '' }, { FirstName: '<script>alert(1)</script>', Phone: '', Country: '', Company: '', Title: '', LastName: '' }),
    );
    const json = JSON.stringify(body);
    expect(json).not.toContain('null');
    expect(body['UserDetails']).toEqual({
      FirstName: '<script>alert(1)</script>',
      LastName: '',
      Email: 'jsmith@contoso.com',
      Phone: '',
      Country: '',
      Company: '',
      Title: '',
    });
    expect(body['Description']).toBe('');
    expect(JSON.parse(json)).toEqual(body);
  });

  it('flags do-not-contact and carries the optional source as sent, plan and subscription', () => {
    const body = httpsBody(lead({ action: 'DNC', sourceAsSent: 'TestDrive', planId: 'gold', subscriptionId: 'sub-1', isTest: true }));
    expect(body['Metadata']).toMatchObject({
      DoNotContact: true,
      SourceAsSent: 'TestDrive',
      PlanId: 'gold',
      SubscriptionId: 'sub-1',
      IsTest: true,
    });
    expect(body['ActionCode']).toBe('DNC');
  });
});

describe('tableEntity', () => {
  it('has every spec 3.1 column, PK publisher.offer and RK the lead id', () => {
    expect(tableEntity(lead())).toEqual({
      partitionKey: 'contoso.contoso-crm-addon',
      rowKey: '01HZX3M8Q4W5E6R7T8Y9U0I1O2',
      LeadId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2',
      LeadSource: 'SPZA-PLT|contoso.contoso-crm-addon',
      Source: 'SPZA',
      ActionCode: 'PLT',
      Trigger: 'ContactMe',
      PublisherId: 'contoso',
      OfferId: 'contoso-crm-addon',
      OfferTitle: 'Contoso CRM Add-on',
      FirstName: 'John',
      LastName: 'Smith',
      Email: 'jsmith@contoso.com',
      Phone: '1234567890',
      Country: 'US',
      Company: 'Contoso',
      Title: 'CTO',
      CustomerInfo:
        '{"FirstName":"John","LastName":"Smith","Email":"jsmith@contoso.com","Phone":"1234567890","Country":"US","Company":"Contoso","Title":"CTO"}',
      Description: 'Please call me about pricing',
      CreatedAt: { value: '2025-01-01T12:00:00.000Z', type: 'DateTime' },
      IsTest: false,
      SchemaVersion: { value: '1', type: 'Int32' },
    });
  });
});

describe('truncate', () => {
  it('keeps text within the limit and cuts longer text at a code point', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('abc');
    expect(truncate('ab😀', 3)).toBe('ab');
    expect(truncate('ab😀', 4)).toBe('ab😀');
    expect(truncate('😀😀', 3)).toBe('😀');
    expect(truncate('', 0)).toBe('');
  });
});

describe('dataverseLead', () => {
  it('maps spec 3.4: subject, names, contact fields and a description with LeadSource and the lead id', () => {
    expect(dataverseLead(lead())).toStrictEqual({
      fields: {
        subject: 'Contoso CRM Add-on (PLT)',
        firstname: 'John',
        lastname: 'Smith',
        emailaddress1: 'jsmith@contoso.com',
        telephone1: '1234567890',
        companyname: 'Contoso',
        jobtitle: 'CTO',
        address1_country: 'US',
        description:
          'Please call me about pricing\n\nLeadSource: SPZA-PLT|contoso.contoso-crm-addon\nMarketplaceLeadId: 01HZX3M8Q4W5E6R7T8Y9U0I1O2',
      },
      truncated: [],
    });
  });

  it('leaves empty values out, sets the lead source code when configured, and cuts long values', () => {
    const { fields, truncated } = dataverseLead(
      lead({ description: 'd'.repeat(2000) }, { FirstName: 'F'.repeat(51), Phone: '', Title: '' }),
      100000001,
    );
    expect(fields['firstname']).toBe('F'.repeat(50));
    expect(fields).not.toHaveProperty('telephone1');
    expect(fields).not.toHaveProperty('jobtitle');
    expect(fields['leadsourcecode']).toBe(100000001);
    const description = String(fields['description']);
    expect(description).toHaveLength(2000);
    expect(description.endsWith('\n\nLeadSource: SPZA-PLT|contoso.contoso-crm-addon\nMarketplaceLeadId: 01HZX3M8Q4W5E6R7T8Y9U0I1O2')).toBe(
      true,
    );
    expect(truncated).toEqual(['firstname', 'description']);
  });

  it('keeps a description that fits exactly', () => {
    const tail = '\n\nLeadSource: SPZA-PLT|contoso.contoso-crm-addon\nMarketplaceLeadId: 01HZX3M8Q4W5E6R7T8Y9U0I1O2';
    const { fields, truncated } = dataverseLead(lead({ description: 'd'.repeat(2000 - tail.length) }, { FirstName: 'F'.repeat(50) }));
    expect(String(fields['description'])).toHaveLength(2000);
    expect(fields['firstname']).toBe('F'.repeat(50));
    expect(truncated).toEqual([]);
  });
});

describe('marketoFields', () => {
  it('posts the form fields of spec 3.5 in order', () => {
    const fields = marketoFields(lead(), {
      type: 'Marketo',
      serverId: 'ys12',
      munchkinAccountId: '123-PQR-789',
      formId: 1179,
      contactEmails: [],
    });
    expect(fields).toEqual([
      ['munchkinId', '123-PQR-789'],
      ['formid', '1179'],
      ['formVid', '1179'],
      ['FirstName', 'John'],
      ['LastName', 'Smith'],
      ['Email', 'jsmith@contoso.com'],
      ['Phone', '1234567890'],
      ['Company', 'Contoso'],
      ['Country', 'US'],
      ['Title', 'CTO'],
      ['LeadSource', 'SPZA-PLT|contoso.contoso-crm-addon'],
    ]);
  });
});

describe('salesforceFields', () => {
  const config = { type: 'Salesforce' as const, objectIdentifier: '00D4P000000zIbO', contactEmails: [] };

  it('posts the Web-to-Lead fields of spec 3.6', () => {
    expect(salesforceFields(lead(), config)).toEqual({
      fields: [
        ['oid', '00D4P000000zIbO'],
        ['first_name', 'John'],
        ['last_name', 'Smith'],
        ['email', 'jsmith@contoso.com'],
        ['phone', '1234567890'],
        ['company', 'Contoso'],
        ['country', 'US'],
        ['title', 'CTO'],
        ['description', 'Please call me about pricing'],
        ['lead_source', 'SPZA-PLT|contoso.contoso-crm-addon'],
        ['encoding', 'UTF-8'],
      ],
      truncated: [],
    });
  });

  it('cuts to the Salesforce lengths and records each cut field', () => {
    const { fields, truncated } = salesforceFields(
      lead(
        {},
        {
          FirstName: 'F'.repeat(45),
          LastName: 'L'.repeat(81),
          Email: `${'e'.repeat(75)}@x.com`,
          Phone: '1'.repeat(41),
          Company: 'C'.repeat(256),
          Country: 'K'.repeat(81),
          Title: 'T'.repeat(129),
        },
      ),
      config,
    );
    const get = (name: string) => fields.find(([k]) => k === name)?.[1];
    expect(get('first_name')).toBe('F'.repeat(40));
    expect(get('last_name')).toBe('L'.repeat(80));
    expect(get('email')).toHaveLength(80);
    expect(get('phone')).toBe('1'.repeat(40));
    expect(get('company')).toBe('C'.repeat(255));
    expect(get('country')).toBe('K'.repeat(80));
    expect(get('title')).toBe('T'.repeat(128));
    expect(truncated).toEqual(['first_name', 'last_name', 'email', 'phone', 'company', 'country', 'title']);
  });

  it('keeps values at the limits whole', () => {
    const { truncated } = salesforceFields(
      lead({ description: 'd'.repeat(32000) }, { FirstName: 'F'.repeat(40), LastName: 'L'.repeat(80), Title: 'T'.repeat(128) }),
      config,
    );
    expect(truncated).toEqual([]);
  });

  it('moves an over-long LeadSource whole into the description', () => {
    const long = `SPZA-PLT|${'p'.repeat(250)}.offer`;
    const { fields, truncated } = salesforceFields(lead({ leadSource: long }), config);
    const get = (name: string) => fields.find(([k]) => k === name)?.[1];
    expect(get('lead_source')).toBe(long.slice(0, 255));
    expect(get('description')).toBe(`Please call me about pricing\n\nLeadSource: ${long}`);
    expect(truncated).toEqual(['lead_source']);
    const bare = salesforceFields(lead({ leadSource: long, description: '' }), config).fields.find(([k]) => k === 'description')?.[1];
    expect(bare).toBe(`LeadSource: ${long}`);
  });

  it('keeps a LeadSource of exactly 255 characters out of the description', () => {
    const source = `SPZA-PLT|${'p'.repeat(240)}.offer`;
    expect(source).toHaveLength(255);
    const { fields, truncated } = salesforceFields(lead({ leadSource: source }), config);
    expect(fields.find(([k]) => k === 'description')?.[1]).toBe('Please call me about pricing');
    expect(fields.find(([k]) => k === 'lead_source')?.[1]).toBe(source);
    expect(truncated).toEqual([]);
  });

  it('cuts a description over 32000 characters and records it', () => {
    const { fields, truncated } = salesforceFields(lead({ description: 'd'.repeat(32001) }), config);
    expect(fields.find(([k]) => k === 'description')?.[1]).toBe('d'.repeat(32000));
    expect(truncated).toEqual(['description']);
  });

  it('cuts a 45-character emoji name at a code point', () => {
    const { fields } = salesforceFields(lead({}, { FirstName: `${'a'.repeat(39)}😀bcdef` }), config);
    expect(fields.find(([k]) => k === 'first_name')?.[1]).toBe('a'.repeat(39));
  });
});

describe('formBody', () => {
  it('percent-encodes UTF-8 and spaces as +', () => {
    expect(
      formBody([
        ['first_name', 'Zoë Ünal'],
        ['lead_source', 'SPZA-PLT|contoso.app'],
        ['x', '<b>&='],
      ]),
    ).toBe('first_name=Zo%C3%AB+%C3%9Cnal&lead_source=SPZA-PLT%7Ccontoso.app&x=%3Cb%3E%26%3D');
  });
});
