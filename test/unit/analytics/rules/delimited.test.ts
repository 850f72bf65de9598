import { describe, expect, it } from 'vitest';
import { contentType, csvCell, formatLine, tsvCell } from '../../../../shared/analytics/rules/delimited';

describe('report file lines', () => {
  it.each([
    [null, ''],
    [12.5, '12.5'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
  ] as const)('CSV cell %j is %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    [null, ''],
    [3, '3'],
    ['a\tb', 'a b'],
    ['two\r\nlines', 'two  lines'],
    ['a,"b"', 'a,"b"'],
  ] as const)('TSV cell %j is %j', (value, cell) => {
    expect(tsvCell(value)).toBe(cell);
  });

  it('joins cells with commas or tabs and ends each line with CRLF', () => {
    expect(formatLine('csv', ['a', 1, null, 'x,y'])).toBe('a,1,,"x,y"\r\n');
    expect(formatLine('tsv', ['a', 1, null, 'x,y'])).toBe('a\t1\t\tx,y\r\n');
  });

  it('names the content type of each format', () => {
    expect(contentType('csv')).toBe('text/csv; charset=utf-8');
    expect(contentType('tsv')).toBe('text/tab-separated-values; charset=utf-8');
  });
});
