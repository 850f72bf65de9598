/** The settings the catalog adds: SECRETS_KEY, LOCAL_SECRETS_KEY_FILE and MAX_ARTIFACT_BYTES. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('catalog settings', () => {
  it('defaults: a development key file in local mode, 50 MiB artifacts', () => {
    const config = parseConfig(base, '/app');
    expect(config.secrets).toEqual({ localKeyFile: '/app/.local/secrets-key', localMode: true });
    expect(config.maxArtifactBytes).toBe(52_428_800);
  });

  it('takes a base64 32-byte SECRETS_KEY', () => {
    const key = randomBytes(32).toString('base64');
    expect(parseConfig({ ...base, SECRETS_KEY: key, MAX_ARTIFACT_BYTES: '1024' }).secrets.key).toBe(key);
  });

  it.each([
    [{ ...base, SECRETS_KEY: randomBytes(16).toString('base64') }, 'SECRETS_KEY'],
    [{ ...base, SECRETS_KEY: 'not a key' }, 'SECRETS_KEY'],
    [{ ...base, AUTH_MODE: 'entra' }, 'SECRETS_KEY'],
    [{ ...base, MAX_ARTIFACT_BYTES: '0' }, 'MAX_ARTIFACT_BYTES'],
  ])('fails fast naming the setting (%j)', (env, setting) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(setting);
  });

  it('never echoes the key in the error', () => {
    const bad = randomBytes(16).toString('base64');
    expect(() => parseConfig({ ...base, SECRETS_KEY: bad })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(bad) }),
    );
  });
});
