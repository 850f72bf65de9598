/**
 * The license surface's errors (seed 003 [003:113-155]; B1.7; DEC-L19): Partner Center codes verbatim, our own codes
 * from 960000 up. Plain domain errors; the `licenses` surface writes `{code, description, data, source}`.
 */
import { DomainError, NotFoundError, ValidationError } from '../../errors';

export const OUT_OF_LICENSES = 'We are sorry, it looks like you have run out of licenses. Buy more licenses, and then try again.';
export const APP_ONLY_TOKEN =
  'Partner token is not allowed in license management calls. Please call with Partner Access Token. To learn more, see https://learn.microsoft.com/partner-center/developer/enable-secure-app-model#get-access-token';
export const CONDITIONAL_ACCESS =
  'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Learn more at https://learn.microsoft.com/azure/active-directory/conditional-access/concept-conditional-access-users-groups.';

/** A 403 that keeps its numeric code (the shared ForbiddenError always says `Forbidden`). */
export class LicenseForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message: string, code: string) {
    super(message, { code });
  }
}

/**
 * 60012: the `data` line reads `LicenseQuotaExceededException : Subscription with Account {customer} and SKU {sku}
 * does not have any available licenses left.` (the surface joins a violation's path and message with `: `).
 */
export function outOfLicenses(customerId: string, skuId: string): ValidationError {
  return new ValidationError(
    OUT_OF_LICENSES,
    [
      {
        path: 'LicenseQuotaExceededException ',
        message: `Subscription with Account ${customerId} and SKU ${skuId} does not have any available licenses left.`,
      },
    ],
    '60012',
  );
}

export const appOnlyToken = () => new ValidationError(APP_ONLY_TOKEN, [], '900316');
export const conditionalAccess = () => new LicenseForbiddenError(CONDITIONAL_ACCESS, '900309');
export const insufficientRole = (message: string) => new LicenseForbiddenError(message, '960005');
export const invalidUpdate = (problems: string[]) =>
  new ValidationError(
    problems.join(' '),
    problems.map((message) => ({ path: 'InvalidLicenseUpdate', message })),
    '960002',
  );
export const skuNotSubscribed = (customerId: string, skuId: string) =>
  new ValidationError(`The customer ${customerId} holds no licenses of SKU ${skuId}.`, [], '960001');
export const licenseGroupMismatch = () =>
  new ValidationError('The licenses of one request must come from the same license group (one offer).', [], '960004');
export const poolNotFound = (what: string) => new NotFoundError(`${what} was not found.`, '960003');

/** A bulk or group request larger than the free seats (DEC-L11): the caller picks a subset that fits. */
export function notEnoughSeats(needed: number, available: number): ValidationError {
  return new ValidationError(
    `${needed} users need a license and ${available} are available: send a subset of at most ${available} users.`,
    [{ path: 'available', message: String(available), code: '60012' }],
    '60012',
  );
}
