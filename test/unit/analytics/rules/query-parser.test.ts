import { describe, expect, it } from 'vitest';
import { parseQuery, position } from '../../../../shared/analytics/rules/query-parser';

function ast(text: string) {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.ast;
}

function error(text: string) {
  const result = parseQuery(text);
  if (result.ok) throw new Error('parsed');
  return result.error;
}

describe('parseQuery', () => {
  it('parses the seed’s create-query example into every clause with token positions', () => {
    const parsed = ast(
      "SELECT UsageDate, NormalizedUsage FROM ISVUsage WHERE SKUBillingType = 'Paid' ORDER BY UsageDate DESC TIMESPAN LAST_MONTH",
    );
    expect(parsed).toEqual({
      distinct: false,
      select: [
        { text: 'UsageDate', offset: 7, line: 1, column: 8 },
        { text: 'NormalizedUsage', offset: 18, line: 1, column: 19 },
      ],
      from: { text: 'ISVUsage', offset: 39, line: 1, column: 40 },
      where: [
        {
          column: { text: 'SKUBillingType', offset: 54, line: 1, column: 55 },
          operator: '=',
          value: { kind: 'string', value: 'Paid' },
          valueToken: { text: "'Paid'", offset: 71, line: 1, column: 72 },
        },
      ],
      orderBy: [{ column: { text: 'UsageDate', offset: 87, line: 1, column: 88 }, direction: 'DESC' }],
      timespan: { text: 'LAST_MONTH', offset: 111, line: 1, column: 112 },
    });
  });

  it('parses the shortest query: no WHERE, ORDER BY, LIMIT or TIMESPAN keys at all', () => {
    const parsed = ast('select OrderId from ISVOrder');
    expect(parsed.where).toEqual([]);
    expect(parsed.orderBy).toEqual([]);
    expect('limit' in parsed).toBe(false);
    expect('timespan' in parsed).toBe(false);
    expect(parsed.distinct).toBe(false);
  });

  it('reads DISTINCT, lists, LIKE with an escaped quote, NOT LIKE, NOT IN, directions and LIMIT', () => {
    const parsed = ast(
      "SELECT DISTINCT a, b FROM X WHERE c NOT IN (1, -2.5) AND d LIKE '%x''y%' AND e NOT LIKE 'z' AND f IN ('p','q') ORDER BY a ASC, b LIMIT 10",
    );
    expect(parsed.distinct).toBe(true);
    expect(parsed.where.map((w) => [w.operator, w.value])).toEqual([
      [
        'NOT IN',
        [
          { kind: 'number', value: 1 },
          { kind: 'number', value: -2.5 },
        ],
      ],
      ['LIKE', { kind: 'string', value: "%x'y%" }],
      ['NOT LIKE', { kind: 'string', value: 'z' }],
      [
        'IN',
        [
          { kind: 'string', value: 'p' },
          { kind: 'string', value: 'q' },
        ],
      ],
    ]);
    expect(parsed.where[0]?.valueToken).toEqual({ text: '(', offset: 43, line: 1, column: 44 });
    expect(parsed.orderBy.map((o) => [o.column.text, o.direction])).toEqual([
      ['a', 'ASC'],
      ['b', 'DESC'],
    ]);
    expect(parsed.limit).toEqual({ value: 10, token: { text: '10', offset: 135, line: 1, column: 136 } });
  });

  it.each([
    ['=', '='],
    ['!=', '!='],
    ['>', '>'],
    ['<', '<'],
    ['>=', '>='],
    ['<=', '<='],
    ['like', 'LIKE'],
    ['in', 'IN'],
  ])('reads the operator %s', (written, operator) => {
    const value = operator === 'IN' ? '(1)' : '1';
    expect(ast(`SELECT a FROM b WHERE c ${written} ${value}`).where[0]?.operator).toBe(operator);
  });

  it('keeps the keywords case-insensitive and names that start with a keyword whole', () => {
    const parsed = ast('SeLeCt Index, Orders, Limits FrOm Inventory wHeRe Notes = 1 TIMESPAN lifetime');
    expect(parsed.select.map((s) => s.text)).toEqual(['Index', 'Orders', 'Limits']);
    expect(parsed.from.text).toBe('Inventory');
    expect(parsed.where[0]?.column.text).toBe('Notes');
    expect(parsed.timespan?.text).toBe('lifetime');
  });

  it('counts lines and columns across line breaks', () => {
    expect(ast('SELECT a\nFROM b\n  WHERE c = 1').where[0]?.column).toEqual({ text: 'c', offset: 24, line: 3, column: 9 });
  });

  it.each([
    ['SELECT a FROM', 'The query ends too early: a clause is incomplete.', { text: '', offset: 13, line: 1, column: 14 }],
    ['SELECT a FROM b\nWHERE', 'The query ends too early: a clause is incomplete.', { text: '', offset: 21, line: 2, column: 6 }],
    ['SELECT a FROM b WHERE c == 1', "Unexpected '='.", { text: '=', offset: 25, line: 1, column: 26 }],
    ['SELECT a FROM b LIMIT x', "Unexpected 'x'.", { text: 'x', offset: 22, line: 1, column: 23 }],
    ['SELECT select FROM b', "Unexpected 'select'.", { text: 'select', offset: 7, line: 1, column: 8 }],
    ['SELECT a FROM b extra', "Unexpected 'extra'.", { text: 'extra', offset: 16, line: 1, column: 17 }],
    ['SELECT a FROM b\n WHERE c # 1', "Unexpected character '#'.", { text: '#', offset: 25, line: 2, column: 10 }],
    ["SELECT a FROM b WHERE c = 'open", "Unexpected character '''.", { text: "'", offset: 26, line: 1, column: 27 }],
    ['', 'The query ends too early: a clause is incomplete.', { text: '', offset: 0, line: 1, column: 1 }],
  ])('refuses %j at the offending token', (text, message, token) => {
    expect(error(text)).toEqual({ message, token });
  });

  it('parses again after a refusal (the one parser instance keeps no state between queries)', () => {
    error('SELECT a FROM');
    expect(ast('SELECT a FROM b').from.text).toBe('b');
  });
});

describe('position', () => {
  it('names the line, column, offset and token, or the end', () => {
    expect(position({ text: 'Foo', offset: 7, line: 1, column: 8 })).toBe("line 1, column 8 (offset 7), at 'Foo'");
    expect(position({ text: '', offset: 13, line: 2, column: 3 })).toBe('line 2, column 3 (offset 13), at the end');
  });
});
