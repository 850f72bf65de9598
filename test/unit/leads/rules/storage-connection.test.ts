import { describe, expect, it } from 'vitest';
import { ENDPOINT_SUFFIXES, parseStorageConnection } from '../../../../shared/leads/rules/storage-connection';

const KEY = Buffer.alloc(64, 7).toString('base64');
const prod = { allowDevStorage: false };
const dev = { allowDevStorage: true };
const failure = (code: string, message: string) => ({ ok: false, code, message });
const PROTOCOL_HTTPS = 'DefaultEndpointsProtocol must be https.';
const ENDPOINT_HTTPS = 'The table endpoint must use https (http only for development storage, LEADS_ALLOW_DEV_STORAGE=true).';
const PAIRS = 'The connection string must be key=value pairs separated by semicolons.';
const ACCOUNT_KEY = 'AccountKey must be the base64 storage account key.';
const ACCOUNT_NAME = 'AccountName must be 3 to 24 lower-case letters and digits.';
const MISSING_KEY = 'The connection string needs AccountKey (or a SharedAccessSignature).';
const PERMISSIONS = 'The shared access signature must allow add (a) and update (u) on the table.';
const NO_SIG = 'The shared access signature has no sig parameter.';

describe('parseStorageConnection: account key form (a)', () => {
  it('accepts the seed form and keeps it as given (trimmed)', () => {
    const text = `DefaultEndpointsProtocol=https;AccountName=contosoleads;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
    expect(parseStorageConnection(`  ${text};  `, prod)).toEqual({ ok: true, connectionString: `${text};` });
  });

  it.each(ENDPOINT_SUFFIXES)('accepts the suffix %s in any case', (suffix) => {
    const text = `DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};EndpointSuffix=${suffix.toUpperCase()}`;
    expect(parseStorageConnection(text, prod).ok).toBe(true);
  });

  it('accepts keys in any case, without a protocol or suffix', () => {
    expect(parseStorageConnection(`accountname=abc;ACCOUNTKEY=${KEY}`, prod)).toEqual({
      ok: true,
      connectionString: `accountname=abc;ACCOUNTKEY=${KEY}`,
    });
  });

  it.each([
    ['http protocol', `DefaultEndpointsProtocol=http;AccountName=abc;AccountKey=${KEY}`, 'https_required', PROTOCOL_HTTPS],
    ['another protocol', `DefaultEndpointsProtocol=ftp;AccountName=abc;AccountKey=${KEY}`, 'https_required', PROTOCOL_HTTPS],
    ['no AccountKey', 'DefaultEndpointsProtocol=https;AccountName=abc', 'missing_account_key', MISSING_KEY],
    ['an empty AccountKey', 'DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=', 'missing_account_key', MISSING_KEY],
    ['a non-base64 key', 'DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=not*base64!', 'invalid_account_key', ACCOUNT_KEY],
    ['a key of 31 bytes', `AccountName=abc;AccountKey=${Buffer.alloc(31, 1).toString('base64')}`, 'invalid_account_key', ACCOUNT_KEY],
    [
      'the seed typo suffix',
      `DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};EndpointSuffix=core.screens.net`,
      'unknown_endpoint_suffix',
      'EndpointSuffix must be one of core.windows.net, core.chinacloudapi.cn, core.usgovcloudapi.net, core.cloudapi.de.',
    ],
    ['no AccountName', `AccountKey=${KEY}`, 'missing_account_name', 'The connection string needs AccountName.'],
    ['an upper-case AccountName', `AccountName=Contoso;AccountKey=${KEY}`, 'invalid_account_name', ACCOUNT_NAME],
    ['a 2-character AccountName', `AccountName=ab;AccountKey=${KEY}`, 'invalid_account_name', ACCOUNT_NAME],
    ['a 25-character AccountName', `AccountName=${'a'.repeat(25)};AccountKey=${KEY}`, 'invalid_account_name', ACCOUNT_NAME],
    [
      'a duplicate key',
      `AccountName=abc;accountname=abd;AccountKey=${KEY}`,
      'duplicate_key',
      'The connection string names accountname twice.',
    ],
    [
      'a duplicate key after a space',
      `AccountName=abc; AccountName =abd;AccountKey=${KEY}`,
      'duplicate_key',
      'The connection string names AccountName twice.',
    ],
    ['a part without =', `AccountName=abc;AccountKey=${KEY};oops`, 'invalid_connection_string', PAIRS],
    ['a part that starts with =', `AccountName=abc;=x;AccountKey=${KEY}`, 'invalid_connection_string', PAIRS],
    [
      'development storage',
      'UseDevelopmentStorage=true',
      'dev_storage_not_allowed',
      'Development storage is not allowed here (LEADS_ALLOW_DEV_STORAGE=true allows it).',
    ],
    [
      'an http TableEndpoint',
      `DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};TableEndpoint=http://127.0.0.1:10002/abc`,
      'https_required',
      ENDPOINT_HTTPS,
    ],
  ])('refuses %s', (_label, text, code, message) => {
    expect(parseStorageConnection(text, prod)).toEqual(failure(code, message));
  });

  it('accepts spaces around the keys and values, and keeps the text as given', () => {
    const text = `DefaultEndpointsProtocol = https; AccountName = abc ; AccountKey= ${KEY} ;EndpointSuffix =core.windows.net`;
    expect(parseStorageConnection(text, prod)).toEqual({ ok: true, connectionString: text });
  });

  it('accepts 24-character and 3-character account names and a 32-byte key', () => {
    expect(parseStorageConnection(`AccountName=${'a'.repeat(24)};AccountKey=${KEY}`, prod).ok).toBe(true);
    expect(parseStorageConnection(`AccountName=a1b;AccountKey=${Buffer.alloc(32, 1).toString('base64')}`, prod).ok).toBe(true);
  });

  it('refuses more than 2048 characters and accepts 2048', () => {
    const base = `AccountName=abc;AccountKey=${KEY};`;
    expect(parseStorageConnection(base + ' '.repeat(2048 - base.length), prod).ok).toBe(true);
    expect(parseStorageConnection(base + ' '.repeat(2049 - base.length), prod)).toEqual(
      failure('too_long', 'The connection string must be at most 2048 characters.'),
    );
  });

  it('never quotes the key in a message', () => {
    const secret = `${KEY.slice(0, -4)}!!!!`;
    const result = parseStorageConnection(`AccountName=abc;AccountKey=${secret}`, prod);
    expect(result.ok ? '' : result.message).not.toContain(secret);
  });
});

describe('parseStorageConnection: SAS forms (b)', () => {
  const sas = 'sv=2019-02-02&tn=MarketplaceLeads&sp=raud&se=2030-01-01&sig=abc%2Bdef%3D';

  it('accepts TableEndpoint with a SharedAccessSignature that may add and update', () => {
    const text = `TableEndpoint=https://contoso.table.core.windows.net/;SharedAccessSignature=${sas}`;
    expect(parseStorageConnection(text, prod)).toEqual({ ok: true, connectionString: text });
  });

  it('keeps the SAS connection string trimmed', () => {
    const text = `TableEndpoint=https://contoso.table.core.windows.net/;SharedAccessSignature=${sas}`;
    expect(parseStorageConnection(` ${text} `, prod)).toEqual({ ok: true, connectionString: text });
  });

  it('turns a table SAS URL into a connection string, pasted with spaces around it too', () => {
    for (const text of [`https://contoso.table.core.windows.net/?${sas}`, `  https://contoso.table.core.windows.net/?${sas} `])
      expect(parseStorageConnection(text, prod)).toEqual({
        ok: true,
        connectionString: `TableEndpoint=https://contoso.table.core.windows.net/;SharedAccessSignature=${sas}`,
      });
  });

  it('reads a SAS token copied with its leading ?, and sig in any position', () => {
    const endpoint = 'TableEndpoint=https://c.table.core.windows.net/';
    expect(parseStorageConnection(`${endpoint};SharedAccessSignature=?sp=r&sv=1&sig=x`, prod)).toEqual(
      failure('sas_permissions', PERMISSIONS),
    );
    expect(parseStorageConnection(`${endpoint};SharedAccessSignature=?sv=1&sp=au&sig=x`, prod).ok).toBe(true);
    expect(parseStorageConnection(`${endpoint};SharedAccessSignature=sig=x&sv=1&sp=au`, prod).ok).toBe(true);
  });

  it.each([
    [
      'read-only permissions',
      `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=r&sig=x`,
      'sas_permissions',
      PERMISSIONS,
    ],
    [
      'add without update',
      `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=ra&sig=x`,
      'sas_permissions',
      PERMISSIONS,
    ],
    [
      'update without add',
      `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=ru&sig=x`,
      'sas_permissions',
      PERMISSIONS,
    ],
    ['no sig', `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=au`, 'invalid_sas', NO_SIG],
    [
      'a parameter ending in sig',
      `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=au&xsig=x`,
      'invalid_sas',
      NO_SIG,
    ],
    [
      'no TableEndpoint',
      'SharedAccessSignature=sv=1&sp=au&sig=x',
      'missing_table_endpoint',
      'A connection string with a SharedAccessSignature needs its TableEndpoint.',
    ],
    [
      'a relative TableEndpoint',
      'TableEndpoint=contoso;SharedAccessSignature=sv=1&sp=au&sig=x',
      'invalid_connection_string',
      'TableEndpoint must be an absolute URL.',
    ],
    ['an http SAS URL', 'http://contoso.table.core.windows.net/?sv=1&sp=au&sig=x', 'https_required', ENDPOINT_HTTPS],
    [
      'a SAS URL without a query',
      'https://contoso.table.core.windows.net/',
      'invalid_sas',
      'A table SAS URL needs its query (sv, sp, sig, ...).',
    ],
    ['a SAS URL without sig', 'https://contoso.table.core.windows.net/?sv=1&sp=au', 'invalid_sas', NO_SIG],
    ['a SAS URL that cannot update', 'https://contoso.table.core.windows.net/?sv=1&sp=a&sig=x', 'sas_permissions', PERMISSIONS],
  ])('refuses %s', (_label, text, code, message) => {
    expect(parseStorageConnection(text, prod)).toEqual(failure(code, message));
  });

  it('leaves an absent sp to the service (a stored access policy)', () => {
    expect(
      parseStorageConnection('TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&si=policy&sig=x', prod).ok,
    ).toBe(true);
  });
});

describe('parseStorageConnection: development storage (c)', () => {
  const azurite = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;`;

  it('accepts UseDevelopmentStorage=true and an explicit Azurite endpoint only when allowed', () => {
    expect(parseStorageConnection('UseDevelopmentStorage=true', dev)).toEqual({ ok: true, connectionString: 'UseDevelopmentStorage=true' });
    expect(parseStorageConnection(azurite, dev)).toEqual({ ok: true, connectionString: azurite });
    expect(parseStorageConnection(azurite, prod)).toEqual(failure('https_required', PROTOCOL_HTTPS));
  });

  it('allows http, never another protocol, with development storage', () => {
    expect(parseStorageConnection(`DefaultEndpointsProtocol=ftp;AccountName=abc;AccountKey=${KEY}`, dev)).toEqual(
      failure('https_required', PROTOCOL_HTTPS),
    );
    expect(parseStorageConnection('TableEndpoint=ftp://127.0.0.1:10002/abc;SharedAccessSignature=sv=1&sp=au&sig=x', dev)).toEqual(
      failure('https_required', ENDPOINT_HTTPS),
    );
  });

  it('refuses UseDevelopmentStorage=false and http without an explicit endpoint', () => {
    expect(parseStorageConnection('UseDevelopmentStorage=false', dev)).toEqual(
      failure('invalid_connection_string', 'UseDevelopmentStorage may only be true.'),
    );
    expect(parseStorageConnection(`DefaultEndpointsProtocol=http;AccountName=abc;AccountKey=${KEY}`, dev)).toEqual(
      failure('https_required', 'DefaultEndpointsProtocol=http is only for development storage with an explicit TableEndpoint.'),
    );
  });
});
