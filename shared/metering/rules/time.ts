/**
 * Time rules for usage events (specs/metering.md 2.6, 2.7): `effectiveStartTime` is UTC when it carries no
 * offset (the seed's example `2018-12-01T08:30:14`, seed 004 ~7839), an offset is converted to UTC before
 * bucketing, the dedup bucket is the UTC date and hour, and the 24-hour window compares exact instants.
 */

/** Date, hour, minute, optional seconds and fraction, then `Z`/`z`, an offset `±hh:mm` (sign, hours, minutes), or nothing. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** "more than 24 hours in the past … Event has expired" (seed 004 ~7850); exactly 24 h old is accepted (A3). */
export const USAGE_WINDOW_MS = DAY_MS;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface ParsedTime {
  /** The instant, truncated to milliseconds. */
  at: Date;
  /** The form echoed in responses (see `echoTime`). */
  echo: string;
}

/** Parses an ISO 8601 date-time with an optional offset; undefined when it is not one (or not a real date). */
export function parseEffectiveTime(text: string): ParsedTime | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, utc, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Without an offset (`Z`, `z` or none) `oh` and `om` are undefined, and NaN passes both checks.
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const ms = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const utcTime = new Date(0);
  utcTime.setUTCFullYear(year, month - 1, day);
  utcTime.setUTCHours(hour, minute, second, ms);
  const at = new Date(utcTime.getTime() - offsetMinutes * 60_000);
  return { at, echo: echoTime(text, at, { utc, sign, seconds: s, fraction }) };
}

/**
 * The seed echoes `effectiveStartTime` "as sent by the ISV" (seed 004 ~7839), but the contract types it as an
 * RFC 3339 date-time, and where the two disagree the contract wins (architecture.md, Contracts). So a UTC value
 * with `Z` (or `z`) and seconds is echoed verbatim; a value without an offset is the same UTC time with `Z` added (and seconds when
 * they were left out); a value with an offset, or `Z` without seconds, is converted to UTC. Decision record 0302.
 */
function echoTime(text: string, at: Date, parts: { utc?: string; sign?: string; seconds?: string; fraction?: string }): string {
  if (parts.utc !== undefined && parts.seconds !== undefined) return text;
  if (parts.utc === undefined && parts.sign === undefined) {
    return `${at.toISOString().slice(0, 19)}${parts.fraction ? `.${parts.fraction}` : ''}Z`;
  }
  return at.toISOString();
}

/** `messageTime` in the seed's shape: UTC with seven fractional digits (ms padded), e.g. `…T13:19:35.3450000Z`. */
export function messageTime(at: Date): string {
  return `${at.toISOString().slice(0, 23)}0000Z`;
}

/**
 * The seed's batch items that were not accepted carry .NET's `DateTime.MinValue` (`0001-01-01T00:00:00`); the
 * contract's date-time format needs a zone, so it is sent with `Z` (decision record 0302).
 */
export const NOT_ACCEPTED_MESSAGE_TIME = '0001-01-01T00:00:00Z';

/** `yyyyMMdd` of the UTC date. */
export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

/** `HH` of the UTC hour. */
export function hourKey(at: Date): string {
  return at.toISOString().slice(11, 13);
}

/** Midnight UTC of the instant's date. */
export function startOfDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** `YYYY-MM-DD` of a UTC date. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC days from `from` to `to` inclusive, as midnights. */
export function daysBetween(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let t = startOfDay(from).getTime(); t <= to.getTime(); t += DAY_MS) days.push(new Date(t));
  return days;
}

export type WindowCheck = 'ok' | 'expired' | 'future';

/** The accepted window: "from now and until 24 hours back" (seed 004 ~7808); future times are refused (A4). */
export function checkWindow(at: Date, now: Date, futureSkewMs = 0): WindowCheck {
  const age = now.getTime() - at.getTime();
  if (age > USAGE_WINDOW_MS) return 'expired';
  if (age < -futureSkewMs) return 'future';
  return 'ok';
}
