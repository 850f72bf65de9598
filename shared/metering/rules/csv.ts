/**
 * CSV for the metering exports (billing statements, the usage report, the anomaly list): RFC 4180, a header row,
 * CRLF line ends; `null`/`undefined` are empty cells, so a report's "null" columns read as empty in a spreadsheet.
 */

export type CsvValue = string | number | null | undefined;

function cell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per record, the columns in the given order (the header repeats their names). */
export function toCsv<C extends string>(columns: readonly C[], records: readonly Record<C, CsvValue>[]): string {
  const rows = [columns.map(cell).join(',')];
  for (const record of records) rows.push(columns.map((c) => cell(record[c])).join(','));
  return `${rows.join('\r\n')}\r\n`;
}
