import { describe, expect, it } from 'vitest';
import {
  CONFIGURATION_KEYS,
  DEFAULT_DYNAMICS_HOST_SUFFIXES,
  normaliseServerId,
  parseDestination,
  unexpectedConfigurations,
  type DestinationRuleOptions,
} from '../../../../shared/leads/rules/destinations';

const KEY = Buffer.alloc(64, 7).toString('base64');
const TABLE = `DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
const APP = '23456052-aaaa-bbbb-8662-1234df56788f';
const TENANT = '12345678-8af1-4a5f-1234-12234d01db47';
const FLOW =
  'https://prod-04.westcentralus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xy%2Bz';

function options(overrides: Partial<DestinationRuleOptions> = {}): DestinationRuleOptions {
  return { allowDevStorage: false, allowLoopbackTargets: false, dynamicsHostSuffixes: DEFAULT_DYNAMICS_HOST_SUFFIXES, ...overrides };
}
const path = (type: keyof typeof CONFIGURATION_KEYS, field: string) => `${CONFIGURATION_KEYS[type]}.${field}`;
const violation = (p: string, code: string) => ({ path: p, code, message: expect.any(String) as string });

describe('parseDestination: common', () => {
  it('None is no destination', () => {
    expect(parseDestination('None', undefined, options())).toEqual({ kind: 'none' });
  });

  it('a destination without its settings object names the object', () => {
    expect(parseDestination('Salesforce', undefined, options())).toEqual({
      kind: 'invalid',
      violations: [violation('microsoft-azure-marketplace.salesForceLeadConfiguration', 'required')],
    });
  });

  it('AzureBlob is deprecated, and a bad container name is named too', () => {
    expect(parseDestination('AzureBlob', { containerName: 'marketplaceleadcontainer', connectionString: TABLE }, options())).toEqual({
      kind: 'deprecated',
      violations: [violation('microsoft-azure-marketplace.leadDestination', 'destination_deprecated')],
    });
    for (const name of ['Leads', '-leads', 'le--ads', 'ab', 'a'.repeat(64), 'leads-']) {
      expect(parseDestination('AzureBlob', { containerName: name }, options())).toEqual({
        kind: 'deprecated',
        violations: [
          violation('microsoft-azure-marketplace.leadDestination', 'destination_deprecated'),
          violation(path('AzureBlob', 'containerName'), 'invalid_container_name'),
        ],
      });
    }
    expect(parseDestination('AzureBlob', { containerName: 'a'.repeat(63) }, options())).toMatchObject({
      violations: [{ code: 'destination_deprecated' }],
    });
    expect(parseDestination('AzureBlob', { containerName: 'abc' }, options())).toMatchObject({
      violations: [{ code: 'destination_deprecated' }],
    });
    expect(parseDestination('AzureBlob', undefined, options())).toMatchObject({
      kind: 'deprecated',
      violations: [{ code: 'destination_deprecated' }],
    });
  });

  it('splits contact emails on semicolons, trims, drops empty entries and duplicates (case-insensitively)', () => {
    const result = parseDestination(
      'Salesforce',
      { contactEmail: ' a@x.com; b@y.com;; A@X.com ;', objectIdentifier: '00D4P000000zIbO' },
      options(),
    );
    expect(result).toEqual({
      kind: 'valid',
      config: { type: 'Salesforce', objectIdentifier: '00D4P000000zIbO', contactEmails: ['a@x.com', 'b@y.com'] },
    });
  });

  it.each([
    ['commas', 'a@x.com,b@y.com', 'invalid_email'],
    ['a CR/LF', 'a@x.com\r\nb@y.com', 'invalid_email'],
    ['a display name', 'John <j@x.com>', 'invalid_email'],
    ['21 addresses', Array.from({ length: 21 }, (_, i) => `u${i}@x.com`).join(';'), 'too_many'],
    ['only separators', ' ; ;', 'required'],
    ['nothing', '', 'required'],
    ['a number', 5, 'invalid_type'],
    ['over 1000 characters', `${'a'.repeat(60)}@x.com;`.repeat(16) + 'a@x.com', 'too_long'],
  ])('refuses contact emails with %s', (_label, contactEmail, code) => {
    expect(parseDestination('Salesforce', { contactEmail, objectIdentifier: '00D4P000000zIbO' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Salesforce', 'contactEmail'), code)],
    });
  });

  it('accepts 20 contact addresses', () => {
    const contactEmail = Array.from({ length: 20 }, (_, i) => `u${i}@x.com`).join(';');
    const result = parseDestination('Salesforce', { contactEmail, objectIdentifier: '00D4P000000zIbO' }, options());
    expect(result.kind === 'valid' ? result.config.contactEmails : []).toHaveLength(20);
  });

  it('reports every violation of one object at once', () => {
    expect(parseDestination('Marketo', { serverId: '!', munchkinAccountId: '1', formId: 'abc' }, options())).toEqual({
      kind: 'invalid',
      violations: [
        violation(path('Marketo', 'contactEmail'), 'required'),
        violation(path('Marketo', 'serverId'), 'invalid_server_id'),
        violation(path('Marketo', 'munchkinAccountId'), 'invalid_munchkin_id'),
        violation(path('Marketo', 'formId'), 'invalid_integer'),
      ],
    });
  });
});

describe('parseDestination: Azure Table', () => {
  it('keeps the checked connection string', () => {
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: TABLE }, options())).toEqual({
      kind: 'valid',
      config: { type: 'AzureTable', connectionString: TABLE, contactEmails: ['a@x.com'] },
    });
  });

  it('accepts storageAccountConnectionString and names the field of a bad one', () => {
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', storageAccountConnectionString: TABLE }, options()).kind).toBe(
      'valid',
    );
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: 'UseDevelopmentStorage=true' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'dev_storage_not_allowed')],
    });
    expect(
      parseDestination(
        'AzureTable',
        { contactEmail: 'a@x.com', connectionString: 'UseDevelopmentStorage=true' },
        options({ allowDevStorage: true }),
      ).kind,
    ).toBe('valid');
  });

  it('requires the connection string, as a string', () => {
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'required')],
    });
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: '  ' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'required')],
    });
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: 42 }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'invalid_type')],
    });
  });
});

describe('parseDestination: HTTPS endpoint', () => {
  const https = (settings: Record<string, unknown>, o = options()) =>
    parseDestination('HttpsEndpoint', { contactEmail: 'a@x.com', ...settings }, o);

  it('keeps the Power Automate URL byte-exact, with an optional signing secret', () => {
    expect(https({ httpsEndpointUri: FLOW })).toEqual({
      kind: 'valid',
      config: { type: 'HttpsEndpoint', httpsEndpointUri: FLOW, contactEmails: ['a@x.com'] },
    });
    expect(https({ httpsEndpointUrl: FLOW, signingSecret: 's'.repeat(16) })).toEqual({
      kind: 'valid',
      config: { type: 'HttpsEndpoint', httpsEndpointUri: FLOW, signingSecret: 's'.repeat(16), contactEmails: ['a@x.com'] },
    });
    expect(https({ HTTPSENDPOINTURI: 'https://hooks.contoso.com?x=1' })).toMatchObject({
      config: { httpsEndpointUri: 'https://hooks.contoso.com?x=1' },
    });
  });

  it.each([
    ['http', 'http://hooks.contoso.com/lead', 'https_required'],
    ['userinfo', 'https://user:pw@hooks.contoso.com/lead', 'userinfo_not_allowed'],
    ['a fragment', 'https://hooks.contoso.com/lead#x', 'fragment_not_allowed'],
    ['localhost', 'https://localhost/lead', 'private_address'],
    ['127.0.0.1', 'https://127.0.0.1:8443/lead', 'private_address'],
    ['10.0.0.5', 'https://10.0.0.5/lead', 'private_address'],
    ['172.16.0.1', 'https://172.16.0.1/lead', 'private_address'],
    ['192.168.1.1', 'https://192.168.1.1/lead', 'private_address'],
    ['metadata', 'https://169.254.169.254/lead', 'private_address'],
    ['CGNAT', 'https://100.64.0.1/lead', 'private_address'],
    ['0.0.0.0', 'https://0.0.0.0/lead', 'private_address'],
    ['multicast', 'https://224.0.0.1/lead', 'private_address'],
    ['IPv6 ULA', 'https://[fd00::1]/lead', 'private_address'],
    ['IPv6 link-local', 'https://[fe80::1]/lead', 'private_address'],
    ['IPv6 loopback', 'https://[::1]/lead', 'private_address'],
    ['a relative URL', '/lead', 'invalid_url'],
    ['a space in the query (would be re-encoded)', 'https://hooks.contoso.com/lead?a=b c', 'invalid_url'],
    ['a dot segment (would be normalised)', 'https://hooks.contoso.com/a/../lead', 'invalid_url'],
    ['2049 characters', `https://hooks.contoso.com/${'a'.repeat(2049 - 26)}`, 'too_long'],
  ])('refuses %s', (_label, httpsEndpointUri, code) => {
    expect(https({ httpsEndpointUri })).toEqual({
      kind: 'invalid',
      violations: [violation(path('HttpsEndpoint', 'httpsEndpointUri'), code)],
    });
  });

  it('accepts 2048 characters and public literal addresses', () => {
    expect(https({ httpsEndpointUri: `https://hooks.contoso.com/${'a'.repeat(2048 - 26)}` }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://172.32.0.1/x' }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://100.128.0.1/x' }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://[2606:4700::1111]/x' }).kind).toBe('valid');
  });

  it('allows loopback (https, or http to loopback) only with allowLoopbackTargets', () => {
    const local = options({ allowLoopbackTargets: true });
    expect(https({ httpsEndpointUri: 'https://localhost:8443/lead' }, local).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'http://127.0.0.1:8080/lead' }, local).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'http://hooks.contoso.com/lead' }, local)).toMatchObject({ violations: [{ code: 'https_required' }] });
    expect(https({ httpsEndpointUri: 'https://10.0.0.5/lead' }, local)).toMatchObject({ violations: [{ code: 'private_address' }] });
  });

  it.each([
    ['short', 's'.repeat(15)],
    ['long', 's'.repeat(257)],
    ['not a string', 12345678901234567],
  ])('refuses a %s signing secret', (_l, signingSecret) => {
    expect(https({ httpsEndpointUri: FLOW, signingSecret })).toEqual({
      kind: 'invalid',
      violations: [violation(path('HttpsEndpoint', 'signingSecret'), 'invalid_secret')],
    });
  });

  it('accepts a 256-character signing secret', () => {
    expect(https({ httpsEndpointUri: FLOW, signingSecret: 's'.repeat(256) }).kind).toBe('valid');
  });
});

describe('parseDestination: Dynamics 365', () => {
  const aad = {
    contactEmail: 'a@x.com',
    uri: 'https://contoso.crm4.dynamics.com',
    authentication: 'AzureActiveDirectory',
    applicationId: APP,
    directoryId: TENANT,
    applicationKey: 'k3y/secret=',
  };
  const o365 = {
    contactEmail: 'a@x.com',
    uri: 'https://contoso.crm.dynamics.com/',
    authentication: 'Office365',
    userName: 'svc@contoso.onmicrosoft.com',
    password: 'pw',
  };

  it('AAD mode, with ingestion spellings and an option-set lead source code', () => {
    expect(parseDestination('Dynamics', aad, options())).toEqual({
      kind: 'valid',
      config: {
        type: 'Dynamics',
        uri: 'https://contoso.crm4.dynamics.com',
        authentication: 'AzureActiveDirectory',
        applicationId: APP,
        directoryId: TENANT,
        applicationKey: 'k3y/secret=',
        contactEmails: ['a@x.com'],
      },
    });
    const spelled = {
      ...aad,
      applicationId: undefined,
      directoryId: undefined,
      applicationID: APP.toUpperCase(),
      directoryID: TENANT,
      leadSourceCode: '100000001',
    };
    expect(parseDestination('Dynamics', spelled, options())).toMatchObject({ config: { applicationId: APP, leadSourceCode: 100000001 } });
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: 7 }, options())).toMatchObject({ config: { leadSourceCode: 7 } });
  });

  it('Office365 mode keeps the organization URL without its slash', () => {
    expect(parseDestination('Dynamics', o365, options())).toEqual({
      kind: 'valid',
      config: {
        type: 'Dynamics',
        uri: 'https://contoso.crm.dynamics.com',
        authentication: 'Office365',
        userName: 'svc@contoso.onmicrosoft.com',
        password: 'pw',
        contactEmails: ['a@x.com'],
      },
    });
  });

  it.each([
    ['an on-prem host', { uri: 'https://crm.contoso.local' }, 'uri', 'onprem_not_supported'],
    ['another Microsoft host', { uri: 'https://contoso.dynamics.com' }, 'uri', 'onprem_not_supported'],
    ['a nested host', { uri: 'https://a.b.crm.dynamics.com' }, 'uri', 'onprem_not_supported'],
    ['http', { uri: 'http://contoso.crm.dynamics.com' }, 'uri', 'https_required'],
    ['a path', { uri: 'https://contoso.crm.dynamics.com/main.aspx' }, 'uri', 'invalid_url'],
    ['a query', { uri: 'https://contoso.crm.dynamics.com/?x=1' }, 'uri', 'invalid_url'],
    ['not a URL', { uri: 'contoso' }, 'uri', 'invalid_url'],
    ['the seed directory id', { directoryId: '12345678-8af1-4asf-1234-12234d01db47' }, 'directoryId', 'invalid_guid'],
    ['braces around the app id', { applicationId: `{${APP}}` }, 'applicationId', 'invalid_guid'],
    ['no application key', { applicationKey: undefined }, 'applicationKey', 'required'],
    ['a 1025-character key', { applicationKey: 'k'.repeat(1025) }, 'applicationKey', 'too_long'],
    ['a password in AAD mode', { password: 'pw' }, 'password', 'field_not_allowed'],
    ['a user name in AAD mode', { userName: 'u@x.com' }, 'userName', 'field_not_allowed'],
    ['another mode', { authentication: 'Basic' }, 'authentication', 'invalid_value'],
    ['no mode', { authentication: undefined }, 'authentication', 'required'],
    ['a fractional lead source code', { leadSourceCode: 1.5 }, 'leadSourceCode', 'invalid_integer'],
    ['a word as lead source code', { leadSourceCode: 'web' }, 'leadSourceCode', 'invalid_integer'],
  ])('AAD: refuses %s', (_label, change, field, code) => {
    expect(parseDestination('Dynamics', { ...aad, ...change }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Dynamics', field), code)],
    });
  });

  it.each([
    ['no password', { password: undefined }, 'password', 'required'],
    ['a 257-character password', { password: 'p'.repeat(257) }, 'password', 'too_long'],
    ['a user name that is not an email', { userName: 'contoso\\svc' }, 'userName', 'invalid_email'],
    ['an application key', { applicationKey: 'k' }, 'applicationKey', 'field_not_allowed'],
    ['a directory id', { directoryId: TENANT }, 'directoryId', 'field_not_allowed'],
    ['an application id', { applicationId: APP }, 'applicationId', 'field_not_allowed'],
  ])('Office365: refuses %s', (_label, change, field, code) => {
    expect(parseDestination('Dynamics', { ...o365, ...change }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Dynamics', field), code)],
    });
  });

  it('accepts 256-character passwords, 1024-character keys, numbered crm hosts and configured sovereign suffixes', () => {
    expect(parseDestination('Dynamics', { ...o365, password: 'p'.repeat(256) }, options()).kind).toBe('valid');
    expect(parseDestination('Dynamics', { ...aad, applicationKey: 'k'.repeat(1024) }, options()).kind).toBe('valid');
    expect(parseDestination('Dynamics', { ...aad, uri: 'https://Contoso.CRM11.dynamics.com' }, options())).toMatchObject({
      config: { uri: 'https://contoso.crm11.dynamics.com' },
    });
    expect(parseDestination('Dynamics', { ...aad, uri: 'https://contoso.crm.microsoftdynamics.us' }, options()).kind).toBe('valid');
    expect(parseDestination('Dynamics', { ...aad, uri: 'https://a.b.crm.microsoftdynamics.us' }, options()).kind).toBe('invalid');
    expect(parseDestination('Dynamics', { ...aad, uri: 'https://org.crm.example.test' }, options()).kind).toBe('invalid');
    expect(
      parseDestination('Dynamics', { ...aad, uri: 'https://org.crm.example.test' }, options({ dynamicsHostSuffixes: ['crm.example.test'] }))
        .kind,
    ).toBe('valid');
  });
});

describe('parseDestination: Marketo', () => {
  const base = { contactEmail: 'a@x.com', serverId: 'ys12', munchkinAccountId: '123-PQR-789', formId: 1179 };

  it('normalises the server id, upper-cases the Munchkin id and accepts a numeric form id string', () => {
    expect(
      parseDestination(
        'Marketo',
        {
          ...base,
          serverID: 'app-YS12.marketo.com',
          serverId: undefined,
          munchkinAccountId: '123-pqr-789',
          formID: '1179',
          formId: undefined,
        },
        options(),
      ),
    ).toEqual({
      kind: 'valid',
      config: { type: 'Marketo', serverId: 'ys12', munchkinAccountId: '123-PQR-789', formId: 1179, contactEmails: ['a@x.com'] },
    });
  });

  it.each([
    ['ys12', 'ys12'],
    ['app-ys12', 'ys12'],
    ['APP-YS12.MARKETO.COM', 'ys12'],
    ['//app-ys12.marketo.com', 'ys12'],
    ['https://app-ys12.marketo.com/', 'ys12'],
    [' ab12 ', 'ab12'],
  ])('normaliseServerId(%j) is %j', (input, expected) => {
    expect(normaliseServerId(input)).toBe(expected);
  });

  it.each([
    ['formId', 'abc', 'invalid_integer'],
    ['formId', 0, 'invalid_integer'],
    ['formId', 2_147_483_648, 'invalid_integer'],
    ['formId', 1.5, 'invalid_integer'],
    ['formId', '-1', 'invalid_integer'],
    ['formId', undefined, 'required'],
    ['serverId', 'y', 'invalid_server_id'],
    ['serverId', 'a'.repeat(17), 'invalid_server_id'],
    ['serverId', 'ys_12', 'invalid_server_id'],
    ['munchkinAccountId', '123-PQ-789', 'invalid_munchkin_id'],
    ['munchkinAccountId', '1234-PQR-789', 'invalid_munchkin_id'],
    ['munchkinAccountId', '123-PQR-7890', 'invalid_munchkin_id'],
  ])('refuses %s %j', (field, value, code) => {
    expect(parseDestination('Marketo', { ...base, [field]: value }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Marketo', field), code)],
    });
  });

  it('accepts form ids 1 and 2147483647 and 16-character server ids', () => {
    expect(parseDestination('Marketo', { ...base, formId: 1 }, options()).kind).toBe('valid');
    expect(parseDestination('Marketo', { ...base, formId: 2_147_483_647 }, options()).kind).toBe('valid');
    expect(parseDestination('Marketo', { ...base, serverId: 'a'.repeat(16) }, options()).kind).toBe('valid');
    expect(parseDestination('Marketo', { ...base, serverId: 'ab' }, options()).kind).toBe('valid');
  });
});

describe('parseDestination: Salesforce', () => {
  it.each(['00D4P000000zIbO', '00D36000000qRha', '00D36000000qRhaEAE'])('accepts the org id %s', (oid) => {
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: oid }, options())).toEqual({
      kind: 'valid',
      config: { type: 'Salesforce', objectIdentifier: oid, contactEmails: ['a@x.com'] },
    });
  });

  it.each([
    ['00D123', 'invalid_org_id'],
    ['00E4P000000zIbO', 'invalid_org_id'],
    ['00D4P000000zIbOA', 'invalid_org_id'],
    ['00D4P000000zIb-', 'invalid_org_id'],
    ['00D4P000000zIbOABCD', 'too_long'],
  ])('refuses %s', (oid, code) => {
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: oid }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Salesforce', 'objectIdentifier'), code)],
    });
  });
});

describe('unexpectedConfigurations', () => {
  it('names the other destinations objects present, in any case, and ignores unrelated keys', () => {
    const keys = [CONFIGURATION_KEYS.AzureTable, CONFIGURATION_KEYS.Marketo.toUpperCase(), 'microsoft-azure-marketplace.title'];
    expect(unexpectedConfigurations('AzureTable', keys)).toEqual([
      violation(CONFIGURATION_KEYS.Marketo.toUpperCase(), 'unexpected_destination_fields'),
    ]);
    expect(unexpectedConfigurations('None', keys)).toEqual([
      violation(CONFIGURATION_KEYS.AzureTable, 'unexpected_destination_fields'),
      violation(CONFIGURATION_KEYS.Marketo.toUpperCase(), 'unexpected_destination_fields'),
    ]);
  });
});

describe('parseDestination: address and value boundaries', () => {
  const https = (httpsEndpointUri: string, allowLoopbackTargets = false) =>
    parseDestination('HttpsEndpoint', { contactEmail: 'a@x.com', httpsEndpointUri }, options({ allowLoopbackTargets })).kind;

  it.each([
    ['https://172.15.255.255/x', 'valid'],
    ['https://172.16.0.0/x', 'invalid'],
    ['https://172.31.255.255/x', 'invalid'],
    ['https://172.32.0.0/x', 'valid'],
    ['https://192.167.1.1/x', 'valid'],
    ['https://192.169.1.1/x', 'valid'],
    ['https://169.253.1.1/x', 'valid'],
    ['https://169.255.1.1/x', 'valid'],
    ['https://100.63.255.255/x', 'valid'],
    ['https://100.127.255.255/x', 'invalid'],
    ['https://223.255.255.255/x', 'valid'],
    ['https://11.0.0.1/x', 'valid'],
    ['https://9.255.255.255/x', 'valid'],
    ['https://1.0.0.1/x', 'valid'],
    ['https://[fc00::1]/x', 'invalid'],
    ['https://[::]/x', 'invalid'],
    ['https://[2001:db8::1]/x', 'valid'],
    ['https://api.localhost/x', 'invalid'],
    ['https://LOCALHOST/x', 'invalid'],
    ['https://127.8.9.10/x', 'invalid'],
    ['https://localhost.contoso.com/x', 'valid'],
  ])('%s is %s by default', (url, kind) => {
    expect(https(url)).toBe(kind);
  });

  it('allows every loopback spelling with allowLoopbackTargets, and nothing private', () => {
    for (const url of ['https://api.localhost/x', 'http://localhost:1/x', 'http://127.8.9.10/x', 'http://[::1]:8080/x'])
      expect(https(url, true)).toBe('valid');
    for (const url of ['http://10.1.1.1/x', 'https://192.168.0.1/x', 'http://api.contoso.com/x']) expect(https(url, true)).toBe('invalid');
  });

  it('keeps secrets exactly as given and trims the other fields', () => {
    const result = parseDestination(
      'Dynamics',
      {
        contactEmail: ' a@x.com ',
        uri: ' https://contoso.crm.dynamics.com ',
        authentication: 'AzureActiveDirectory',
        applicationId: ` ${APP} `,
        directoryId: TENANT,
        applicationKey: ' key with spaces ',
      },
      options(),
    );
    expect(result).toMatchObject({
      kind: 'valid',
      config: {
        uri: 'https://contoso.crm.dynamics.com',
        applicationId: APP,
        applicationKey: ' key with spaces ',
        contactEmails: ['a@x.com'],
      },
    });
  });

  it('treats null and whitespace values as absent, and names a wrong type', () => {
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: null }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Salesforce', 'objectIdentifier'), 'required')],
    });
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: ' \t ' }, options())).toMatchObject({
      violations: [{ code: 'required' }],
    });
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: ['00D4P000000zIbO'] }, options())).toMatchObject({
      violations: [{ code: 'invalid_type' }],
    });
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: '  00D4P000000zIbO ' }, options())).toMatchObject({
      config: { objectIdentifier: '00D4P000000zIbO' },
    });
  });

  it('reads the first non-empty spelling of a field', () => {
    expect(
      parseDestination(
        'Marketo',
        { contactEmail: 'a@x.com', serverId: '', serverID: 'ys12', munchkinId: '123-abc-456', formId: 5 },
        options(),
      ),
    ).toEqual({
      kind: 'valid',
      config: { type: 'Marketo', serverId: 'ys12', munchkinAccountId: '123-ABC-456', formId: 5, contactEmails: ['a@x.com'] },
    });
  });

  it('checks lead source codes at the int32 bounds', () => {
    const aad = {
      contactEmail: 'a@x.com',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'AzureActiveDirectory',
      applicationId: APP,
      directoryId: TENANT,
      applicationKey: 'k',
    };
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: -2_147_483_648 }, options())).toMatchObject({
      config: { leadSourceCode: -2_147_483_648 },
    });
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: 2_147_483_647 }, options())).toMatchObject({
      config: { leadSourceCode: 2_147_483_647 },
    });
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: -2_147_483_649 }, options()).kind).toBe('invalid');
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: 2_147_483_648 }, options()).kind).toBe('invalid');
    expect(parseDestination('Dynamics', { ...aad, leadSourceCode: ' -7 ' }, options())).toMatchObject({ config: { leadSourceCode: -7 } });
  });

  it('Office365 lower-cases the user name domain, and AAD lower-cases GUIDs', () => {
    const o365 = {
      contactEmail: 'a@x.com',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'Office365',
      userName: 'Svc@Contoso.OnMicrosoft.com',
      password: 'p',
    };
    expect(parseDestination('Dynamics', o365, options())).toMatchObject({ config: { userName: 'Svc@contoso.onmicrosoft.com' } });
  });
});
