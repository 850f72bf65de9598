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
  const first = put({ [KEY]: { connectionString: 'DefaultEndpointsProtocol=https;AccountKey=s3cr3t', contactEmail: 'a@contoso.test' } });

  it('are sealed at rest: the stored document does not hold the plaintext', () => {
    expect(JSON.stringify(first)).not.toContain('s3cr3t');
    expect(openSecret(first, [KEY, 'connectionString'], open, CONTEXT)).toBe('DefaultEndpointsProtocol=https;AccountKey=s3cr3t');
  });

  it('read back as a placeholder with the list of set secrets', () => {
    expect(maskSecrets(first)[KEY]).toEqual({
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
    const second = put({ [KEY]: next }, first);
    expect(openSecret(second, [KEY, 'connectionString'], open, CONTEXT)).toBe('DefaultEndpointsProtocol=https;AccountKey=s3cr3t');
    expect(maskSecrets(second)[KEY]).toMatchObject({ contactEmail: 'b@contoso.test', secretsSet: ['connectionString'] });
  });

  it('are cleared by ""', () => {
    const second = put({ [KEY]: { connectionString: '' } }, first);
    expect(maskSecrets(second)[KEY]).toEqual({});
  });

  it('are replaced by a new value', () => {
    const second = put({ [KEY]: { connectionString: 'new-one' } }, first);
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
    expect(() => openSecret(first, [KEY, 'connectionString'], open, 'contoso/other-offer/abc')).toThrow();
  });

  it('must be strings; the error does not echo the value', () => {
    const result = sealSecrets({ [KEY]: { password: { nested: 'p4ss' } } }, undefined, seal, CONTEXT);
    expect(result.violations.map((v) => [v.code, v.path])).toEqual([['InvalidType', `$.definition.offer["${KEY}"].password`]]);
    expect(JSON.stringify(result.violations)).not.toContain('p4ss');
  });
});
