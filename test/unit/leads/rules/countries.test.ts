import { describe, expect, it } from 'vitest';
import { ALPHA2, ALPHA3_TO_ALPHA2, countryAlpha2 } from '../../../../shared/leads/rules/countries';

describe('ISO 3166-1 table', () => {
  it('has the 249 assigned codes, each alpha-3 mapped to one alpha-2', () => {
    expect(ALPHA2.size).toBe(249);
    expect(ALPHA3_TO_ALPHA2.size).toBe(249);
    expect(new Set(ALPHA3_TO_ALPHA2.values())).toEqual(ALPHA2);
  });
  it('maps alpha-3 to alpha-2, any case', () => {
    expect(countryAlpha2('USA')).toBe('US');
    expect(countryAlpha2('gbr')).toBe('GB');
    expect(countryAlpha2('Deu')).toBe('DE');
    expect(countryAlpha2('CYM')).toBe('KY');
    expect(countryAlpha2('ZWE')).toBe('ZW');
    expect(countryAlpha2('AFG')).toBe('AF');
  });
  it('keeps a known alpha-2, upper-cased', () => {
    expect(countryAlpha2('us')).toBe('US');
    expect(countryAlpha2('AX')).toBe('AX');
    expect(countryAlpha2('zw')).toBe('ZW');
  });
  it.each(['', 'U', 'XK', 'UK', 'EU', 'XXX', 'USAA', 'Narnia'])('%j is not a code', (code) => {
    expect(countryAlpha2(code)).toBeUndefined();
  });
});
