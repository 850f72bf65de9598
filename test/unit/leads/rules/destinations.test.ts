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
const violation = (p: string, code: string, message: string) => ({ path: p, code, message });
const BLOB_DEPRECATED = violation(
  'microsoft-azure-marketplace.leadDestination',
  'destination_deprecated',
  'Azure Blob lead destinations are deprecated and no longer receive leads; choose Azure Table, HTTPS endpoint, Dynamics 365, Marketo or Salesforce.',
);
const CONTAINER_MESSAGE =
  'containerName must be 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.';

describe('parseDestination: common', () => {
  it('None is no destination', () => {
    expect(parseDestination('None', undefined, options())).toEqual({ kind: 'none' });
  });

  it('a destination without its settings object names the object', () => {
    expect(parseDestination('Salesforce', undefined, options())).toEqual({
      kind: 'invalid',
      violations: [
        violation(
          'microsoft-azure-marketplace.salesForceLeadConfiguration',
          'required',
          'microsoft-azure-marketplace.salesForceLeadConfiguration is required when the lead destination is Salesforce.',
        ),
      ],
    });
  });

  it('AzureBlob is deprecated, and a bad container name is named too', () => {
    expect(parseDestination('AzureBlob', { containerName: 'marketplaceleadcontainer', connectionString: TABLE }, options())).toEqual({
      kind: 'deprecated',
      violations: [BLOB_DEPRECATED],
    });
    for (const name of ['Leads', '-leads', 'le--ads', 'ab', 'a'.repeat(64), 'leads-', 123]) {
      expect(parseDestination('AzureBlob', { containerName: name }, options())).toEqual({
        kind: 'deprecated',
        violations: [BLOB_DEPRECATED, violation(path('AzureBlob', 'containerName'), 'invalid_container_name', CONTAINER_MESSAGE)],
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
    ['commas', 'a@x.com,b@y.com', 'invalid_email', 'Separate contact email addresses with semicolons, not commas.'],
    ['a comma after one address', 'a@x.com,', 'invalid_email', 'Separate contact email addresses with semicolons, not commas.'],
    ['a CR/LF', 'a@x.com\r\nb@y.com', 'invalid_email', 'contactEmail must not contain line breaks.'],
    ['a line break between addresses', 'a@x.com;\nb@y.com', 'invalid_email', 'contactEmail must not contain line breaks.'],
    ['21 addresses', Array.from({ length: 21 }, (_, i) => `u${i}@x.com`).join(';'), 'too_many', 'contactEmail holds at most 20 addresses.'],
    ['only separators', ' ; ;', 'required', 'contactEmail needs at least one address.'],
    ['nothing', '', 'required', 'contactEmail is required.'],
    ['a number', 5, 'invalid_type', 'contactEmail must be a string.'],
    [
      '1001 characters',
      `${'a'.repeat(60)}@x.com;`.repeat(14) + `${'b'.repeat(57)}@x.com`,
      'too_long',
      'contactEmail must be at most 1000 characters.',
    ],
  ])('refuses contact emails with %s', (_label, contactEmail, code, message) => {
    expect(parseDestination('Salesforce', { contactEmail, objectIdentifier: '00D4P000000zIbO' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Salesforce', 'contactEmail'), code, message)],
    });
  });

  it('names the address that is not an email address, and why', () => {
    const result = parseDestination(
      'Salesforce',
      { contactEmail: 'a@x.com; John <j@x.com>', objectIdentifier: '00D4P000000zIbO' },
      options(),
    );
    expect(result).toMatchObject({ kind: 'invalid', violations: [{ path: path('Salesforce', 'contactEmail'), code: 'invalid_email' }] });
    const message = result.kind === 'invalid' ? result.violations[0]?.message : '';
    expect(message).toMatch(/^"John <j@x\.com>" is not a valid email address: .+\.$/);
  });

  it('accepts 20 contact addresses, and a list of exactly 1000 characters', () => {
    const contactEmail = Array.from({ length: 20 }, (_, i) => `u${i}@x.com`).join(';');
    const result = parseDestination('Salesforce', { contactEmail, objectIdentifier: '00D4P000000zIbO' }, options());
    expect(result.kind === 'valid' ? result.config.contactEmails : []).toHaveLength(20);
    const exactly1000 = `${'a'.repeat(60)}@x.com;`.repeat(14) + `${'b'.repeat(56)}@x.com`;
    expect(exactly1000).toHaveLength(1000);
    expect(parseDestination('Salesforce', { contactEmail: exactly1000, objectIdentifier: '00D4P000000zIbO' }, options())).toMatchObject({
      kind: 'valid',
      config: { contactEmails: expect.arrayContaining([`${'b'.repeat(56)}@x.com`]) as string[] },
    });
  });

  it('reports every violation of one object at once', () => {
    expect(parseDestination('Marketo', { serverId: '!', munchkinAccountId: '1', formId: 'abc' }, options())).toEqual({
      kind: 'invalid',
      violations: [
        violation(path('Marketo', 'contactEmail'), 'required', 'contactEmail is required.'),
        violation(
          path('Marketo', 'serverId'),
          'invalid_server_id',
          'serverId must be the Marketo server id, such as ys12 (from app-ys12.marketo.com).',
        ),
        violation(path('Marketo', 'munchkinAccountId'), 'invalid_munchkin_id', 'munchkinAccountId must look like 123-PQR-789.'),
        violation(path('Marketo', 'formId'), 'invalid_integer', 'formId must be a whole number from 1 to 2147483647.'),
      ],
    });
  });
});

describe('parseDestination: notifyIncludesPii (decision 0534)', () => {
  it('accepts true or false in any key case, and refuses anything else by name', () => {
    const base = { contactEmail: 'a@x.com', httpsEndpointUri: FLOW };
    expect(parseDestination('HttpsEndpoint', { ...base, notifyIncludesPii: true }, options()).kind).toBe('valid');
    expect(parseDestination('HttpsEndpoint', { ...base, NotifyIncludesPII: false }, options()).kind).toBe('valid');
    expect(parseDestination('HttpsEndpoint', { ...base, notifyIncludesPii: '' }, options()).kind).toBe('valid');
    expect(parseDestination('HttpsEndpoint', { ...base, notifyIncludesPii: 'true' }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('HttpsEndpoint', 'notifyIncludesPii'), 'invalid_type', 'notifyIncludesPii must be true or false.')],
    });
    expect(parseDestination('HttpsEndpoint', { ...base, notifyIncludesPii: 1 }, options()).kind).toBe('invalid');
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
      violations: [
        violation(
          path('AzureTable', 'connectionString'),
          'dev_storage_not_allowed',
          'Development storage is not allowed here (LEADS_ALLOW_DEV_STORAGE=true allows it).',
        ),
      ],
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
    const required = violation(path('AzureTable', 'connectionString'), 'required', 'connectionString is required.');
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com' }, options())).toEqual({ kind: 'invalid', violations: [required] });
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: '  ' }, options())).toEqual({
      kind: 'invalid',
      violations: [required],
    });
    expect(parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: 42 }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'invalid_type', 'connectionString must be a string.')],
    });
    expect(
      parseDestination('AzureTable', { contactEmail: 'a@x.com', connectionString: `${TABLE};${'x'.repeat(2048)}` }, options()),
    ).toEqual({
      kind: 'invalid',
      violations: [violation(path('AzureTable', 'connectionString'), 'too_long', 'connectionString must be at most 2048 characters.')],
    });
  });
});

describe('parseDestination: HTTPS endpoint', () => {
  const https = (settings: Record<string, unknown>, o = options()) =>
    parseDestination('HttpsEndpoint', { contactEmail: 'a@x.com', ...settings }, o);

  it('keeps the Power Automate URL byte-exact, with an optional signing secret', () => {
    expect(https({ httpsEndpointUri: FLOW })).toStrictEqual({
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
    expect(https({ httpsEndpointUri: 'https://hooks.contoso.com' })).toMatchObject({
      kind: 'valid',
      config: { httpsEndpointUri: 'https://hooks.contoso.com' },
    });
  });

  it('requires the URL', () => {
    expect(https({})).toEqual({
      kind: 'invalid',
      violations: [violation(path('HttpsEndpoint', 'httpsEndpointUri'), 'required', 'httpsEndpointUri is required.')],
    });
  });

  const HTTPS = 'httpsEndpointUri must use https.';
  const USERINFO = 'httpsEndpointUri must not carry a user name or password.';
  const PRIVATE = 'httpsEndpointUri must name a public host, not a loopback, private or link-local address.';
  const REENCODED = 'httpsEndpointUri has characters that would be re-encoded when sent; copy the URL exactly as given.';
  it.each([
    ['http', 'http://hooks.contoso.com/lead', 'https_required', HTTPS],
    ['userinfo', 'https://user:pw@hooks.contoso.com/lead', 'userinfo_not_allowed', USERINFO],
    ['a user name alone', 'https://user@hooks.contoso.com/lead', 'userinfo_not_allowed', USERINFO],
    ['a fragment', 'https://hooks.contoso.com/lead#x', 'fragment_not_allowed', 'httpsEndpointUri must not have a fragment.'],
    ['localhost', 'https://localhost/lead', 'private_address', PRIVATE],
    ['127.0.0.1', 'https://127.0.0.1:8443/lead', 'private_address', PRIVATE],
    ['10.0.0.5', 'https://10.0.0.5/lead', 'private_address', PRIVATE],
    ['172.16.0.1', 'https://172.16.0.1/lead', 'private_address', PRIVATE],
    ['192.168.1.1', 'https://192.168.1.1/lead', 'private_address', PRIVATE],
    ['metadata', 'https://169.254.169.254/lead', 'private_address', PRIVATE],
    ['CGNAT', 'https://100.64.0.1/lead', 'private_address', PRIVATE],
    ['0.0.0.0', 'https://0.0.0.0/lead', 'private_address', PRIVATE],
    ['multicast', 'https://224.0.0.1/lead', 'private_address', PRIVATE],
    ['IPv6 ULA', 'https://[fd00::1]/lead', 'private_address', PRIVATE],
    ['IPv6 link-local', 'https://[fe80::1]/lead', 'private_address', PRIVATE],
    ['IPv6 loopback', 'https://[::1]/lead', 'private_address', PRIVATE],
    ['a relative URL', '/lead', 'invalid_url', 'httpsEndpointUri must be an absolute URL.'],
    ['a space in the query (would be re-encoded)', 'https://hooks.contoso.com/lead?a=b c', 'invalid_url', REENCODED],
    ['a dot segment (would be normalised)', 'https://hooks.contoso.com/a/../lead', 'invalid_url', REENCODED],
    ['a trailing space (would be dropped)', 'https://hooks.contoso.com/lead ', 'invalid_url', REENCODED],
    [
      '2049 characters',
      `https://hooks.contoso.com/${'a'.repeat(2049 - 26)}`,
      'too_long',
      'httpsEndpointUri must be at most 2048 characters.',
    ],
  ])('refuses %s', (_label, httpsEndpointUri, code, message) => {
    expect(https({ httpsEndpointUri })).toEqual({
      kind: 'invalid',
      violations: [violation(path('HttpsEndpoint', 'httpsEndpointUri'), code, message)],
    });
  });

  it('accepts 2048 characters and public literal addresses', () => {
    expect(https({ httpsEndpointUri: `https://hooks.contoso.com/${'a'.repeat(2048 - 26)}` }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://172.32.0.1/x' }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://100.128.0.1/x' }).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'https://[2606:4700::1111]/x' }).kind).toBe('valid');
    // Public addresses whose second number is that of a private range elsewhere.
    for (const host of ['8.20.0.1', '8.168.0.1', '8.254.0.1', '8.100.0.1'])
      expect(https({ httpsEndpointUri: `https://${host}/x` }).kind, host).toBe('valid');
    // Host names that only look like addresses or private prefixes.
    for (const host of ['fcbarcelona.example', 'fd.contoso.com', 'fe80.contoso.com', '127.0.0.1.nip.io', '10.0.0.1.nip.io'])
      expect(https({ httpsEndpointUri: `https://${host}/x` }).kind, host).toBe('valid');
  });

  it('allows loopback (https, or http to loopback) only with allowLoopbackTargets', () => {
    const local = options({ allowLoopbackTargets: true });
    expect(https({ httpsEndpointUri: 'https://localhost:8443/lead' }, local).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'http://127.0.0.1:8080/lead' }, local).kind).toBe('valid');
    expect(https({ httpsEndpointUri: 'http://hooks.contoso.com/lead' }, local)).toMatchObject({ violations: [{ code: 'https_required' }] });
    expect(https({ httpsEndpointUri: 'https://10.0.0.5/lead' }, local)).toMatchObject({ violations: [{ code: 'private_address' }] });
    expect(https({ httpsEndpointUri: 'ws://localhost:8080/lead' }, local)).toMatchObject({ violations: [{ code: 'https_required' }] });
  });

  it.each([
    ['short', 's'.repeat(15)],
    ['long', 's'.repeat(257)],
    ['not a string', 12345678901234567],
  ])('refuses a %s signing secret', (_l, signingSecret) => {
    expect(https({ httpsEndpointUri: FLOW, signingSecret })).toEqual({
      kind: 'invalid',
      violations: [
        violation(path('HttpsEndpoint', 'signingSecret'), 'invalid_secret', 'signingSecret must be a string of 16 to 256 characters.'),
      ],
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
    expect(parseDestination('Dynamics', aad, options())).toStrictEqual({
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

  const ONPREM = 'uri must be a Microsoft-hosted Dynamics 365 organization (*.crm.dynamics.com); on-premises is not supported.';
  const ORG_URL_ALONE = 'uri must be the organization URL alone, such as https://contoso.crm4.dynamics.com.';
  const GUID_MESSAGE = 'must be a GUID such as 23456052-aaaa-bbbb-8662-1234df56788f.';
  const MODE = 'authentication must be AzureActiveDirectory or Office365.';
  const LEAD_SOURCE = 'leadSourceCode must be a whole number (an option-set value).';
  it.each([
    ['an on-prem host', { uri: 'https://crm.contoso.local' }, 'uri', 'onprem_not_supported', ONPREM],
    ['another Microsoft host', { uri: 'https://contoso.dynamics.com' }, 'uri', 'onprem_not_supported', ONPREM],
    ['a nested host', { uri: 'https://a.b.crm.dynamics.com' }, 'uri', 'onprem_not_supported', ONPREM],
    ['http', { uri: 'http://contoso.crm.dynamics.com' }, 'uri', 'https_required', 'uri must use https.'],
    ['a path', { uri: 'https://contoso.crm.dynamics.com/main.aspx' }, 'uri', 'invalid_url', ORG_URL_ALONE],
    ['a query', { uri: 'https://contoso.crm.dynamics.com/?x=1' }, 'uri', 'invalid_url', ORG_URL_ALONE],
    ['a fragment', { uri: 'https://contoso.crm.dynamics.com/#main' }, 'uri', 'invalid_url', ORG_URL_ALONE],
    ['a user name', { uri: 'https://admin@contoso.crm.dynamics.com' }, 'uri', 'invalid_url', ORG_URL_ALONE],
    ['a user name and password', { uri: 'https://admin:pw@contoso.crm.dynamics.com' }, 'uri', 'invalid_url', ORG_URL_ALONE],
    ['not a URL', { uri: 'contoso' }, 'uri', 'invalid_url', 'uri must be an absolute URL such as https://contoso.crm4.dynamics.com.'],
    ['no URL', { uri: undefined }, 'uri', 'required', 'uri is required.'],
    [
      'a 2049-character URL',
      { uri: `https://contoso.crm.dynamics.com/${'a'.repeat(2049 - 33)}` },
      'uri',
      'too_long',
      'uri must be at most 2048 characters.',
    ],
    [
      'the seed directory id',
      { directoryId: '12345678-8af1-4asf-1234-12234d01db47' },
      'directoryId',
      'invalid_guid',
      `directoryId ${GUID_MESSAGE}`,
    ],
    ['braces around the app id', { applicationId: `{${APP}}` }, 'applicationId', 'invalid_guid', `applicationId ${GUID_MESSAGE}`],
    ['no application id', { applicationId: undefined }, 'applicationId', 'required', 'applicationId is required.'],
    ['no directory id', { directoryId: undefined }, 'directoryId', 'required', 'directoryId is required.'],
    ['no application key', { applicationKey: undefined }, 'applicationKey', 'required', 'applicationKey is required.'],
    [
      'a 1025-character key',
      { applicationKey: 'k'.repeat(1025) },
      'applicationKey',
      'too_long',
      'applicationKey must be at most 1024 characters.',
    ],
    [
      'a password in AAD mode',
      { password: 'pw' },
      'password',
      'field_not_allowed',
      'password must not be set with AzureActiveDirectory authentication.',
    ],
    [
      'a user name in AAD mode',
      { userName: 'u@x.com' },
      'userName',
      'field_not_allowed',
      'userName must not be set with AzureActiveDirectory authentication.',
    ],
    ['another mode', { authentication: 'Basic' }, 'authentication', 'invalid_value', MODE],
    ['no mode', { authentication: undefined }, 'authentication', 'required', MODE],
    ['a fractional lead source code', { leadSourceCode: 1.5 }, 'leadSourceCode', 'invalid_integer', LEAD_SOURCE],
    ['a word as lead source code', { leadSourceCode: 'web' }, 'leadSourceCode', 'invalid_integer', LEAD_SOURCE],
    ['a hexadecimal lead source code', { leadSourceCode: '0x10' }, 'leadSourceCode', 'invalid_integer', LEAD_SOURCE],
    ['a boolean lead source code', { leadSourceCode: true }, 'leadSourceCode', 'invalid_integer', LEAD_SOURCE],
  ])('AAD: refuses %s', (_label, change, field, code, message) => {
    expect(parseDestination('Dynamics', { ...aad, ...change }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Dynamics', field), code, message)],
    });
  });

  it.each([
    ['no password', { password: undefined }, 'password', 'required', 'password is required.'],
    ['a 257-character password', { password: 'p'.repeat(257) }, 'password', 'too_long', 'password must be at most 256 characters.'],
    ['no user name', { userName: undefined }, 'userName', 'required', 'userName is required.'],
    [
      'a 255-character user name',
      { userName: `${'u'.repeat(64)}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(62)}` },
      'userName',
      'too_long',
      'userName must be at most 254 characters.',
    ],
    ['a user name as a number', { userName: 42 }, 'userName', 'invalid_type', 'userName must be a string.'],
    [
      'an application key',
      { applicationKey: 'k' },
      'applicationKey',
      'field_not_allowed',
      'applicationKey must not be set with Office365 authentication.',
    ],
    [
      'a directory id',
      { directoryId: TENANT },
      'directoryId',
      'field_not_allowed',
      'directoryId must not be set with Office365 authentication.',
    ],
    [
      'an application id',
      { applicationId: APP },
      'applicationId',
      'field_not_allowed',
      'applicationId must not be set with Office365 authentication.',
    ],
  ])('Office365: refuses %s', (_label, change, field, code, message) => {
    expect(parseDestination('Dynamics', { ...o365, ...change }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Dynamics', field), code, message)],
    });
  });

  it('Office365: names why a user name is not an email address', () => {
    const result = parseDestination('Dynamics', { ...o365, userName: 'contoso\\svc' }, options());
    expect(result).toMatchObject({ kind: 'invalid', violations: [{ path: path('Dynamics', 'userName'), code: 'invalid_email' }] });
    const message = result.kind === 'invalid' ? result.violations[0]?.message : '';
    expect(message).toMatch(/^userName must be an email address \(.+\)\.$/);
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
    ['http://app-ys12.marketo.com/', 'ys12'],
    [' ab12 ', 'ab12'],
    // Only a leading app- and a trailing .marketo.com are Marketo's; look-alikes are kept (and refused as server ids).
    ['myapp-ys12', 'myapp-ys12'],
    ['ys12.marketo.com.contoso.com', 'ys12.marketo.com.contoso.com'],
  ])('normaliseServerId(%j) is %j', (input, expected) => {
    expect(normaliseServerId(input)).toBe(expected);
  });

  const FORM = 'formId must be a whole number from 1 to 2147483647.';
  const SERVER = 'serverId must be the Marketo server id, such as ys12 (from app-ys12.marketo.com).';
  const MUNCHKIN = 'munchkinAccountId must look like 123-PQR-789.';
  it.each([
    ['formId', 'abc', 'invalid_integer', FORM],
    ['formId', 0, 'invalid_integer', FORM],
    ['formId', 2_147_483_648, 'invalid_integer', FORM],
    ['formId', 1.5, 'invalid_integer', FORM],
    ['formId', '-1', 'invalid_integer', FORM],
    ['formId', '1e3', 'invalid_integer', FORM],
    ['formId', true, 'invalid_integer', FORM],
    ['formId', undefined, 'required', 'formId is required.'],
    ['serverId', 'y', 'invalid_server_id', SERVER],
    ['serverId', 'a'.repeat(17), 'invalid_server_id', SERVER],
    ['serverId', 'ys_12', 'invalid_server_id', SERVER],
    ['serverId', undefined, 'required', 'serverId is required.'],
    ['munchkinAccountId', '123-PQ-789', 'invalid_munchkin_id', MUNCHKIN],
    ['munchkinAccountId', '1234-PQR-789', 'invalid_munchkin_id', MUNCHKIN],
    ['munchkinAccountId', '123-PQR-7890', 'invalid_munchkin_id', MUNCHKIN],
    ['munchkinAccountId', undefined, 'required', 'munchkinAccountId is required.'],
  ])('refuses %s %j', (field, value, code, message) => {
    expect(parseDestination('Marketo', { ...base, [field]: value }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Marketo', field), code, message)],
    });
  });

  it('accepts form ids 1 and 2147483647 and 16-character server ids', () => {
    expect(parseDestination('Marketo', { ...base, formId: 1 }, options()).kind).toBe('valid');
    expect(parseDestination('Marketo', { ...base, formId: ' 1179 ' }, options())).toMatchObject({ config: { formId: 1179 } });
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

  const ORG = 'objectIdentifier must be the Salesforce organization ID: 00D followed by 12 or 15 letters and digits.';
  it.each([
    ['00D123', 'invalid_org_id', ORG],
    ['00E4P000000zIbO', 'invalid_org_id', ORG],
    ['00D4P000000zIbOA', 'invalid_org_id', ORG],
    ['00D4P000000zIb-', 'invalid_org_id', ORG],
    ['00D4P000000zIbOABCD', 'too_long', 'objectIdentifier must be at most 18 characters.'],
  ])('refuses %s', (oid, code, message) => {
    expect(parseDestination('Salesforce', { contactEmail: 'a@x.com', objectIdentifier: oid }, options())).toEqual({
      kind: 'invalid',
      violations: [violation(path('Salesforce', 'objectIdentifier'), code, message)],
    });
  });
});

describe('unexpectedConfigurations', () => {
  it('names the other destinations objects present, in any case, and ignores unrelated keys', () => {
    const keys = [CONFIGURATION_KEYS.AzureTable, CONFIGURATION_KEYS.Marketo.toUpperCase(), 'microsoft-azure-marketplace.title'];
    const marketo = CONFIGURATION_KEYS.Marketo.toUpperCase();
    expect(unexpectedConfigurations('AzureTable', keys)).toEqual([
      violation(marketo, 'unexpected_destination_fields', `${marketo} must not be set when the lead destination is AzureTable.`),
    ]);
    expect(unexpectedConfigurations('None', keys)).toEqual([
      violation(
        CONFIGURATION_KEYS.AzureTable,
        'unexpected_destination_fields',
        'microsoft-azure-marketplace.tableLeadConfiguration must not be set when the lead destination is None.',
      ),
      violation(marketo, 'unexpected_destination_fields', `${marketo} must not be set when the lead destination is None.`),
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
    ['https://127.100.200.1/x', 'invalid'],
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
    expect(
      parseDestination(
        'Dynamics',
        {
          contactEmail: 'a@x.com',
          uri: 'https://c.crm.dynamics.com',
          authentication: 'Office365',
          userName: ' u@x.com ',
          password: ' pass word ',
        },
        options(),
      ),
    ).toMatchObject({ kind: 'valid', config: { userName: 'u@x.com', password: ' pass word ' } });
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
      violations: [violation(path('Salesforce', 'objectIdentifier'), 'required', 'objectIdentifier is required.')],
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
