import { describe, expect, it } from 'vitest';
import { ENDPOINT_SUFFIXES, parseStorageConnection } from '../../../../shared/leads/rules/storage-connection';

const KEY = Buffer.alloc(64, 7).toString('base64');
const prod = { allowDevStorage: false };
const dev = { allowDevStorage: true };
const failure = (code: string) => ({ ok: false, code, message: expect.any(String) as string });

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
    ['http protocol', `DefaultEndpointsProtocol=http;AccountName=abc;AccountKey=${KEY}`, 'https_required'],
    ['another protocol', `DefaultEndpointsProtocol=ftp;AccountName=abc;AccountKey=${KEY}`, 'https_required'],
    ['no AccountKey', 'DefaultEndpointsProtocol=https;AccountName=abc', 'missing_account_key'],
    ['an empty AccountKey', 'DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=', 'missing_account_key'],
    ['a non-base64 key', 'DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=not*base64!', 'invalid_account_key'],
    ['a key of 31 bytes', `AccountName=abc;AccountKey=${Buffer.alloc(31, 1).toString('base64')}`, 'invalid_account_key'],
    [
      'the seed typo suffix',
      `DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};EndpointSuffix=core.screens.net`,
      'unknown_endpoint_suffix',
    ],
    ['no AccountName', `AccountKey=${KEY}`, 'missing_account_name'],
    ['an upper-case AccountName', `AccountName=Contoso;AccountKey=${KEY}`, 'invalid_account_name'],
    ['a 2-character AccountName', `AccountName=ab;AccountKey=${KEY}`, 'invalid_account_name'],
    ['a 25-character AccountName', `AccountName=${'a'.repeat(25)};AccountKey=${KEY}`, 'invalid_account_name'],
    ['a duplicate key', `AccountName=abc;accountname=abd;AccountKey=${KEY}`, 'duplicate_key'],
    ['a part without =', `AccountName=abc;AccountKey=${KEY};oops`, 'invalid_connection_string'],
    ['a part that starts with =', `AccountName=abc;=x;AccountKey=${KEY}`, 'invalid_connection_string'],
    ['development storage', 'UseDevelopmentStorage=true', 'dev_storage_not_allowed'],
    [
      'an http TableEndpoint',
      `DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};TableEndpoint=http://127.0.0.1:10002/abc`,
      'https_required',
    ],
  ])('refuses %s', (_label, text, code) => {
    expect(parseStorageConnection(text, prod)).toEqual(failure(code));
  });

  it('accepts 24-character and 3-character account names and a 32-byte key', () => {
    expect(parseStorageConnection(`AccountName=${'a'.repeat(24)};AccountKey=${KEY}`, prod).ok).toBe(true);
    expect(parseStorageConnection(`AccountName=a1b;AccountKey=${Buffer.alloc(32, 1).toString('base64')}`, prod).ok).toBe(true);
  });

  it('refuses more than 2048 characters and accepts 2048', () => {
    const base = `AccountName=abc;AccountKey=${KEY};`;
    expect(parseStorageConnection(base + ' '.repeat(2048 - base.length), prod).ok).toBe(true);
    expect(parseStorageConnection(base + ' '.repeat(2049 - base.length), prod)).toEqual(failure('too_long'));
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

  it('turns a table SAS URL into a connection string', () => {
    expect(parseStorageConnection(`https://contoso.table.core.windows.net/?${sas}`, prod)).toEqual({
      ok: true,
      connectionString: `TableEndpoint=https://contoso.table.core.windows.net/;SharedAccessSignature=${sas}`,
    });
  });

  it.each([
    ['read-only permissions', `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=r&sig=x`, 'sas_permissions'],
    ['add without update', `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=ra&sig=x`, 'sas_permissions'],
    ['update without add', `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=ru&sig=x`, 'sas_permissions'],
    ['no sig', `TableEndpoint=https://c.table.core.windows.net/;SharedAccessSignature=sv=1&sp=au`, 'invalid_sas'],
    ['no TableEndpoint', 'SharedAccessSignature=sv=1&sp=au&sig=x', 'missing_table_endpoint'],
    ['a relative TableEndpoint', 'TableEndpoint=contoso;SharedAccessSignature=sv=1&sp=au&sig=x', 'invalid_connection_string'],
    ['an http SAS URL', 'http://contoso.table.core.windows.net/?sv=1&sp=au&sig=x', 'https_required'],
    ['a SAS URL without a query', 'https://contoso.table.core.windows.net/', 'invalid_sas'],
    ['a SAS URL without sig', 'https://contoso.table.core.windows.net/?sv=1&sp=au', 'invalid_sas'],
    ['a SAS URL that cannot update', 'https://contoso.table.core.windows.net/?sv=1&sp=a&sig=x', 'sas_permissions'],
  ])('refuses %s', (_label, text, code) => {
    expect(parseStorageConnection(text, prod)).toEqual(failure(code));
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
    expect(parseStorageConnection(azurite, prod)).toEqual(failure('https_required'));
  });

  it('refuses UseDevelopmentStorage=false and http without an explicit endpoint', () => {
    expect(parseStorageConnection('UseDevelopmentStorage=false', dev)).toEqual(failure('invalid_connection_string'));
    expect(parseStorageConnection(`DefaultEndpointsProtocol=http;AccountName=abc;AccountKey=${KEY}`, dev)).toEqual(
      failure('https_required'),
    );
  });
});
