/** The SaaS error codes of specs/saas-licensing.md A1.1 as they reach the API surface. */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../shared/errors';
import { bad, conflict, foreign, notFound } from '../../../../shared/saas/rules/errors';

describe('SaaS errors (A1.1)', () => {
  it('a 400 with a target names the offending field in its details', () => {
    const error = bad('InvalidQuantity', 'quantity must be a whole number.', 'quantity');
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'InvalidQuantity', message: 'quantity must be a whole number.', target: 'quantity' });
    expect(error.violations).toEqual([{ path: 'quantity', message: 'quantity must be a whole number.', code: 'InvalidQuantity' }]);
  });

  it('a 400 without a target has no details', () => {
    const error = bad('InvalidSubscriptionStatus', 'The subscription is Suspended.');
    expect(error).toMatchObject({ code: 'InvalidSubscriptionStatus', target: undefined, violations: [] });
  });

  it.each([
    ['a subscription', () => notFound(), 'The subscription was not found.'],
    ['an operation', () => notFound('operation'), 'The operation was not found.'],
  ])('an unknown id of %s is 404 EntityNotFound [DEC-A4]', (_case, make, message) => {
    const error = make();
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'EntityNotFound', message });
  });

  it("another publisher's subscription is 403, in the seed's words [004:25427]", () => {
    const error = foreign();
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toMatch(/different Azure AD application/);
  });

  it('a conflicting marketplace-side change is 409 with its code', () => {
    const error = conflict('PlanNotAvailable', "The plan 'gold' cannot be bought.");
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'PlanNotAvailable', message: "The plan 'gold' cannot be bought." });
  });
});
