import { describe, expect, it } from 'vitest';
import { checkEmailAddress } from '../../../../shared/leads/rules/contact-emails';

describe('checkEmailAddress', () => {
  it.each([
    ['jsmith@microsoft.com', 'jsmith@microsoft.com'],
    ['  John.Doe@Example.COM ', 'John.Doe@example.com'],
    ['info@BÜCHER.DE', 'info@xn--bcher-kva.de'],
    ['user@bücher.de', 'user@xn--bcher-kva.de'],
    ["o'brien+leads@sub.contoso.co.uk", "o'brien+leads@sub.contoso.co.uk"],
    [`${'a'.repeat(64)}@x.io`, `${'a'.repeat(64)}@x.io`],
    ['a@b-c.d1', 'a@b-c.d1'],
  ])('accepts %j as %j', (input, address) => {
    expect(checkEmailAddress(input)).toEqual({ ok: true, address });
  });

  it.each([
    ['a@b', 'the domain is not a valid host name'],
    ['a@@b.com', 'it needs exactly one @'],
    ['ab.com', 'it needs exactly one @'],
    ['a b@c.com', 'the part before @ has characters that are not allowed'],
    ['"a"@b.com', 'the part before @ has characters that are not allowed'],
    ['John <j@x.com>', 'the part before @ has characters that are not allowed'],
    ['a@[127.0.0.1]', 'the domain is not a valid host name'],
    // URL syntax after the domain is refused, not cut off (`domainToASCII('b.com/x')` is `b.com`; `%41` decodes to `a`).
    ['a@b.com/x', 'the domain is not a valid host name'],
    ['a@b.com?x', 'the domain is not a valid host name'],
    ['a@b.com#x', 'the domain is not a valid host name'],
    ['a@b.com\\x', 'the domain is not a valid host name'],
    ['a@b.co%6D', 'the domain is not a valid host name'],
    ['a..b@c.com', 'the part before @ has characters that are not allowed'],
    ['.a@c.com', 'the part before @ has characters that are not allowed'],
    ['a.@c.com', 'the part before @ has characters that are not allowed'],
    ['@c.com', 'the part before @ must be 1 to 64 characters'],
    [`${'a'.repeat(65)}@x.io`, 'the part before @ must be 1 to 64 characters'],
    ['a@-b.com', 'the domain is not a valid host name'],
    ['a@b-.com', 'the domain is not a valid host name'],
    ['a@b..com', 'the domain is not a valid host name'],
    ['a@b c.com', 'the domain is not a valid host name'],
    ['a@b.c\tom', 'the domain is not a valid host name'],
    ['a@\tb.com', 'the domain is not a valid host name'],
    ['a@exa_mple.com', 'the domain is not a valid host name'],
    ['a@', 'the domain is not a valid host name'],
    ['a@b.com\r\nBcc: x', 'the domain is not a valid host name'],
    ['a@b.com\r\nBcc: x@y.com', 'it needs exactly one @'],
    [`a@${'b'.repeat(64)}.com`, 'the domain is not a valid host name'],
  ])('refuses %j: %s', (input, reason) => {
    expect(checkEmailAddress(input)).toEqual({ ok: false, reason });
  });

  it('allows exactly 254 characters and refuses 255', () => {
    const domain = (n: number) => `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(n)}`;
    const at254 = `${'a'.repeat(254 - 1 - domain(57).length)}@${domain(57)}`;
    expect(at254.length).toBe(254);
    expect(checkEmailAddress(at254)).toEqual({ ok: true, address: at254 });
    const at255 = `${'a'.repeat(255 - 1 - domain(58).length)}@${domain(58)}`;
    expect(checkEmailAddress(at255)).toEqual({ ok: false, reason: 'it must be at most 254 characters' });
  });
});
