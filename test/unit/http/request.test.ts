import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../../shared/errors';
import { ApiVersionError, MalformedJsonError, statusOf } from '../../../shared/http/errors';
import { checkApiVersion, parseQuery, readJson } from '../../../shared/http/request';
import { surfaces } from '../../../shared/http/surfaces';

function post(body: string, contentType = 'application/json', url = 'http://localhost/api/x'): HttpRequest {
  return new HttpRequest({ url, method: 'POST', body: { string: body }, headers: { 'content-type': contentType } });
}

const schema = z.strictObject({ plans: z.array(z.strictObject({ planId: z.string().min(1) })), quantity: z.number().positive() });

describe('readJson', () => {
  it('returns the parsed value', async () => {
    await expect(readJson(post('{"plans":[{"planId":"p"}],"quantity":2}'), schema, 1000)).resolves.toEqual({
      plans: [{ planId: 'p' }],
      quantity: 2,
    });
  });

  it('accepts a charset and +json media types', async () => {
    await expect(readJson(post('{"plans":[],"quantity":1}', 'application/json; charset=utf-8'), schema, 1000)).resolves.toBeTruthy();
    await expect(readJson(post('{"plans":[],"quantity":1}', 'application/merge-patch+json'), schema, 1000)).resolves.toBeTruthy();
  });

  it.each([
    ['text/plain', UnsupportedMediaTypeError],
    ['application/x-www-form-urlencoded', UnsupportedMediaTypeError],
  ])('refuses content type %s', async (type, error) => {
    await expect(readJson(post('{}', type), schema, 1000)).rejects.toBeInstanceOf(error);
  });

  it('refuses malformed JSON with a 400 that says why', async () => {
    const error = await readJson(post('{"plans": ['), schema, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedJsonError);
    expect(statusOf(error as MalformedJsonError)).toBe(400);
  });

  it('refuses a body over the limit with 413', async () => {
    await expect(readJson(post(JSON.stringify({ pad: 'x'.repeat(2000) })), schema, 1000)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it.each([
    ['{"plans":[{"planId":""}],"quantity":1}', '$.plans[0].planId'],
    ['{"plans":[],"quantity":0}', '$.quantity'],
    ['{"plans":[],"quantity":1,"extra":true}', '$'],
    ['{"quantity":1}', '$.plans'],
  ])('names the field for %s', async (body, path) => {
    const error = (await readJson(post(body), schema, 1000).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.violations.map((v) => v.path)).toContain(path);
  });
});

describe('query parameters', () => {
  it('matches names case-insensitively', () => {
    const request = new HttpRequest({ url: 'http://localhost/api/x?UsageEndDate=2024-01-01&usagestartdate=2023-12-01', method: 'GET' });
    expect(parseQuery(request, z.object({ usageStartDate: z.string(), usageEndDate: z.string().optional() }))).toEqual({
      usageStartDate: '2023-12-01',
      usageEndDate: '2024-01-01',
    });
  });

  it('names the missing parameter', () => {
    const request = new HttpRequest({ url: 'http://localhost/api/x', method: 'GET' });
    const error = (() => {
      try {
        parseQuery(request, z.object({ usageStartDate: z.string() }));
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.violations[0]?.path).toBe('usageStartDate');
  });
});

describe('checkApiVersion', () => {
  const req = (query: string) => new HttpRequest({ url: `http://localhost/api/x${query}`, method: 'GET' });
  it.each([
    ['', 'missing'],
    ['?api-version=2019-01-01', 'unsupported'],
  ])('refuses %j as %s', (query, problem) => {
    const error = (() => {
      try {
        checkApiVersion(req(query), surfaces.saas);
      } catch (e) {
        return e as ApiVersionError;
      }
    })();
    expect(error).toBeInstanceOf(ApiVersionError);
    expect(error?.problem).toBe(problem);
  });

  it('accepts the documented version with any name casing', () => {
    expect(checkApiVersion(req('?API-Version=2018-08-31'), surfaces.metering)).toBe('2018-08-31');
  });

  it('ignores api-version on surfaces without one', () => {
    expect(checkApiVersion(req(''), surfaces.storefront)).toBeUndefined();
  });
});
