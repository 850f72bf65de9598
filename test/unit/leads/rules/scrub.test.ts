import { describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../../shared/leads/model';
import { cutUtf8, excerpt, scrub, secretValues } from '../../../../shared/leads/rules/scrub';

const KEY = Buffer.alloc(64, 9).toString('base64');
const FLOW =
  'https://prod-04.westcentralus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xy%2Bzsecret';

describe('secretValues', () => {
  it('Table: the connection string, its key and its SAS signature', () => {
    const config: DestinationConfig = { type: 'AzureTable', connectionString: `AccountName=abc;AccountKey=${KEY}`, contactEmails: [] };
    expect(secretValues(config)).toEqual(expect.arrayContaining([`AccountName=abc;AccountKey=${KEY}`, KEY, encodeURIComponent(KEY)]));
    const sas: DestinationConfig = {
      type: 'AzureTable',
      connectionString: 'TableEndpoint=https://a.table.core.windows.net/;SharedAccessSignature=sv=1&sp=au&sig=abcd1234',
      contactEmails: [],
    };
    expect(secretValues(sas)).toEqual(expect.arrayContaining(['sv=1&sp=au&sig=abcd1234', 'abcd1234']));
  });

  it('HTTPS: the whole URL, its query, its signature (also decoded) and the signing secret; longest first', () => {
    const values = secretValues({ type: 'HttpsEndpoint', httpsEndpointUri: FLOW, signingSecret: 'signing-secret-16', contactEmails: [] });
    expect(values).toEqual(
      expect.arrayContaining([FLOW, FLOW.slice(FLOW.indexOf('?') + 1), 'Xy%2Bzsecret', 'Xy+zsecret', 'signing-secret-16']),
    );
    expect(values[0]).toBe(encodeURIComponent(FLOW));
    expect([...values].sort((a, b) => b.length - a.length)).toEqual(values);
  });

  it('Dynamics: the application key or the password; nothing for Marketo and Salesforce', () => {
    const aad: DestinationConfig = {
      type: 'Dynamics',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'AzureActiveDirectory',
      applicationId: 'a',
      directoryId: 'd',
      applicationKey: 'the-app-key',
      contactEmails: [],
    };
    expect(secretValues(aad)).toEqual(['the-app-key']);
    const o365: DestinationConfig = {
      type: 'Dynamics',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'Office365',
      userName: 'u@x.com',
      password: 'p@ss word',
      contactEmails: [],
    };
    expect(secretValues(o365)).toEqual(['p%40ss%20word', 'p@ss word']);
    expect(secretValues({ type: 'Salesforce', objectIdentifier: '00D4P000000zIbO', contactEmails: [] })).toEqual([]);
    expect(secretValues({ type: 'Marketo', serverId: 'ys12', munchkinAccountId: '123-PQR-789', formId: 1, contactEmails: [] })).toEqual([]);
  });

  it('keeps a 4-character password', () => {
    const o365: DestinationConfig = {
      type: 'Dynamics',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'Office365',
      userName: 'u@x.com',
      password: 'p4ss',
      contactEmails: [],
    };
    expect(secretValues(o365)).toEqual(['p4ss']);
  });

  it('drops values under 4 characters', () => {
    const o365: DestinationConfig = {
      type: 'Dynamics',
      uri: 'https://c.crm.dynamics.com',
      authentication: 'Office365',
      userName: 'u@x.com',
      password: 'pwd',
      contactEmails: [],
    };
    expect(secretValues(o365)).toEqual([]);
  });
});

describe('scrub', () => {
  it('removes configured secrets wherever they appear', () => {
    expect(scrub(`error posting to ${FLOW}: 404`, [FLOW])).toBe('error posting to ***: 404');
    expect(scrub('the-app-key and the-app-key', ['the-app-key'])).toBe('*** and ***');
  });

  it.each([
    [`DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=${KEY};`, 'DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=***;'],
    ['TableEndpoint=x;SharedAccessSignature=sv=1&sig=abc', 'TableEndpoint=x;SharedAccessSignature=***'],
    ['GET /x?api-version=1&sp=run&sv=1.0&sig=abc%2B&se=2030 failed', 'GET /x?api-version=1&sp=***&sv=***&sig=***&se=*** failed'],
    ['Authorization: Bearer abc.def', 'Authorization: ***'],
    ['{"authorization":"Basic dXNlcjpwdw=="}', '{"authorization":"***"}'],
    ['sent bearer abc.def-ghi', 'sent Bearer ***'],
    ['token eyJhbGciOi.eyJzdWIi.c2ln here', 'token *** here'],
    ['password=hunter2&user=x', 'password=***&user=x'],
    ['{"client_secret":"s3cr3t","access_token":"tok"}', '{"client_secret":"***","access_token":"***"}'],
  ])('masks %j', (text, expected) => {
    expect(scrub(text, [])).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    expect(scrub('{"error":{"code":"0x80040216","message":"Lead name is required"}}', [])).toBe(
      '{"error":{"code":"0x80040216","message":"Lead name is required"}}',
    );
  });
});

describe('excerpt and cutUtf8', () => {
  it('keeps at most 1024 bytes, cut at a code point', () => {
    expect(cutUtf8('a'.repeat(1024))).toHaveLength(1024);
    expect(cutUtf8('a'.repeat(1025))).toHaveLength(1024);
    expect(cutUtf8(`${'a'.repeat(1022)}😀`)).toBe('a'.repeat(1022));
    expect(cutUtf8(`${'a'.repeat(1020)}😀`)).toBe(`${'a'.repeat(1020)}😀`);
    expect(cutUtf8('ééé', 5)).toBe('éé');
  });

  it('scrubs the whole text before cutting, so no half secret is left at the cut', () => {
    const secret = 'S'.repeat(40);
    const text = `${'x'.repeat(1010)}${secret}`;
    expect(excerpt(text, [secret])).toBe(`${'x'.repeat(1010)}***`);
  });
});
