/**
 * The report files (decision 0904): CSV (RFC 4180: a cell with a comma, quote or line break is quoted, quotes
 * doubled) or TSV (tabs and line breaks inside a cell become spaces, so every line is one record). A header row
 * with the selected names, CRLF line ends, null as an empty cell, numbers as JavaScript prints them.
 */
import type { Cell, ReportFormat } from '../model';

export function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tsvCell(value: Cell): string {
  if (value === null) return '';
  return String(value).replace(/[\t\r\n]/g, ' ');
}

export function formatLine(format: ReportFormat, cells: readonly Cell[]): string {
  return format === 'csv' ? `${cells.map(csvCell).join(',')}\r\n` : `${cells.map(tsvCell).join('\t')}\r\n`;
}

export function contentType(format: ReportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'text/tab-separated-values; charset=utf-8';
}
