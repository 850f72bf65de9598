import { describe, expect, it } from 'vitest';
import { errorResponse, surfaces } from '../../../../shared/http/surfaces';
import {
  appOnlyToken,
  conditionalAccess,
  insufficientRole,
  invalidUpdate,
  licenseGroupMismatch,
  notEnoughSeats,
  outOfLicenses,
  poolNotFound,
  skuNotSubscribed,
} from '../../../../shared/licensing/rules/errors';

const body = (error: unknown) => errorResponse(surfaces.licenses, error);

describe('the license surface errors', () => {
  it('answers 60012 with the documented description and data line', () => {
    expect(body(outOfLicenses('TL', 'SKU-B'))).toMatchObject({
      status: 400,
      jsonBody: {
        code: 60012,
        description: 'We are sorry, it looks like you have run out of licenses. Buy more licenses, and then try again.',
        data: ['LicenseQuotaExceededException : Subscription with Account TL and SKU SKU-B does not have any available licenses left.'],
        source: 'PartnerFD',
      },
    });
  });

  it('answers 400 900316 for an app-only token with the verbatim description and no data', () => {
    expect(body(appOnlyToken())).toEqual({
      status: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      jsonBody: {
        code: 900316,
        description:
          'Partner token is not allowed in license management calls. Please call with Partner Access Token. To learn more, see https://learn.microsoft.com/partner-center/developer/enable-secure-app-model#get-access-token',
        source: 'PartnerFD',
      },
    });
  });

  it('answers 403 900309 for conditional access, verbatim', () => {
    expect(body(conditionalAccess())).toEqual({
      status: 403,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      jsonBody: {
        code: 900309,
        description:
          'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Learn more at https://learn.microsoft.com/azure/active-directory/conditional-access/concept-conditional-access-users-groups.',
        source: 'PartnerFD',
      },
    });
  });

  it('uses our own codes from 960000 up', () => {
    expect(body(insufficientRole('no role'))).toMatchObject({ status: 403, jsonBody: { code: 960005, description: 'no role' } });
    expect(body(invalidUpdate(['a.', 'b.']))).toMatchObject({
      status: 400,
      jsonBody: { code: 960002, description: 'a. b.', data: ['InvalidLicenseUpdate: a.', 'InvalidLicenseUpdate: b.'] },
    });
    expect(body(skuNotSubscribed('TL', 'S'))).toMatchObject({
      status: 400,
      jsonBody: { code: 960001, description: 'The customer TL holds no licenses of SKU S.' },
    });
    expect(body(licenseGroupMismatch())).toMatchObject({
      status: 400,
      jsonBody: { code: 960004, description: 'The licenses of one request must come from the same license group (one offer).' },
    });
    expect(body(poolNotFound('The user'))).toMatchObject({
      status: 404,
      jsonBody: { code: 960003, description: 'The user was not found.' },
    });
  });

  it('tells a bulk caller how many seats are free', () => {
    const error = notEnoughSeats(6, 4);
    expect(error).toMatchObject({
      kind: 'invalid',
      code: '60012',
      message: '6 users need a license and 4 are available: send a subset of at most 4 users.',
    });
    expect(error.violations).toEqual([{ path: 'available', message: '4', code: '60012' }]);
  });
});
