import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../../shared/crypto/secrets';
import type { JsonObject } from '../../../../shared/catalog/model/offer';
import { maskSecrets, openSecret, SECRET_PLACEHOLDER, sealSecrets } from '../../../../shared/catalog/rules/secrets';

const box = createSecretBox(randomBytes(32));
const seal = (text: string, context: string) => box.seal(text, context);
const open = (sealed: string, context: string) => box.open(sealed, context);
const KEY = 'microsoft-azure-marketplace.tableLeadConfiguration';
const TD = 'microsoft-azure-marketplace-testdrive.configuration';
const CONTEXT = 'contoso/offer-1/abc';

function put(offer: JsonObject, previous?: JsonObject) {
  const result = sealSecrets(offer, previous, seal, CONTEXT);
  expect(result.violations).toEqual([]);
  return result.offer;
}

describe('write-only secrets (spec 1.3, A33; leads.md 3.0.3)', () => {
  // Built inside each test: a mutant of the rules is only active while a test runs.
  const first = () =>
    put({ [KEY]: { connectionString: 'DefaultEndpointsProtocol=https;AccountKey=s3cr3t', contactEmail: 'a@contoso.test' } });

  it('are sealed at rest: the stored document does not hold the plaintext', () => {
    expect(JSON.stringify(first())).not.toContain('s3cr3t');
    expect(openSecret(first(), [KEY, 'connectionString'], open, CONTEXT)).toBe('DefaultEndpointsProtocol=https;AccountKey=s3cr3t');
  });

  it("the HTTPS lead target's URL and signing key are both sealed and masked (decision 0511)", () => {
    const https = 'microsoft-azure-marketplace.httpsEndpointLeadConfiguration';
    const stored = put({ [https]: { httpsEndpointUri: 'https://crm.contoso.test/in?sig=abc', signingSecret: 'the-hmac-key-0123456789' } });
    expect(JSON.stringify(stored)).not.toContain('the-hmac-key');
    expect(openSecret(stored, [https, 'signingSecret'], open, CONTEXT)).toBe('the-hmac-key-0123456789');
    expect(maskSecrets(stored)[https]).toEqual({
      httpsEndpointUri: SECRET_PLACEHOLDER,
      signingSecret: SECRET_PLACEHOLDER,
      secretsSet: ['httpsEndpointUri', 'signingSecret'],
    });
  });

  it('read back as a placeholder with the list of set secrets', () => {
    expect(maskSecrets(first())[KEY]).toEqual({
      connectionString: SECRET_PLACEHOLDER,
      contactEmail: 'a@contoso.test',
      secretsSet: ['connectionString'],
    });
  });

  it.each([
    ['omitted', { contactEmail: 'b@contoso.test' }],
    ['null', { connectionString: null, contactEmail: 'b@contoso.test' }],
    [
      'the placeholder sent back',
      { connectionString: SECRET_PLACEHOLDER, contactEmail: 'b@contoso.test', secretsSet: ['connectionString'] },
    ],
  ])('keep the stored value when %s', (_case, next) => {
    const second = put({ [KEY]: next }, first());
    expect(openSecret(second, [KEY, 'connectionString'], open, CONTEXT)).toBe('DefaultEndpointsProtocol=https;AccountKey=s3cr3t');
    expect(maskSecrets(second)[KEY]).toMatchObject({ contactEmail: 'b@contoso.test', secretsSet: ['connectionString'] });
  });

  it('are cleared by ""', () => {
    const second = put({ [KEY]: { connectionString: '' } }, first());
    expect(maskSecrets(second)[KEY]).toEqual({});
  });

  it('are replaced by a new value', () => {
    const second = put({ [KEY]: { connectionString: 'new-one' } }, first());
    expect(openSecret(second, [KEY, 'connectionString'], open, CONTEXT)).toBe('new-one');
  });

  it('are found at any depth of a test drive configuration', () => {
    const stored = put({ [TD]: { type: 'arm', deployment: { aadTenantId: 't', aadAppId: 'a', aadAppSecret: 'no-secret' } } });
    expect(maskSecrets(stored)[TD]).toEqual({
      type: 'arm',
      deployment: { aadTenantId: 't', aadAppId: 'a', aadAppSecret: SECRET_PLACEHOLDER, secretsSet: ['aadAppSecret'] },
    });
    expect(openSecret(stored, [TD, 'deployment', 'aadAppSecret'], open, CONTEXT)).toBe('no-secret');
  });

  it('do not open in another offer or field (bound to their context)', () => {
    expect(() => openSecret(first(), [KEY, 'connectionString'], open, 'contoso/other-offer/abc')).toThrow();
  });

  it('must be strings; the error does not echo the value', () => {
    const result = sealSecrets({ [KEY]: { password: { nested: 'p4ss' } } }, undefined, seal, CONTEXT);
    expect(result.violations.map((v) => [v.code, v.path])).toEqual([['InvalidType', `$.definition.offer["${KEY}"].password`]]);
    expect(JSON.stringify(result.violations)).not.toContain('p4ss');
    expect(result.violations[0]?.message).toBe('is a secret and must be a string');
  });

  it('are recognized in any casing of the field name', () => {
    const stored = put({ [KEY]: { ConnectionString: 'mixed-case' } });
    expect(JSON.stringify(stored)).not.toContain('mixed-case');
    expect(openSecret(stored, [KEY, 'ConnectionString'], open, CONTEXT)).toBe('mixed-case');
  });

  it.each([
    ['null', null],
    ['the placeholder', SECRET_PLACEHOLDER],
  ])('are not set by %s when none is stored', (_case, value) => {
    const stored = put({ [KEY]: { connectionString: value, contactEmail: 'a@contoso.test' } });
    expect(stored[KEY]).toEqual({ contactEmail: 'a@contoso.test' });
    expect(maskSecrets(stored)[KEY]).toEqual({ contactEmail: 'a@contoso.test' });
  });

  it('keep stored values per entry of a list, and seal new entries', () => {
    const TD_KEY = TD;
    const stored = put({
      [TD_KEY]: {
        users: [
          { name: 'a', password: 'pa' },
          { name: 'b', password: 'pb' },
        ],
      },
    });
    const next = put(
      { [TD_KEY]: { users: [{ name: 'a' }, { name: 'b', password: SECRET_PLACEHOLDER }, { name: 'c', password: 'pc' }] } },
      stored,
    );
    expect(openSecret(next, [TD_KEY, 'users', 0, 'password'], open, CONTEXT)).toBe('pa');
    expect(openSecret(next, [TD_KEY, 'users', 1, 'password'], open, CONTEXT)).toBe('pb');
    expect(openSecret(next, [TD_KEY, 'users', 2, 'password'], open, CONTEXT)).toBe('pc');
    expect(maskSecrets(next)[TD_KEY]).toEqual({
      users: [
        { name: 'a', password: SECRET_PLACEHOLDER, secretsSet: ['password'] },
        { name: 'b', password: SECRET_PLACEHOLDER, secretsSet: ['password'] },
        { name: 'c', password: SECRET_PLACEHOLDER, secretsSet: ['password'] },
      ],
    });
  });

  it('keep a stored secret of a nested object the client omitted', () => {
    const stored = put({ [TD]: { deployment: { aadAppId: 'a', aadAppSecret: 'nested-secret' } } });
    const next = put({ [TD]: { deployment: { aadAppId: 'b' } } }, stored);
    expect(openSecret(next, [TD, 'deployment', 'aadAppSecret'], open, CONTEXT)).toBe('nested-secret');
    expect(maskSecrets(next)[TD]).toEqual({
      deployment: { aadAppId: 'b', aadAppSecret: SECRET_PLACEHOLDER, secretsSet: ['aadAppSecret'] },
    });
  });

  it('do not carry over a stored value that was never sealed', () => {
    const next = put(
      { [KEY]: { contactEmail: 'a@contoso.test' } },
      { [KEY]: { connectionString: 'plain', password: { $sealed: 'x', extra: 1 } } },
    );
    expect(next[KEY]).toEqual({ contactEmail: 'a@contoso.test' });
  });

  it('do not carry over a stored value when the placeholder replaces an unsealed one', () => {
    const next = put({ [KEY]: { connectionString: SECRET_PLACEHOLDER } }, { [KEY]: { connectionString: 'plain' } });
    expect(next[KEY]).toEqual({});
  });

  it('are only looked for in lead and test drive settings', () => {
    const offer = { 'microsoft-saas.something': { password: 'not-a-lead-secret' }, [KEY]: { contactEmail: 'a@contoso.test' } };
    const stored = put(offer);
    expect(stored).toEqual(offer);
    expect(maskSecrets(stored)).toEqual(offer);
  });

  it('leave settings that are not sent untouched', () => {
    expect(put({ 'microsoft-azure-marketplace.title': 'x' }, first())).toEqual({ 'microsoft-azure-marketplace.title': 'x' });
  });

  it('do not open under another field name (bound to their path)', () => {
    const sealed = first()[KEY] as JsonObject;
    const moved = { [KEY]: { password: sealed['connectionString'] ?? null } };
    expect(() => openSecret(moved, [KEY, 'password'], open, CONTEXT)).toThrow();
  });

  it.each<[string, (string | number)[]]>([
    ['a field that is not a secret', [KEY, 'contactEmail']],
    ['a field that is not set', [KEY, 'password']],
    ['a path through a text', [KEY, 'contactEmail', 'x']],
    ['a list index on an object', [KEY, 0]],
    ['a settings object that is not there', ['microsoft-azure-marketplace.blobLeadConfiguration', 'connectionString']],
  ])('open to nothing for %s', (_case, path) => {
    expect(openSecret(first(), path, open, CONTEXT)).toBeUndefined();
  });

  it('a stored value that merely looks sealed is shown as it is', () => {
    const lookalike = { [KEY]: { note: { $sealed: 'x', by: 'me' }, other: { $sealed: 1 } } };
    expect(maskSecrets(lookalike)).toEqual(lookalike);
  });

  it('keep other elements of a list as they are', () => {
    const stored = put({ [TD]: { regions: ['eu', 'us'], users: [] } });
    expect(maskSecrets(stored)[TD]).toEqual({ regions: ['eu', 'us'], users: [] });
  });

  it('every non-string secret is refused, in a list too', () => {
    const result = sealSecrets({ [TD]: { users: [{ password: 5 }, { password: true }] } }, undefined, seal, CONTEXT);
    expect(result.violations.map((v) => v.path)).toEqual([
      `$.definition.offer["${TD}"].users[0].password`,
      `$.definition.offer["${TD}"].users[1].password`,
    ]);
  });

  it('cleared in a GET body sent back are no longer listed as set', () => {
    const second = put({ [KEY]: { connectionString: '', contactEmail: 'a@contoso.test', secretsSet: ['connectionString'] } }, first());
    expect(maskSecrets(second)[KEY]).toEqual({ contactEmail: 'a@contoso.test' });
  });

  it('leave unset (null) settings beside them as they are', () => {
    const stored = put({ [KEY]: { contactEmail: null, connectionString: 'x' } });
    expect(maskSecrets(stored)[KEY]).toEqual({
      contactEmail: null,
      connectionString: SECRET_PLACEHOLDER,
      secretsSet: ['connectionString'],
    });
    expect(openSecret(stored, [KEY, 'contactEmail', 'x'], open, CONTEXT)).toBeUndefined();
  });
});
