import { describe, expect, it } from 'vitest';
import { GUID_PATTERN, guidSchema, isGuid } from '../../shared/guid';

describe('GUIDs as the marketplace accepts them (issue 17)', () => {
  it.each([
    '11111111-1111-1111-1111-111111111111', // not an RFC 4122 variant: zod's z.uuid() refuses it
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'ABCDEF01-2345-6789-ABCD-EF0123456789',
    'c0ffee00-0000-4000-8000-000000000001',
  ])('accepts %s', (value) => {
    expect(isGuid(value)).toBe(true);
    expect(guidSchema().safeParse(value).success).toBe(true);
  });

  it.each([
    ['one digit short', '1111111-1111-1111-1111-111111111111'],
    ['one digit long', '111111111-1111-1111-1111-111111111111'],
    ['a last group of 11', '11111111-1111-1111-1111-11111111111'],
    ['a last group of 13', '11111111-1111-1111-1111-1111111111111'],
    ['a non-hex digit', '1111111g-1111-1111-1111-111111111111'],
    ['no dashes', '11111111111111111111111111111111'],
    ['braces', '{11111111-1111-1111-1111-111111111111}'],
    ['a leading space', ' 11111111-1111-1111-1111-111111111111'],
    ['a trailing newline', '11111111-1111-1111-1111-111111111111\n'],
    ['a word', 'not-a-guid'],
    ['empty', ''],
  ])('refuses %s', (_, value) => {
    expect(isGuid(value)).toBe(false);
    expect(GUID_PATTERN.test(value)).toBe(false);
    const result = guidSchema('The x must be a GUID.').safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('The x must be a GUID.');
  });

  it('refuses what is not a string, with the same message', () => {
    expect(isGuid(11111111)).toBe(false);
    expect(isGuid(undefined)).toBe(false);
    expect(guidSchema('must be a GUID').safeParse(42).error?.issues[0]?.message).toBe('must be a GUID');
    expect(guidSchema().safeParse(null).error?.issues[0]?.message).toBe('must be a GUID');
  });
});
