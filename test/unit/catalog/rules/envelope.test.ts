/** Envelope rules of PUT (specs/publish.md 2.4, 1.12 F1–F2; 002 [L26], spec A1; test cases 4.B 14–20). */
import { describe, expect, it } from 'vitest';
import type { EnvelopeInput } from '../../../../shared/catalog/model/offer';
import { envelopeViolations, type Existing, MAX_ALIAS_LENGTH } from '../../../../shared/catalog/rules/envelope';

const body = (over: Partial<EnvelopeInput> = {}, displayText = 'contoso-cns-prod'): EnvelopeInput => ({
  publisherId: 'contoso',
  offerTypeId: 'microsoft-saas',
  id: 'contoso-cns',
  definition: { displayText },
  ...over,
});
const codes = (input: EnvelopeInput, existing?: Existing, publisherId = 'contoso', offerId = 'contoso-cns') =>
  envelopeViolations(input, publisherId, offerId, existing).map((v) => [v.code, v.path]);
const existing: Existing = { offerTypeId: 'microsoft-saas', alias: 'contoso-cns-prod' };

describe('ids in the body (4.B 18)', () => {
  it.each<[string, Partial<EnvelopeInput>, string[][]]>([
    ['the ids of the path', {}, []],
    ['no ids at all (the path names the offer)', { publisherId: undefined, id: undefined }, []],
    ['the publisher id in another casing (A37)', { publisherId: 'Contoso' }, []],
    ['another publisher', { publisherId: 'fabrikam' }, [['IdMismatch', '$.publisherId']]],
    ['another offer id', { id: 'contoso-other' }, [['IdMismatch', '$.id']]],
    ['the offer id in another casing', { id: 'Contoso-CNS' }, [['IdMismatch', '$.id']]],
    [
      'both ids of another offer',
      { publisherId: 'fabrikam', id: 'other' },
      [
        ['IdMismatch', '$.publisherId'],
        ['IdMismatch', '$.id'],
      ],
    ],
  ])('a body with %s', (_case, over, expected) => {
    expect(codes(body(over))).toEqual(expected);
  });
});

describe('offer type (4.B 19–20)', () => {
  it('must be a known type, and the message lists them', () => {
    const violations = envelopeViolations(body({ offerTypeId: 'microsoft-nothing' }), 'contoso', 'contoso-cns', undefined);
    expect(violations.map((v) => [v.code, v.path])).toEqual([['UnknownOfferType', '$.offerTypeId']]);
    expect(violations[0]?.message).toContain('microsoft-saas, microsoft-azure-applications');
  });

  it("can't change after create, and the message names the stored type", () => {
    const violations = envelopeViolations(body({ offerTypeId: 'microsoft-azure-applications' }), 'contoso', 'contoso-cns', existing);
    expect(violations.map((v) => [v.code, v.path])).toEqual([['ImmutablePropertyChanged', '$.offerTypeId']]);
    expect(violations[0]?.message).toContain('microsoft-saas');
  });

  it('an unknown type on an existing offer is reported as unknown', () => {
    expect(codes(body({ offerTypeId: 'microsoft-nothing' }), existing)).toEqual([['UnknownOfferType', '$.offerTypeId']]);
  });

  it('the same type on an existing offer is fine', () => {
    expect(codes(body(), existing)).toEqual([]);
  });
});

describe('offer alias (spec 1.2, A35; 4.B 17)', () => {
  it.each([
    ['one character', 'a', []],
    [`${MAX_ALIAS_LENGTH} characters`, 'a'.repeat(MAX_ALIAS_LENGTH), []],
    ['surrounding spaces (trimmed)', `  ${'a'.repeat(MAX_ALIAS_LENGTH)}  `, []],
    [`${MAX_ALIAS_LENGTH + 1} characters`, 'a'.repeat(MAX_ALIAS_LENGTH + 1), [['InvalidAlias', '$.definition.displayText']]],
    ['nothing', '', [['InvalidAlias', '$.definition.displayText']]],
    ['only spaces', '   ', [['InvalidAlias', '$.definition.displayText']]],
  ])('on create with %s', (_case, alias, expected) => {
    expect(codes(body({}, alias))).toEqual(expected);
  });

  it("can't change after create", () => {
    expect(codes(body({}, 'renamed'), existing)).toEqual([['ImmutablePropertyChanged', '$.definition.displayText']]);
  });

  it('sent again with surrounding spaces is the same alias', () => {
    expect(codes(body({}, ' contoso-cns-prod '), existing)).toEqual([]);
  });

  it('of an existing offer is not checked for length again', () => {
    const long = 'a'.repeat(MAX_ALIAS_LENGTH + 1);
    expect(codes(body({}, long), { ...existing, alias: long })).toEqual([]);
  });
});

describe('D365 CE combined id length (002 [L26], spec A1; 4.B 14–15)', () => {
  const d365 = body({ offerTypeId: 'microsoft-dynamics365-ce', publisherId: undefined, id: undefined });

  it.each([
    [15, 24, []],
    [15, 25, [['OfferIdTooLong', '$.id']]],
    [1, 38, []],
    [1, 39, [['OfferIdTooLong', '$.id']]],
  ])('publisher id of %i and offer id of %i characters', (publisherLength, offerLength, expected) => {
    expect(codes(d365, undefined, 'p'.repeat(publisherLength), 'o'.repeat(offerLength))).toEqual(expected);
  });

  it('the message gives both lengths', () => {
    const [tooLong] = envelopeViolations(d365, 'p'.repeat(15), 'o'.repeat(25), undefined);
    expect(tooLong?.message).toContain('(15 + 25)');
  });

  it('is only checked on create (the ids never change)', () => {
    expect(codes(d365, { offerTypeId: 'microsoft-dynamics365-ce', alias: 'contoso-cns-prod' }, 'p'.repeat(15), 'o'.repeat(25))).toEqual([]);
  });

  it('does not apply to other offer types', () => {
    expect(codes(body({ publisherId: undefined, id: undefined }), undefined, 'p'.repeat(15), 'o'.repeat(25))).toEqual([]);
  });
});
