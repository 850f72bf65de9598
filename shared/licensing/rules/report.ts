/**
 * The license report's months (B1.6; DEC-L18; decision 0805): `YYYY-MM` ranges of at most 12 months, `from` not
 * after `to`, by default the last 6 months including the current one [004:19769]; a month's value is the last
 * snapshot taken in or before it (the current month: the live value).
 */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const DEFAULT_MONTHS = 6;
export const MAX_MONTHS = 12;

export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

function index(month: string): number {
  const match = MONTH.exec(month);
  if (!match) return Number.NaN;
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function monthAt(i: number): string {
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

export type MonthRange = { ok: true; months: string[] } | { ok: false; problem: string };

/** The months of a report, oldest first. */
export function reportMonths(now: Date, from?: string, to?: string): MonthRange {
  const current = index(monthOf(now.toISOString()));
  const end = to === undefined ? current : index(to);
  const start = from === undefined ? end - (DEFAULT_MONTHS - 1) : index(from);
  if (Number.isNaN(start) || Number.isNaN(end)) return { ok: false, problem: 'from and to must be months written YYYY-MM.' };
  if (start > end) return { ok: false, problem: 'from must not be after to.' };
  if (end - start + 1 > MAX_MONTHS) return { ok: false, problem: `A report covers at most ${MAX_MONTHS} months.` };
  return { ok: true, months: Array.from({ length: end - start + 1 }, (_, i) => monthAt(start + i)) };
}

/** The snapshot that holds for `month`: the latest one taken in or before it (snapshots of any order). */
export function snapshotFor<T extends { month: string }>(month: string, snapshots: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const s of snapshots) if (s.month <= month && (!best || s.month > best.month)) best = s;
  return best;
}
