import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { LocalKeyStore, loadOrCreateKeyFile, rotateKeyFile } from '../../../shared/auth/keys';
import { createTokenValidator, mintToken, type TokenError } from '../../../shared/auth/tokens';
import { AdjustableClock, fixedClock } from '../../../shared/clock';
import { MARKETPLACE_API_RESOURCE, parseConfig } from '../../../shared/config';

const keyFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'issuer-keys.json');
const auth = (file: string) => parseConfig({ STORAGE_CONNECTION_STRING: 'x', LOCAL_ISSUER_KEY_FILE: file }).auth;
const NOW = new Date('2026-03-10T12:00:00Z');
const app = { kind: 'app' as const, tenantId: '11111111-1111-1111-1111-111111111111', appId: 'app-1', publisherId: 'contoso' };

async function mint(file: string, overrides: Partial<Parameters<typeof mintToken>[2]> = {}) {
  return (
    await mintToken(new LocalKeyStore(file), app, {
      issuerBase: 'https://login.marketplace.local',
      audience: MARKETPLACE_API_RESOURCE,
      now: NOW,
      ...overrides,
    })
  ).accessToken;
}

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as TokenError).reason;
  }
}

describe('local issuer tokens', () => {
  it('validates its own v1 and v2 tokens and keeps the Entra claims', async () => {
    const file = keyFile();
    const validator = createTokenValidator(auth(file), fixedClock(NOW), new LocalKeyStore(file));
    const v1 = await validator.validate(await mint(file));
    expect(v1).toMatchObject({
      tid: app.tenantId,
      appid: 'app-1',
      ver: '1.0',
      iss: `https://login.marketplace.local/${app.tenantId}/`,
      marketplace_publisher: 'contoso',
    });
    const v2 = await validator.validate(await mint(file, { version: 'v2' }));
    expect(v2).toMatchObject({ azp: 'app-1', ver: '2.0', iss: `https://login.marketplace.local/${app.tenantId}/v2.0` });
  });

  it('rejects a token one second after its hour is up, on the injected clock', async () => {
    const file = keyFile();
    const token = await mint(file);
    const validator = createTokenValidator(auth(file), fixedClock(new Date(NOW.getTime() + 3601_000)), new LocalKeyStore(file));
    expect(await reason(validator.validate(token))).toBe('expired');
  });

  it('rejects a token signed by another key (forged) and one with a foreign audience', async () => {
    const file = keyFile();
    const validator = createTokenValidator(auth(file), fixedClock(NOW), new LocalKeyStore(file));
    expect(await reason(validator.validate(await mint(keyFile())))).toBe('invalid');
    expect(await reason(validator.validate(await mint(file, { audience: 'api://other' })))).toBe('invalid');
  });

  it('rejects an unsigned (alg none) token and garbage', async () => {
    const file = keyFile();
    const validator = createTokenValidator(auth(file), fixedClock(NOW), new LocalKeyStore(file));
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({
        aud: MARKETPLACE_API_RESOURCE,
        tid: app.tenantId,
        iss: `https://login.marketplace.local/${app.tenantId}/`,
        exp: 2e9,
      }),
    ).toString('base64url');
    expect(await reason(validator.validate(`${header}.${body}.`))).toBeDefined();
    expect(await reason(validator.validate('not-a-jwt'))).toBe('malformed');
  });

  it('rejects a token whose tenant does not match its issuer', async () => {
    const file = keyFile();
    const keys = new LocalKeyStore(file);
    const { kid, key } = await keys.signingKey();
    const token = await new SignJWT({ tid: '22222222-2222-2222-2222-222222222222' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(`https://login.marketplace.local/${app.tenantId}/`)
      .setAudience(MARKETPLACE_API_RESOURCE)
      .setIssuedAt(NOW.getTime() / 1000)
      .setExpirationTime(NOW.getTime() / 1000 + 60)
      .sign(key);
    expect(await reason(createTokenValidator(auth(file), fixedClock(NOW), keys).validate(token))).toBe('invalid');
  });
});

describe('signing key file', () => {
  it('two racing creators end up with one key file', async () => {
    const file = keyFile();
    const [a, b, c] = await Promise.all([loadOrCreateKeyFile(file), loadOrCreateKeyFile(file), loadOrCreateKeyFile(file)]);
    expect(new Set([a.keys[0]?.kid, b.keys[0]?.kid, c.keys[0]?.kid]).size).toBe(1);
  });

  it('rotation signs with the new key and still accepts tokens from the old one', async () => {
    const file = keyFile();
    const before = await mint(file);
    const newKid = await rotateKeyFile(file);
    const after = await mint(file);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect(decodeProtectedHeader(before).kid).not.toBe(newKid);
    const validator = createTokenValidator(auth(file), fixedClock(NOW), new LocalKeyStore(file));
    await expect(validator.validate(before)).resolves.toBeTruthy();
    await expect(validator.validate(after)).resolves.toBeTruthy();
    expect((JSON.parse(readFileSync(file, 'utf8')) as { keys: unknown[] }).keys).toHaveLength(2);
  });
});

describe('verified-token cache', () => {
  it('stops accepting a remembered token once the clock passes its expiry', async () => {
    const file = keyFile();
    let real = NOW.getTime();
    const clock = new AdjustableClock({ adjustable: true, realNow: () => real });
    const validator = createTokenValidator(auth(file), clock, new LocalKeyStore(file));
    const token = await mint(file);
    await expect(validator.validate(token)).resolves.toBeTruthy();
    await expect(validator.validate(token)).resolves.toBeTruthy(); // from the cache
    real += 3601_000;
    expect(await reason(validator.validate(token))).toBe('expired');
  });

  it('never remembers a rejected token', async () => {
    const file = keyFile();
    const validator = createTokenValidator(auth(file), fixedClock(NOW), new LocalKeyStore(file));
    const forged = await mint(keyFile());
    expect(await reason(validator.validate(forged))).toBe('invalid');
    expect(await reason(validator.validate(forged))).toBe('invalid');
  });
});
