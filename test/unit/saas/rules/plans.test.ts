/** Pure plan rules: quantity input [DEC-A5]. */
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../../shared/saas/rules/plans';

describe('quantity input [DEC-A5]', () => {
  it.each([
    [20, { kind: 'value', value: 20 }],
    ['25', { kind: 'value', value: 25 }],
    ['', { kind: 'absent' }],
    [null, { kind: 'absent' }],
    [undefined, { kind: 'absent' }],
    [-1, { kind: 'invalid' }],
    [2.5, { kind: 'invalid' }],
    ['abc', { kind: 'invalid' }],
    [true, { kind: 'invalid' }],
  ])('%j → %j', (raw, expected) => {
    expect(parseQuantity(raw)).toEqual(expected);
  });
});
