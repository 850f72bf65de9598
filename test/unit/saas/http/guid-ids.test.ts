/**
 * Issue 17: SaaS ids are GUIDs as the marketplace accepts them (any 8-4-4-4-12 hex, shared/guid.ts), not only
 * RFC 4122 variants; strings that are not GUIDs are still refused with the surface's 400.
 */
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/errors';
import { deliveriesFilter } from '../../../../shared/saas/http/admin';
import { readPurchase } from '../../../../shared/saas/http/storefront';

const TEST_ID = '11111111-1111-1111-1111-111111111111';
const TENANT = '22222222-2222-2222-2222-222222222222';

const post = (body: unknown) =>
  new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/storefront/purchases',
    headers: { 'content-type': 'application/json' },
    body: { string: JSON.stringify(body) },
  });
const purchase = (objectId: string) => ({
  publisherId: 'contoso',
  offerId: 'contoso-cns',
  planId: 'basic',
  termUnit: 'P1M',
  beneficiary: { emailId: 'ann@fabrikam.example', objectId, tenantId: TENANT },
});

describe('SaaS GUID fields accept any 8-4-4-4-12 hex GUID (issue 17)', () => {
  it('a purchase for a beneficiary whose object and tenant ids are not RFC 4122 variants', async () => {
    const read = await readPurchase(post(purchase(TEST_ID)), 10_000);
    expect(read.beneficiary).toMatchObject({ objectId: TEST_ID, tenantId: TENANT });
  });

  it('refuses an object id that is not a GUID, naming the field', async () => {
    const error = await readPurchase(post(purchase('1111-not-a-guid')), 10_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations).toEqual([
      expect.objectContaining({ path: '$.beneficiary.objectId', message: 'must be a GUID' }),
    ]);
  });

  it('the delivery log filters by such a subscription id, and refuses a word', () => {
    const get = (id: string) => new HttpRequest({ method: 'GET', url: `http://localhost/api/x?subscriptionId=${id}` });
    expect(deliveriesFilter(get(TEST_ID))).toEqual({ subscriptionId: TEST_ID });
    expect(() => deliveriesFilter(get('not-a-guid'))).toThrow(ValidationError);
  });
});
