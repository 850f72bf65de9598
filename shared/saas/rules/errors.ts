/** The SaaS error codes of specs/saas-licensing.md A1.1 as plain domain errors (shared/errors.ts); the surface maps kinds to statuses. */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';

export const bad = (code: string, message: string, target?: string) =>
  new ValidationError(message, target ? [{ path: target, message, code }] : [], code, target);

export const notFound = (what = 'subscription') => new NotFoundError(`The ${what} was not found.`, 'EntityNotFound');

export const foreign = () =>
  new ForbiddenError('The subscription belongs to an offer published with a different Azure AD application [004:25427].');

export const conflict = (code: string, message: string) => new ConflictError(message, code);
