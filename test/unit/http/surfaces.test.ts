import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors';
import { ApiVersionError } from '../../../shared/http/errors';
import { errorResponse, internalErrorResponse, surfaces } from '../../../shared/http/surfaces';

const violation = new ValidationError('The request body is not valid.', [{ path: '$.resourceId', message: 'The resourceId is required.' }]);

describe('errorResponse per surface', () => {
  it('metering: the seed 400 body with the reason in details (specs/metering.md 1.1)', () => {
    expect(errorResponse(surfaces.metering, violation)).toMatchObject({
      status: 400,
      jsonBody: {
        message: 'One or more errors have occurred.',
        target: 'usageEventRequest',
        details: [{ message: 'The resourceId is required.', target: 'ResourceId', code: 'BadArgument' }],
        code: 'BadArgument',
      },
    });
  });

  it('metering: 403 with code Forbidden', () => {
    expect(errorResponse(surfaces.metering, new ForbiddenError('no'))).toMatchObject({ status: 403, jsonBody: { code: 'Forbidden' } });
  });

  it('saas: api-version errors in the {"Error":{"Code","Message"}} shape', () => {
    expect(errorResponse(surfaces.saas, new ApiVersionError('missing', ['2018-08-31']))).toMatchObject({
      status: 400,
      jsonBody: { Error: { Code: 'ApiVersionUnspecified' } },
    });
    expect(errorResponse(surfaces.saas, new ApiVersionError('unsupported', ['2018-08-31'], '2019-01-01'))).toMatchObject({
      jsonBody: { Error: { Code: 'UnsupportedApiVersion' } },
    });
  });

  it('saas: flat {code, message, target, details}', () => {
    expect(errorResponse(surfaces.saas, new NotFoundError('Subscription not found.'))).toEqual({
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      jsonBody: { code: 'EntityNotFound', message: 'Subscription not found.', target: null, details: [] },
    });
  });

  it('offers: InvalidAPIVersion with the exact seed message', () => {
    expect(errorResponse(surfaces.offers, new ApiVersionError('missing', ['2017-10-31', '2016-08-01-preview']))).toMatchObject({
      status: 400,
      jsonBody: {
        error: { code: 'InvalidAPIVersion', message: 'Invalid api version. Allowed values are [2017-10-31, 2016-08-01-preview]' },
      },
    });
  });

  it('offers: {"error":{code,message,details}} naming the field', () => {
    expect(errorResponse(surfaces.offers, violation)).toMatchObject({
      jsonBody: { error: { code: 'BadArgument', details: [{ target: '$.resourceId' }] } },
    });
  });

  it('licenses: Partner Center {code, description, source}', () => {
    expect(errorResponse(surfaces.licenses, new ForbiddenError('denied'))).toMatchObject({
      status: 403,
      jsonBody: { code: 403, description: 'denied', source: 'PartnerFD' },
    });
  });

  it('admin: problem+json with the field violations', () => {
    const res = errorResponse(surfaces.admin, violation);
    expect(res.headers).toEqual({ 'content-type': 'application/problem+json; charset=utf-8' });
    expect(res.jsonBody).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ path: '$.resourceId' }] });
  });

  it.each(Object.values(surfaces))('$name: an unknown error is an opaque 500', (surface) => {
    const res = errorResponse(surface, new Error('db password=hunter2'));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.jsonBody)).not.toContain('hunter2');
    expect(res).toEqual(internalErrorResponse(surface));
  });
});
