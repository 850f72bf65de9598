/**
 * How a refused field reads in a `400` to the publisher (specs/publish.md 2.4): the JSON path of the field, the
 * spec's code and a message that never echoes the submitted value.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { violation, violationsOf } from '../../../../shared/catalog/rules/violations';

function refusal(schema: z.ZodType, value: unknown, base: PropertyKey[] = ['definition', 'offer', 'field']) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return violationsOf(result.error, base);
}

describe('codes and messages of refused fields (spec 2.4)', () => {
  it.each<[string, z.ZodType, unknown, string, string]>([
    ['a text over its length', z.string().max(3), 'abcd', 'FieldTooLong', 'must be at most 3 characters'],
    ['a list over its count', z.array(z.number()).max(1), [1, 2], 'TooManyItems', 'must have at most 1 items'],
    ['a set over its count', z.set(z.string()).max(1), new Set(['a', 'b']), 'TooManyItems', 'must have at most 1 items'],
    ['a number over its maximum', z.number().max(5), 6, 'OutOfRange', 'must be at most 5'],
    ['a text under its length', z.string().min(2), 'a', 'FieldTooShort', 'must be at least 2 characters'],
    ['a list under its count', z.array(z.number()).min(2), [1], 'TooFewItems', 'must have at least 2 items'],
    ['a set under its count', z.set(z.string()).min(2), new Set(['a']), 'TooFewItems', 'must have at least 2 items'],
    ['a negative price', z.number().min(0), -1, 'OutOfRange', 'must be at least 0'],
    ['a value outside its choices', z.enum(['public', 'private']), 'hidden', 'InvalidEnumValue', 'must be one of "public", "private"'],
    ['an email that is not one', z.email(), 'jon', 'InvalidEmail', 'must be an email address'],
    ['a URL that is not one', z.url(), 'contoso', 'InvalidUrl', 'must be an absolute URL'],
    ['a tenant id that is not a GUID', z.string().regex(/^[0-9a-f-]{36}$/, 'must be a GUID'), 'x', 'InvalidGuid', 'must be a GUID'],
    ['a market that is not a country code', z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter code'), 'USA', 'InvalidFormat', 'must be a 2-letter code'],
    ['a text that does not start as it must', z.string().startsWith('x'), 'y', 'InvalidFormat', 'Invalid string: must start with "x"'],
    ['a fraction where a count is expected', z.int(), 1.5, 'InvalidType', 'must be a whole number'],
    ['a text where a number is expected', z.number(), 'one', 'InvalidType', 'must be a number'],
    ['a text where an object is expected', z.object({}), 'x', 'InvalidType', 'must be an object'],
    ['a text where a list is expected', z.array(z.string()), 'x', 'InvalidType', 'must be an array'],
    ['a missing required field', z.string({ error: (i) => (i.input === undefined ? 'is required' : undefined) }), undefined, 'RequiredFieldMissing', 'is required'],
    ['a value that fits no alternative', z.union([z.string(), z.number()]), true, 'InvalidValue', 'Invalid input'],
    ['a quantity that is not a multiple', z.number().multipleOf(5), 7, 'OutOfRange', 'must be a multiple of 5'],
    [
      'a rule with its own code',
      z.string().refine(() => false, { message: 'must be https', params: { code: 'HttpsRequired' } }),
      'http://x',
      'HttpsRequired',
      'must be https',
    ],
    ['a rule without a code', z.string().refine(() => false, { message: 'is not allowed' }), 'x', 'InvalidValue', 'is not allowed'],
    [
      'a rule whose code is not text',
      z.string().refine(() => false, { message: 'is odd', params: { code: 7 } }),
      'x',
      'InvalidValue',
      'is odd',
    ],
  ])('%s → %s', (_case, schema, value, code, message) => {
    expect(refusal(schema, value)).toEqual([{ path: '$.definition.offer.field', code, message }]);
  });

  it('a map key that breaks its rule names the key rule', () => {
    const schema = z.record(z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 1.0.0'), z.number());
    expect(refusal(schema, { latest: 1 })).toEqual([
      { path: '$.definition.offer.field.latest', code: 'InvalidFormat', message: 'has a key that must be a version like 1.0.0' },
    ]);
  });

  it('any other refusal keeps the schema message', () => {
    const error = new z.ZodError([{ code: 'invalid_element', origin: 'map', key: 'a', issues: [], path: ['m'], message: 'Invalid entry' }]);
    expect(violationsOf(error)).toEqual([{ path: '$.m', code: 'InvalidValue', message: 'Invalid entry' }]);
  });
});

describe('paths of refused fields', () => {
  it('name each unknown key of an object on its own', () => {
    expect(refusal(z.strictObject({ priceUSD: z.number() }), { priceUSD: 1, weekly: 2, daily: 3 }, ['plan'])).toEqual([
      { path: '$.plan.weekly', code: 'UnknownProperty', message: 'is not a known property' },
      { path: '$.plan.daily', code: 'UnknownProperty', message: 'is not a known property' },
    ]);
  });

  it('lead from the given field down into the value, and list every refusal', () => {
    const schema = z.object({ terms: z.array(z.object({ priceUSD: z.number().min(0) })), name: z.string().max(2) });
    expect(refusal(schema, { terms: [{ priceUSD: 1 }, { priceUSD: -1 }], name: 'abc' }, ['definition', 'plans', 0, 'x.pricing'])).toEqual([
      { path: '$.definition.plans[0]["x.pricing"].terms[1].priceUSD', code: 'OutOfRange', message: 'must be at least 0' },
      { path: '$.definition.plans[0]["x.pricing"].name', code: 'FieldTooLong', message: 'must be at most 2 characters' },
    ]);
  });

  it('start at the document root without a base', () => {
    const result = z.object({ id: z.string() }).safeParse({ id: 1 });
    expect(result.success ? [] : violationsOf(result.error)).toEqual([{ path: '$.id', code: 'InvalidType', message: 'must be a string' }]);
  });

  it('never echo the submitted value', () => {
    const secret = 'AccountKey=s3cr3t-value';
    const violations = refusal(z.object({ a: z.string().max(3), b: z.enum(['x']), c: z.email() }), { a: secret, b: secret, c: secret });
    expect(violations).toHaveLength(3);
    expect(JSON.stringify(violations)).not.toContain('s3cr3t');
  });

  it('a single violation names its field, code and message', () => {
    expect(violation(['definition', 'plans', 2, 'planId'], 'DuplicatePlanId', 'must be unique within the offer')).toEqual({
      path: '$.definition.plans[2].planId',
      code: 'DuplicatePlanId',
      message: 'must be unique within the offer',
    });
  });
});
