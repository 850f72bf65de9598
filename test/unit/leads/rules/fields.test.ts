import { describe, expect, it } from 'vitest';
import {
  clean,
  codePoints,
  consent,
  country,
  description,
  email,
  firstClass,
  phone,
  text,
  userDetails,
  type FieldViolation,
} from '../../../../shared/leads/rules/fields';

const P = 'UserDetails.X';

describe('clean', () => {
  it('trims and NFC-normalises; whitespace only is absent', () => {
    expect(clean('  Zoe\u0308 ')).toBe('Zoë');
    expect(clean('Zoe\u0308')).toHaveLength(3);
    expect(clean(' \t\n ')).toBe('');
    expect(clean(undefined)).toBe('');
  });
  it('counts code points, not UTF-16 units', () => {
    expect(codePoints('😀😀')).toBe(2);
    expect(codePoints('abc')).toBe(3);
  });
});

describe('text (single-line fields)', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['CRLF', 'a\r\nb'],
    ['LF', 'a\nb'],
    ['TAB', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['C1', 'a\u009fb'],
    ['U+0080', 'a\u0080b'],
    ['U+001F', 'a\u001fb'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
  ])('refuses %s with invalid_characters naming the path', (_name, value) => {
    expect(text(P, value, 100).violation).toEqual({
      path: P,
      code: 'invalid_characters',
      message: 'must be a single line without control characters',
      status: 400,
    });
  });
  it.each([
    ['RLO', 'a\u202eb'],
    ['LRE', 'a\u202ab'],
    ['LRI', 'a\u2066b'],
    ['PDI', 'a\u2069b'],
  ])('refuses the bidi control %s', (_name, value) => {
    expect(text(P, value, 100).violation).toEqual({
      path: P,
      code: 'invalid_characters',
      message: 'must not contain bidirectional control characters',
      status: 400,
    });
  });
  it.each([
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
  ])('refuses a %s', (_name, value) => {
    expect(text(P, value, 100).violation).toEqual({
      path: P,
      code: 'invalid_characters',
      message: 'must not contain lone surrogates',
      status: 400,
    });
  });
  it('accepts what only looks odd: space, U+00A0, U+2027, U+202F, U+2065, emoji and CJK', () => {
    for (const value of ['a b', 'a\u00a0b', 'a\u2027b', 'a\u202fb', 'a\u2065b', '😀 山田', 'a\u007eb', 'a\u00a1b']) {
      expect(text(P, value, 100).violation).toBeUndefined();
    }
  });
  it('stores HTML verbatim', () => {
    expect(text(P, '<script>alert(1)</script>', 100)).toEqual({ value: '<script>alert(1)</script>' });
  });
  it('limits in code points at the boundary', () => {
    expect(text(P, 'a'.repeat(100), 100)).toEqual({ value: 'a'.repeat(100) });
    expect(text(P, 'a'.repeat(101), 100).violation).toEqual({
      path: P,
      code: 'field_too_long',
      message: 'must be at most 100 characters',
      status: 400,
    });
    expect(text(P, '😀'.repeat(100), 100).violation).toBeUndefined();
  });
  it('judges the cleaned value', () => {
    expect(text(P, `  ${'a'.repeat(100)}  `, 100)).toEqual({ value: 'a'.repeat(100) });
  });
});

describe('email', () => {
  const ONE_AT = 'must contain exactly one @';
  const LOCAL = 'must have a plain local part (no quotes, spaces, comments or display names)';
  const DOMAIN = 'must have a domain name of at least two labels (letters, digits and hyphens)';
  const SINGLE_LINE = 'must be a single line without control characters';
  it.each([
    ['a@b', 'invalid_email', DOMAIN],
    ['a@@b.com', 'invalid_email', ONE_AT],
    ['a b@c.com', 'invalid_email', LOCAL],
    ['"a"@b.com', 'invalid_email', LOCAL],
    ['John <j@x.com>', 'invalid_email', LOCAL],
    ['a@b.com;c@d.com', 'invalid_email', ONE_AT],
    ['a@[127.0.0.1]', 'invalid_email', DOMAIN],
    ['a@b.com/x', 'invalid_email', DOMAIN],
    ['a@b.com?x', 'invalid_email', DOMAIN],
    ['a@b.com#x', 'invalid_email', DOMAIN],
    ['a@b.com\\x', 'invalid_email', DOMAIN],
    ['a@b.co%6D', 'invalid_email', DOMAIN],
    ['a@127.0.0.1', 'invalid_email', DOMAIN],
    ['a@10.0.0.10', 'invalid_email', DOMAIN],
    ['a@b.123', 'invalid_email', DOMAIN],
    ['.a@b.com', 'invalid_email', LOCAL],
    ['a.@b.com', 'invalid_email', LOCAL],
    ['a..b@c.com', 'invalid_email', LOCAL],
    ['@b.com', 'invalid_email', LOCAL],
    ['a@', 'invalid_email', DOMAIN],
    ['a@-b.com', 'invalid_email', DOMAIN],
    ['a@b-.com', 'invalid_email', DOMAIN],
    ['a@b..com', 'invalid_email', DOMAIN],
    ['a@b_c.com', 'invalid_email', DOMAIN],
    ['nobody', 'invalid_email', ONE_AT],
    [`${'a'.repeat(65)}@b.com`, 'invalid_email', 'must have a local part of at most 64 characters'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.com`, 'field_too_long', 'must be at most 254 characters'],
    ['a@b.com\r\nBcc: x@y.com', 'invalid_characters', SINGLE_LINE],
    ['a@b.com\nBcc: x@y.com', 'invalid_characters', SINGLE_LINE],
    ['a\t@b.com', 'invalid_characters', SINGLE_LINE],
  ])('%j → 400 %s at the path', (value, code, message) => {
    expect(email('UserDetails.Email', value).violation).toEqual({ path: 'UserDetails.Email', code, message, status: 400 });
  });
  it('accepts a last label of letters and digits (only an all-digit one is an address)', () => {
    expect(email(P, 'a@b.a1')).toEqual({ value: 'a@b.a1' });
    expect(email(P, 'a@b.1a')).toEqual({ value: 'a@b.1a' });
  });
  it('keeps the local part, lower-cases the domain and converts it to punycode', () => {
    expect(email(P, '  John.Doe@Example.COM ')).toEqual({ value: 'John.Doe@example.com' });
    expect(email(P, 'user@bücher.de')).toEqual({ value: 'user@xn--bcher-kva.de' });
    expect(email(P, "o'brien+tag@sub.example.co.uk")).toEqual({ value: "o'brien+tag@sub.example.co.uk" });
  });
  it('accepts the limits exactly: 64-character local part, 254 characters in all', () => {
    const local = 'a'.repeat(64);
    expect(email(P, `${local}@b.com`)).toEqual({ value: `${local}@b.com` });
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(`${local}@${domain}`).toHaveLength(254);
    expect(email(P, `${local}@${domain}`)).toEqual({ value: `${local}@${domain}` });
    expect(email(P, `${local}@${domain.replace('.com', '.come')}`).violation?.code).toBe('field_too_long');
  });
  it('takes an absent address as ""', () => {
    expect(email(P, '   ')).toEqual({ value: '' });
    expect(email(P, undefined)).toEqual({ value: '' });
  });
});

describe('phone', () => {
  it('keeps the digits only', () => {
    expect(phone(P, '+1 (617) 555-5555')).toEqual({ value: '16175555555' });
    expect(phone(P, '030/1234.56')).toEqual({ value: '030123456' });
  });
  const CHARS = 'may contain only digits, spaces and + ( ) - . /';
  const DIGITS = 'must have 4 to 20 digits';
  it.each([
    ['555-CALL-NOW', 'invalid_phone', CHARS],
    ['123', 'invalid_phone', DIGITS],
    ['1'.repeat(21), 'invalid_phone', DIGITS],
    ['12#34', 'invalid_phone', CHARS],
    ['1 2 3', 'invalid_phone', DIGITS],
    ['1'.repeat(20) + ' '.repeat(20) + '1', 'field_too_long', 'must be at most 40 characters'],
    ['12\n34', 'invalid_characters', 'must be a single line without control characters'],
  ])('%j → 400 %s', (value, code, message) => {
    expect(phone(P, value).violation).toEqual({ path: P, code, message, status: 400 });
  });
  it('accepts 4 and 20 digits, and 40 typed characters', () => {
    expect(phone(P, '1234')).toEqual({ value: '1234' });
    expect(phone(P, '1'.repeat(20))).toEqual({ value: '1'.repeat(20) });
    expect(phone(P, `${'1'.repeat(20)}${' '.repeat(19)}1`).violation?.code).toBe('invalid_phone');
    expect(phone(P, `${'12 '.repeat(6)}${' '.repeat(22)}`)).toEqual({ value: '121212121212' });
    expect(phone(P, '')).toEqual({ value: '' });
  });
});

describe('country', () => {
  it('turns alpha-2 and alpha-3 of any case into upper-case alpha-2', () => {
    expect(country(P, 'us')).toEqual({ value: 'US' });
    expect(country(P, 'USA')).toEqual({ value: 'US' });
    expect(country(P, 'deu')).toEqual({ value: 'DE' });
    expect(country(P, ' gb ')).toEqual({ value: 'GB' });
  });
  it.each(['Narnia', 'XX', 'XXX', 'U', 'UNITED'])('%j → 422 invalid_country', (value) => {
    expect(country(P, value).violation).toEqual({
      path: P,
      code: 'invalid_country',
      message: 'must be an ISO 3166-1 alpha-2 or alpha-3 country code',
      status: 422,
    });
  });
  it('refuses control characters before the table (400)', () => {
    expect(country(P, 'U\u0000S').violation?.status).toBe(400);
    expect(country(P, 'U\tS').violation).toEqual({
      path: P,
      code: 'invalid_characters',
      message: 'must be a single line without control characters',
      status: 400,
    });
    expect(country(P, '')).toEqual({ value: '' });
  });
});

describe('description', () => {
  it('turns CRLF into LF and keeps LF and tab', () => {
    expect(description('Description', 'a\r\nb\tc\nd')).toEqual({ value: 'a\nb\tc\nd' });
  });
  it.each(['a\rb', 'a\u0000b', 'a\u000bb', 'a\u2028b'])('%j → invalid_characters', (value) => {
    expect(description('Description', value).violation).toEqual({
      path: 'Description',
      code: 'invalid_characters',
      message: 'must not contain control characters',
      status: 400,
    });
  });
  it('refuses bidi controls in a description too', () => {
    expect(description('Description', 'a\u202eb').violation).toMatchObject({
      code: 'invalid_characters',
      message: 'must not contain bidirectional control characters',
    });
  });
  it('allows 2000 characters, not 2001 (after CRLF → LF)', () => {
    expect(description('Description', 'a'.repeat(2000)).violation).toBeUndefined();
    expect(description('Description', 'a'.repeat(2001)).violation?.code).toBe('field_too_long');
    expect(description('Description', `${'a'.repeat(1999)}\r\n`).violation).toBeUndefined();
    expect(description('Description', `${'a'.repeat(1998)}\r\nb`).violation).toBeUndefined();
  });
});

describe('userDetails', () => {
  it('normalises every field and leaves unknown ones ""', () => {
    expect(userDetails({ Email: ' J@X.COM ', Country: 'usa', Phone: '(0) 1234' })).toEqual({
      value: { FirstName: '', LastName: '', Email: 'J@x.com', Phone: '01234', Country: 'US', Company: '', Title: '' },
      violations: [],
    });
  });
  it('needs an Email or a Phone (422 contact_channel_required)', () => {
    expect(userDetails({ FirstName: 'Ann', Company: 'Contoso' }).violations).toEqual([
      {
        path: 'UserDetails',
        code: 'contact_channel_required',
        message: 'must have an Email or a Phone so the lead can be followed up',
        status: 422,
      },
    ]);
    expect(userDetails({ Phone: '1234' }).violations).toEqual([]);
    expect(userDetails({ Email: 'a@b.co' }).violations).toEqual([]);
  });
  it('reports every bad field in field order with its path, and no channel violation on top', () => {
    const result = userDetails({
      FirstName: 'a'.repeat(101),
      LastName: 'b'.repeat(101),
      Email: 'bad',
      Phone: '12',
      Country: 'Narnia',
      Company: 'c'.repeat(201),
      Title: 't'.repeat(129),
    });
    expect(result.violations.map((v) => [v.path, v.code])).toEqual([
      ['UserDetails.FirstName', 'field_too_long'],
      ['UserDetails.LastName', 'field_too_long'],
      ['UserDetails.Email', 'invalid_email'],
      ['UserDetails.Phone', 'invalid_phone'],
      ['UserDetails.Country', 'invalid_country'],
      ['UserDetails.Company', 'field_too_long'],
      ['UserDetails.Title', 'field_too_long'],
    ]);
  });
  it('reports a bad field without the channel violation when Email and Phone are both absent', () => {
    expect(userDetails({ FirstName: 'a'.repeat(101) }).violations).toEqual([
      { path: 'UserDetails.FirstName', code: 'field_too_long', message: 'must be at most 100 characters', status: 400 },
    ]);
  });
  it('takes Company up to 200 and Title up to 128', () => {
    expect(userDetails({ Email: 'a@b.co', Company: 'c'.repeat(200), Title: 't'.repeat(128) }).violations).toEqual([]);
  });
});

describe('consent', () => {
  it('needs Given true and a date-time', () => {
    expect(consent({ Given: true, At: '2025-01-01T12:00:00Z' })).toEqual({ value: { given: true, at: '2025-01-01T12:00:00.000Z' } });
    expect(consent({ Given: true, At: '2025-01-01T13:00:00.5+01:00' })).toEqual({ value: { given: true, at: '2025-01-01T12:00:00.500Z' } });
    expect(consent({ Given: true, At: '2025-01-01T12:00Z' }).value?.at).toBe('2025-01-01T12:00:00.000Z');
  });
  it.each([
    ['absent', undefined],
    ['not given', { Given: false, At: '2025-01-01T12:00:00Z' }],
    ['no time', { Given: true }],
    ['blank time', { Given: true, At: '  ' }],
    ['a date only', { Given: true, At: '2025-01-01' }],
    ['no zone', { Given: true, At: '2025-01-01T12:00:00' }],
    ['an impossible date', { Given: true, At: '2025-13-01T12:00:00Z' }],
    ['junk after', { Given: true, At: '2025-01-01T12:00:00Zjunk' }],
    ['junk before', { Given: true, At: 'x2025-01-01T12:00:00Z' }],
  ])('%s → 422 consent_required', (_name, input) => {
    expect(consent(input).violation).toEqual({
      path: 'Consent',
      code: 'consent_required',
      message: 'the customer must consent to share their details: Consent.Given true and Consent.At a date-time',
      status: 422,
    });
    expect(consent(input).value).toBeUndefined();
  });
});

describe('firstClass', () => {
  const v = (status: 400 | 422, code: string): FieldViolation => ({ path: 'p', code, message: 'm', status });
  it('reports malformed values (400) before unusable ones (422)', () => {
    expect(firstClass([v(422, 'invalid_country'), v(400, 'invalid_email')])).toEqual({
      status: 400,
      violations: [v(400, 'invalid_email')],
    });
    expect(firstClass([v(422, 'invalid_country')])).toEqual({ status: 422, violations: [v(422, 'invalid_country')] });
    expect(firstClass([])).toBeUndefined();
  });
});
