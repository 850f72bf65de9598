import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken } from '../../../shared/console/page-token';

const any = () => true;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('storefront page tokens', () => {
  it('encode v1: and the parts as JSON in base64url', () => {
    expect(encodePageToken(['contoso', 'offer-1'])).toBe(b64('v1:["contoso","offer-1"]'));
  });

  it('decode back to the parts they were made of', () => {
    expect(decodePageToken(encodePageToken(['contoso', 'offer/1?'] ), 2, any)).toEqual(['contoso', 'offer/1?']);
  });

  it('refuse a token with the wrong number of parts, or a part the caller does not accept', () => {
    const token = encodePageToken(['contoso', 'offer-1']);
    expect(decodePageToken(token, 1, any)).toBeUndefined();
    expect(decodePageToken(token, 3, any)).toBeUndefined();
    expect(decodePageToken(token, 2, (p) => p !== 'offer-1')).toBeUndefined();
  });

  it('refuse what is not base64url, lacks the v1: prefix, is not JSON, is not an array or holds non-strings', () => {
    expect(decodePageToken('a+b', 1, any)).toBeUndefined();
    expect(decodePageToken('', 0, any)).toBeUndefined();
    expect(decodePageToken(b64('v2:["a"]'), 1, any)).toBeUndefined();
    expect(decodePageToken(b64('["a"]'), 1, any)).toBeUndefined();
    expect(decodePageToken(b64('v1:["a"'), 1, any)).toBeUndefined();
    expect(decodePageToken(b64('v1:{"0":"a"}'), 1, any)).toBeUndefined();
    expect(decodePageToken(b64('v1:[1]'), 1, any)).toBeUndefined();
    expect(decodePageToken(b64('v1:["a"]'), 1, any)).toEqual(['a']);
  });
});
