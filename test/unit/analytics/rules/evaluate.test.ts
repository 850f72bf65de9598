import { describe, expect, it } from 'vitest';
import type { DataRow } from '../../../../shared/analytics/model';
import { compareRows, createRunner, like, matches, roundSum, streams } from '../../../../shared/analytics/rules/evaluate';
import { checkQuery, type Filter } from '../../../../shared/analytics/rules/query-check';

function plan(text: string) {
  const result = checkQuery(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.plan;
}

function run(text: string, rows: DataRow[]) {
  const runner = createRunner(plan(text));
  const out = [];
  for (const row of rows) {
    out.push(...runner.accept(row));
    if (runner.done) break;
  }
  return [...out, ...runner.finish()];
}

const usage = (meter: string, day: string, quantity: number, charge: number | null = quantity, customer = 'c1'): DataRow => ({
  MeterId: meter,
  UsageDate: day,
  CustomerId: customer,
  UsageQuantity: quantity,
  NormalizedUsage: quantity,
  EstimatedExtendedChargePC: charge,
});

const f = (operator: Filter['operator'], values: (string | number)[], type: Filter['type'] = 'string'): Filter => ({
  name: 'x',
  on: 'column',
  type,
  operator,
  values,
});

describe('like', () => {
  it.each([
    ['Contoso Ltd', '%contoso%', true],
    ['Contoso', 'contoso', true],
    ['Contoso', 'Contos', false],
    ['Contoso', '_ontoso', true],
    ['Contoso', '__ntoso', true],
    ['Contoso', '_ntoso', false],
    ['a.b', 'a_b', true],
    ['axb', 'a.b', false],
    ['a+b', 'a+b', true],
    ['line\nbreak', 'line%', true],
    ['', '%', true],
    ['x', '', false],
  ])('%j LIKE %j is %s', (value, pattern, expected) => {
    expect(like(value, pattern)).toBe(expected);
  });
});

describe('matches', () => {
  it.each([
    ['=', 'abc', ['abc'], true],
    ['=', 'ABC', ['abc'], true],
    ['=', 'abd', ['abc'], false],
    ['!=', 'abd', ['abc'], true],
    ['!=', 'abb', ['abc'], true],
    ['!=', 'abc', ['abc'], false],
    ['LIKE', 'abc', ['a%'], true],
    ['NOT LIKE', 'abc', ['a%'], false],
    ['NOT LIKE', 'xbc', ['a%'], true],
    ['IN', 'b', ['a', 'b'], true],
    ['IN', 'c', ['a', 'b'], false],
    ['NOT IN', 'c', ['a', 'b'], true],
    ['NOT IN', 'b', ['a', 'b'], false],
  ] as const)('%s on %j with %j is %s', (operator, cell, values, expected) => {
    expect(matches(cell, f(operator, [...values]))).toBe(expected);
  });

  it.each([
    ['>', 5, 4, true],
    ['>', 4, 4, false],
    ['<', 3, 4, true],
    ['<', 4, 4, false],
    ['>=', 4, 4, true],
    ['>=', 3, 4, false],
    ['<=', 4, 4, true],
    ['<=', 3, 4, true],
    ['<=', 5, 4, false],
  ] as const)('%s: %i against %i is %s', (operator, cell, value, expected) => {
    expect(matches(cell, f(operator, [value], 'number'))).toBe(expected);
  });

  it('reads numbers held as text as numbers, compares dates as text, never matches null', () => {
    expect(matches('10', f('>', [9], 'number'))).toBe(true);
    expect(matches('2020-06-30', f('<=', ['2020-06-30'], 'date'))).toBe(true);
    expect(matches('2020-07-01', f('<=', ['2020-06-30'], 'date'))).toBe(false);
    expect(matches(null, f('!=', ['x']))).toBe(false);
    expect(matches(null, f('NOT IN', ['x']))).toBe(false);
  });
});

describe('createRunner', () => {
  const rows = [usage('email', '2031-03-10', 12.5), usage('text', '2031-03-10', 3, 0.06), usage('email', '2031-03-11', 2, null, 'c2')];

  it('streams a query without metrics, ORDER BY or DISTINCT, and stops at LIMIT', () => {
    const p = plan('SELECT MeterId, UsageQuantity FROM ISVUsage LIMIT 2');
    expect(streams(p)).toBe(true);
    const runner = createRunner(p);
    expect(runner.accept(rows[0] as DataRow)).toEqual([['email', 12.5]]);
    expect(runner.done).toBe(false);
    expect(runner.accept(rows[1] as DataRow)).toEqual([['text', 3]]);
    expect(runner.done).toBe(true);
    expect(runner.accept(rows[2] as DataRow)).toEqual([]);
    expect(runner.finish()).toEqual([]);
  });

  it('does not stream with a metric, an ORDER BY or DISTINCT', () => {
    expect(streams(plan('SELECT MeterId, NormalizedUsage FROM ISVUsage'))).toBe(false);
    expect(streams(plan('SELECT MeterId FROM ISVUsage ORDER BY MeterId'))).toBe(false);
    expect(streams(plan('SELECT DISTINCT MeterId FROM ISVUsage'))).toBe(false);
    expect(createRunner(plan('SELECT DISTINCT MeterId FROM ISVUsage LIMIT 1')).done).toBe(false);
  });

  it('filters rows on columns', () => {
    expect(run("SELECT MeterId, UsageQuantity FROM ISVUsage WHERE MeterId = 'EMAIL'", rows)).toEqual([
      ['email', 12.5],
      ['email', 2],
    ]);
  });

  it('sums metrics per distinct combination of the selected columns; a null adds nothing', () => {
    expect(run('SELECT MeterId, NormalizedUsage, EstimatedExtendedChargePC FROM ISVUsage ORDER BY MeterId ASC', rows)).toEqual([
      ['email', 14.5, 12.5],
      ['text', 3, 0.06],
    ]);
    expect(run('SELECT NormalizedUsage FROM ISVUsage', rows)).toEqual([[17.5]]);
  });

  it('filters rows on columns before summing, not the groups', () => {
    expect(run("SELECT MeterId, NormalizedUsage FROM ISVUsage WHERE MeterId = 'email'", rows)).toEqual([['email', 14.5]]);
  });

  it('keeps duplicates without DISTINCT, and ties in arrival order', () => {
    expect(run('SELECT MeterId FROM ISVUsage ORDER BY MeterId ASC', rows)).toEqual([['email'], ['email'], ['text']]);
    expect(run('SELECT MeterId, UsageQuantity FROM ISVUsage ORDER BY MeterId ASC', rows)).toEqual([
      ['email', 12.5],
      ['email', 2],
      ['text', 3],
    ]);
  });

  it('filters groups on metrics after summing', () => {
    expect(run('SELECT MeterId, NormalizedUsage FROM ISVUsage WHERE NormalizedUsage > 14', rows)).toEqual([['email', 14.5]]);
    expect(run('SELECT MeterId, NormalizedUsage FROM ISVUsage WHERE NormalizedUsage > 14.5', rows)).toEqual([]);
  });

  it('orders by several keys, DESC by default, and keeps the best LIMIT rows', () => {
    expect(run('SELECT UsageDate, UsageQuantity FROM ISVUsage ORDER BY UsageDate, UsageQuantity ASC', rows)).toEqual([
      ['2031-03-11', 2],
      ['2031-03-10', 3],
      ['2031-03-10', 12.5],
    ]);
    expect(run('SELECT UsageDate, UsageQuantity FROM ISVUsage ORDER BY UsageQuantity LIMIT 2', rows)).toEqual([
      ['2031-03-10', 12.5],
      ['2031-03-10', 3],
    ]);
    expect(run('SELECT UsageQuantity FROM ISVUsage ORDER BY UsageQuantity ASC LIMIT 1', rows)).toEqual([[2]]);
  });

  it('drops duplicate rows with DISTINCT, and keeps the first LIMIT of an unordered held query', () => {
    expect(run('SELECT DISTINCT MeterId FROM ISVUsage', rows)).toEqual([['email'], ['text']]);
    expect(run('SELECT DISTINCT MeterId FROM ISVUsage LIMIT 1', rows)).toEqual([['email']]);
    expect(run('SELECT MeterId, NormalizedUsage FROM ISVUsage LIMIT 1', rows)).toEqual([['email', 14.5]]);
  });

  it('answers null for a column a row lacks', () => {
    expect(run('SELECT MeterId, OfferName FROM ISVUsage', [usage('email', '2031-03-10', 1)])).toEqual([['email', null]]);
    expect(run('SELECT OfferName, NormalizedUsage FROM ISVUsage', [usage('email', '2031-03-10', 1)])).toEqual([[null, 1]]);
  });
});

describe('compareRows', () => {
  const p = plan('SELECT MeterId, UsageQuantity FROM ISVUsage ORDER BY MeterId ASC, UsageQuantity DESC');

  it('compares text, then numbers, each in its direction', () => {
    expect(compareRows(p, ['a', 1], ['b', 1])).toBeLessThan(0);
    expect(compareRows(p, ['b', 1], ['a', 1])).toBeGreaterThan(0);
    expect(compareRows(p, ['a', 2], ['a', 1])).toBeLessThan(0);
    expect(compareRows(p, ['a', 1], ['a', 2])).toBeGreaterThan(0);
    expect(compareRows(p, ['a', 1], ['a', 1])).toBe(0);
  });

  it('puts nulls last in either direction', () => {
    expect(compareRows(p, [null, 1], ['a', 1])).toBe(1);
    expect(compareRows(p, ['a', 1], [null, 1])).toBe(-1);
    expect(compareRows(p, ['a', null], ['a', 1])).toBe(1);
    expect(compareRows(p, ['a', 1], ['a', null])).toBe(-1);
  });

  it('compares numbers as numbers (10 after 7, by their difference), text otherwise; equal nulls tie', () => {
    const byNumber = plan('SELECT UsageQuantity FROM ISVUsage ORDER BY UsageQuantity ASC');
    expect(compareRows(byNumber, [10], [7])).toBe(3);
    expect(compareRows(byNumber, [1], ['a'])).toBeLessThan(0);
    expect(compareRows(byNumber, ['a'], [1])).toBeGreaterThan(0);
    expect(compareRows(byNumber, [null], [null])).toBe(0);
    expect(compareRows(p, [null, 2], [null, 1])).toBeLessThan(0);
  });
});

describe('roundSum', () => {
  it('keeps six decimals', () => {
    expect(roundSum(0.1 + 0.2)).toBe(0.3);
    expect(roundSum(1.0000004)).toBe(1);
    expect(roundSum(1.0000006)).toBe(1.000001);
  });
});
