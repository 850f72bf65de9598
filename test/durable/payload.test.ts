/** Large payloads split over Table properties come back intact, surrogate pairs included. */
import { describe, expect, it } from 'vitest';
import { packText, unpackText } from '../../local/durable/payload';

describe('packed payloads', () => {
  it.each([
    ['empty', ''],
    ['short', '{"a":1}'],
    ['exactly one part', 'x'.repeat(30_000)],
    ['several parts', 'y'.repeat(95_001)],
    ['a surrogate pair on a part boundary', `${'z'.repeat(29_999)}😀${'w'.repeat(10)}`],
  ])('round-trips %s', (_case, text) => {
    const entity: Record<string, unknown> = {};
    packText('Data', text, entity);
    for (const value of Object.values(entity)) if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(30_000);
    expect(unpackText('Data', entity)).toBe(text);
  });

  it('stores nothing for an absent payload and reads it back as absent', () => {
    const entity: Record<string, unknown> = {};
    packText('Data', undefined, entity);
    expect(entity).toEqual({});
    expect(unpackText('Data', entity)).toBeUndefined();
  });

  it('refuses a payload with a missing part instead of returning half of it', () => {
    const entity: Record<string, unknown> = {};
    packText('Data', 'q'.repeat(70_000), entity);
    delete entity['Data_1'];
    expect(() => unpackText('Data', entity)).toThrow(/missing part 1/);
  });
});
