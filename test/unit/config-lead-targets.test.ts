import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('lead target settings', () => {
  it('default to the public endpoints, no development storage and the built-in Dynamics hosts', () => {
    expect(parseConfig(base).leadTargets).toEqual({
      allowDevStorage: false,
      entraAuthorityHost: 'https://login.microsoftonline.com',
      dynamicsPublicClientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
      marketoBaseUrl: 'https://app-{serverId}.marketo.com',
      salesforceUrl: 'https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8',
    });
  });

  it('reads each setting', () => {
    const cfg = parseConfig({
      ...base,
      LEADS_ALLOW_DEV_STORAGE: 'true',
      LEADS_ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
      LEADS_DYNAMICS_HOST_SUFFIXES: 'crm.example.test, crm9.example.test',
      LEADS_DYNAMICS_PUBLIC_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
      LEADS_MARKETO_BASE_URL: 'http://127.0.0.1:9000/{serverId}',
      LEADS_SALESFORCE_URL: 'https://test.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8',
    });
    expect(cfg.leadTargets).toEqual({
      allowDevStorage: true,
      entraAuthorityHost: 'https://login.microsoftonline.us',
      dynamicsHostSuffixes: ['crm.example.test', 'crm9.example.test'],
      dynamicsPublicClientId: '11111111-2222-4333-8444-555555555555',
      marketoBaseUrl: 'http://127.0.0.1:9000/{serverId}',
      salesforceUrl: 'https://test.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8',
    });
  });

  it.each([
    ['LEADS_ALLOW_DEV_STORAGE', 'maybe'],
    ['LEADS_ENTRA_AUTHORITY_HOST', 'login'],
    ['LEADS_DYNAMICS_PUBLIC_CLIENT_ID', 'not-a-guid'],
    ['LEADS_MARKETO_BASE_URL', 'https://app.marketo.com'],
    ['LEADS_SALESFORCE_URL', 'webto'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(name);
  });
});
