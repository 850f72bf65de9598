/**
 * The CSV of the metering exports (shared/metering/rules/csv.ts): RFC 4180 with a header row and CRLF line ends, so
 * a customer name or unit with a comma, a quote or a line break stays in its own cell when a spreadsheet opens it.
 */
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../shared/metering/rules/csv';

describe('toCsv', () => {
  it('writes a header row and one CRLF-ended row per record, the columns in the given order', () => {
    expect(
      toCsv(
        ['b', 'a'],
        [
          { a: 1, b: 'x' },
          { a: 2.5, b: 'y' },
        ],
      ),
    ).toBe('b,a\r\nx,1\r\ny,2.5\r\n');
  });

  it('writes only the header when there are no records', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
  });

  it('leaves null and undefined cells empty, and keeps 0', () => {
    expect(toCsv(['a', 'b', 'c'], [{ a: null, b: undefined, c: 0 }])).toBe('a,b,c\r\n,,0\r\n');
  });

  it.each([
    ['a comma', 'Fabrikam, Ltd', '"Fabrikam, Ltd"'],
    ['a quote, doubled', 'the "Pro" plan', '"the ""Pro"" plan"'],
    ['only quotes', '""', '""""""'],
    ['a CRLF', 'line 1\r\nline 2', '"line 1\r\nline 2"'],
    ['a lone LF', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a lone CR', 'line 1\rline 2', '"line 1\rline 2"'],
  ])('quotes a cell with %s', (_name, value, cell) => {
    expect(toCsv(['name', 'n'], [{ name: value, n: 1 }])).toBe(`name,n\r\n${cell},1\r\n`);
  });

  it('leaves other text unquoted, spaces, semicolons and apostrophes included', () => {
    expect(toCsv(['name'], [{ name: "O'Brien; per 100 emails" }])).toBe("name\r\nO'Brien; per 100 emails\r\n");
  });

  it('quotes a header that needs it', () => {
    expect(toCsv(['a,b'], [{ 'a,b': 1 }])).toBe('"a,b"\r\n1\r\n');
  });
});
