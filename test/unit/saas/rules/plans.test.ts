/** Pure plan rules: quantity input [DEC-A5], seat ranges of per-user plans [DEC-A11], preview audiences [DEC-A34]. */
import { describe, expect, it } from 'vitest';
import type { LiveOffer, LivePlan } from '../../../../shared/catalog/ports';
import { MAX_QUANTITY, inPreviewAudience, isPerUser, parseQuantity, seatRange } from '../../../../shared/saas/rules/plans';

describe('quantity input [DEC-A5]', () => {
  it.each([
    [20, { kind: 'value', value: 20 }],
    ['25', { kind: 'value', value: 25 }],
    [' 25 ', { kind: 'value', value: 25 }],
    ['', { kind: 'absent' }],
    [null, { kind: 'absent' }],
    [undefined, { kind: 'absent' }],
    [-1, { kind: 'invalid' }],
    ['-1', { kind: 'invalid' }],
    [2.5, { kind: 'invalid' }],
    ['abc', { kind: 'invalid' }],
    [true, { kind: 'invalid' }],
    // Numeric strings are decimal digits only: what Number() would also read is refused.
    ['0x10', { kind: 'invalid' }],
    ['1e3', { kind: 'invalid' }],
    ['+5', { kind: 'invalid' }],
    ['12 seats', { kind: 'invalid' }],
    ['   ', { kind: 'invalid' }],
    [[7], { kind: 'invalid' }],
  ])('%j → %j', (raw, expected) => {
    expect(parseQuantity(raw)).toEqual(expected);
  });

  it('reads 0 as a number of seats, so the plan range refuses it as QuantityOutOfRange, not InvalidQuantity (saas-licensing.md case 61)', () => {
    expect(parseQuantity(0)).toEqual({ kind: 'value', value: 0 });
    expect(parseQuantity('0')).toEqual({ kind: 'value', value: 0 });
  });
});

const plan = (pricing?: Partial<NonNullable<LivePlan['pricing']>>): LivePlan => ({
  planId: 'silver',
  visibility: 'public',
  privateAudience: [],
  stopSell: false,
  purchasable: true,
  freeTrial: false,
  markets: ['US'],
  ...(pricing ? { pricing: { model: 'flatRate', billingTerms: { monthly: { priceUSD: 10 } }, dimensions: [], ...pricing } } : {}),
});

describe('seats of per-user plans [DEC-A11]', () => {
  it.each([
    ['a per-user plan', plan({ model: 'perUser' }), true],
    ['a flat-rate plan', plan({ model: 'flatRate' }), false],
    ['a plan without pricing', plan(), false],
  ])('%s is priced per seat: %s', (_case, p, expected) => {
    expect(isPerUser(p)).toBe(expected);
  });

  it.each([
    ['min and max set', plan({ model: 'perUser', minUsers: 5, maxUsers: 50 }), { min: 5, max: 50 }],
    ['neither set: 1 to 1,000,000', plan({ model: 'perUser' }), { min: 1, max: MAX_QUANTITY }],
    ['no pricing at all: 1 to 1,000,000', plan(), { min: 1, max: 1_000_000 }],
  ])('%s', (_case, p, expected) => {
    expect(seatRange(p)).toEqual(expected);
  });
});

describe('preview audience [DEC-A34]: its members buy as test purchasers', () => {
  const offerWith = (audience: unknown) =>
    ({ definition: { offer: { 'microsoft-azure-marketplace.previewAudience': audience } } }) as unknown as LiveOffer;
  const two = [
    { id: 'first@contoso.test', type: 'MixedAadMsaId' },
    { id: 'second@contoso.test', type: 'MixedAadMsaId' },
  ];

  it.each([
    ['the first of two members', two, 'first@contoso.test', true],
    ['the second of two members', two, 'second@contoso.test', true],
    ['someone in neither entry', two, 'third@contoso.test', false],
    ['a member saved with spaces around the address', [{ id: ' Tester@Contoso.test ' }], 'tester@contoso.test', true],
    ['a member listed after an empty (null) entry', [null, { id: 'tester@contoso.test' }], 'tester@contoso.test', true],
    [
      'a member listed after an entry without an id',
      [{ type: 'MixedAadMsaId' }, { id: 'tester@contoso.test' }],
      'tester@contoso.test',
      true,
    ],
    ['a member listed after an entry with a numeric id', [{ id: 42 }, { id: 'tester@contoso.test' }], 'tester@contoso.test', true],
    ['an audience that is not a list', { id: 'tester@contoso.test' }, 'tester@contoso.test', false],
    ['an empty e-mail address', [{ id: '' }], '', false],
  ])('%s → test purchase %s', (_case, audience, email, expected) => {
    expect(inPreviewAudience(offerWith(audience), email)).toBe(expected);
  });
});
