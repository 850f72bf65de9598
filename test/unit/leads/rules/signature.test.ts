import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE_SECONDS, signLeadBody, verifyLeadSignature } from '../../../../shared/leads/rules/signature';

const SECRET = 'a-signing-secret-of-some-length';
const BODY = '{"LeadSource":"SPZA-PLT|contoso.app","UserDetails":{"FirstName":"Zoë"}}';

describe('signLeadBody', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(signLeadBody(SECRET, BODY, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
    expect(signLeadBody(SECRET, Buffer.from(BODY), 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });
});

describe('verifyLeadSignature', () => {
  it('accepts the header over the same bytes, within the tolerance either way', () => {
    const header = signLeadBody(SECRET, BODY, 1700000000);
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000)).toEqual({ ok: true });
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000 + DEFAULT_TOLERANCE_SECONDS)).toEqual({ ok: true });
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000 - DEFAULT_TOLERANCE_SECONDS)).toEqual({ ok: true });
    expect(verifyLeadSignature(SECRET, BODY, ` v1=${header.split('v1=')[1]}, t=1700000000`, 1700000000)).toEqual({ ok: true });
    expect(verifyLeadSignature(SECRET, BODY, `t= 1700000000 ,v1= ${header.split('v1=')[1]} `, 1700000000)).toEqual({ ok: true });
  });

  it('refuses a stale or future timestamp beyond the tolerance', () => {
    const header = signLeadBody(SECRET, BODY, 1700000000);
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000 + DEFAULT_TOLERANCE_SECONDS + 1)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000 - DEFAULT_TOLERANCE_SECONDS - 1)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000010, 5)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses another body, another secret or another timestamp', () => {
    const header = signLeadBody(SECRET, BODY, 1700000000);
    expect(verifyLeadSignature(SECRET, `${BODY} `, header, 1700000000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyLeadSignature('another-secret-entirely', BODY, header, 1700000000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyLeadSignature(SECRET, BODY, header.replace('t=1700000000', 't=1700000001'), 1700000000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['v1=abc', 'malformed'],
    [`t=1700000000,v1=${'g'.repeat(64)}`, 'malformed'],
    [`t=1700000000,v1=${'a'.repeat(63)}`, 'malformed'],
    [`t=abc,v1=${'a'.repeat(64)}`, 'malformed'],
    [`t=x1700000000,v1=${'a'.repeat(64)}`, 'malformed'],
    [`t=1700000000x,v1=${'a'.repeat(64)}`, 'malformed'],
    [`t=1700000000,v1=x${'a'.repeat(64)}`, 'malformed'],
    [`t=1700000000,v1=${'a'.repeat(64)}x`, 'malformed'],
    [`t=1700000000`, 'malformed'],
  ])('refuses the header %j as %s', (header, reason) => {
    expect(verifyLeadSignature(SECRET, BODY, header, 1700000000)).toEqual({ ok: false, reason });
  });
});
