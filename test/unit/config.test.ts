import { describe, expect, it } from 'vitest';
import { ConfigError, MARKETPLACE_API_RESOURCE, parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('parseConfig', () => {
  it('applies documented defaults', () => {
    const config = parseConfig(base, '/app');
    expect(config.auth.mode).toBe('local');
    expect(config.auth.audiences).toContain(MARKETPLACE_API_RESOURCE);
    expect(config.auth.localIssuerKeyFile).toBe('/app/.local/issuer-keys.json');
    expect(config.testClock).toBe(false);
    expect(config.maxJsonBodyBytes).toBe(1_048_576);
    expect(config.crashAt).toEqual([]);
  });

  it('uses managed identity endpoints when no connection string is set', () => {
    const config = parseConfig({
      STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net/',
      STORAGE_BLOB_ENDPOINT: 'https://acct.blob.core.windows.net/',
    });
    expect(config.storage).toMatchObject({ kind: 'identity', tableEndpoint: 'https://acct.table.core.windows.net/' });
  });

  it('falls back to AzureWebJobsStorage for the connection string', () => {
    expect(parseConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).storage.kind).toBe('connectionString');
  });

  it.each([
    [{}, 'STORAGE_CONNECTION_STRING'],
    [{ ...base, TEST_CLOCK: 'maybe' }, 'TEST_CLOCK'],
    [{ ...base, AUTH_MODE: 'none' }, 'AUTH_MODE'],
    [{ ...base, MAX_JSON_BODY_BYTES: '-5' }, 'MAX_JSON_BODY_BYTES'],
    [{ ...base, STORAGE_PREFIX: '1bad' }, 'STORAGE_PREFIX'],
    [{ ...base, LOCAL_ISSUER_BASE: 'not a url' }, 'LOCAL_ISSUER_BASE'],
  ])('fails fast naming the setting (%j)', (env, setting) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(setting);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ ...base, TEST_CLOCK: '' }).testClock).toBe(false);
  });
});
