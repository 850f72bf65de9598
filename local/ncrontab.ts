/**
 * Azure Functions timer-trigger schedules, evaluated in UTC.
 *
 * Two forms are accepted, as by the Functions host:
 *
 * 1. A six-field NCRONTAB expression (NCrontab with seconds):
 *
 *      {second} {minute} {hour} {day} {month} {day-of-week}
 *       0-59     0-59     0-23   1-31  1-12    0-7 (0 and 7 = Sunday)
 *
 *    Each field is a comma-separated list of items; an item is `*`, a value
 *    `a`, a range `a-b`, or one of those followed by a step: `*\/n`, `a-b/n`,
 *    and `a/n` (from `a` up to the field maximum; 6 for day-of-week, as in
 *    NCrontab). Months and days of week may be written as English names,
 *    case-insensitively: the three-letter abbreviation (`Jan`, `Mon`), the
 *    full name, or any prefix of the full name of at least three letters.
 *    Five-field (classic cron) expressions are rejected: the host requires six.
 *
 *    Day semantics: a time matches only when BOTH the day-of-month and the
 *    day-of-week fields match. This is what NCrontab does (its
 *    GetNextOccurrence finds a matching day of month and then requires the day
 *    of week to match too), and it differs from Vixie cron, which ORs the two
 *    fields when both are restricted. So `0 0 8 1-7 * Mon` is "08:00 on the
 *    first Monday of each month", not "days 1-7 plus every Monday".
 *
 *    Divergence from NCrontab: day-of-week 7 (Sunday) is also accepted.
 *
 *    A day/month combination that can never occur (`0 0 0 31 2 *`,
 *    `0 0 0 31 4,6,9,11 *`) is rejected at parse time.
 *
 * 2. A TimeSpan `hh:mm:ss` (e.g. `00:05:00`): a constant interval; the next
 *    occurrence is the given time plus the interval.
 *
 * All computation is in UTC, the host's time zone when WEBSITE_TIME_ZONE is
 * unset.
 */

export interface Schedule {
  /** First occurrence strictly after `after`. */
  next(after: Date): Date;
  readonly expression: string;
}

type FieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

interface FieldSpec {
  readonly name: FieldName;
  readonly min: number;
  readonly max: number;
  /** Upper end of `*` and `a/n`. */
  readonly wildcardMax: number;
  /** Lower-case English names of the values min, min+1, ... */
  readonly names?: readonly string[];
  readonly namesHint?: string;
}

interface FieldSet {
  /** Allowed values, ascending, without duplicates. */
  readonly values: readonly number[];
  /** Allowed values as a lookup table indexed by value. */
  readonly allowed: readonly boolean[];
}

interface CronFields {
  readonly seconds: FieldSet;
  readonly minutes: FieldSet;
  readonly hours: FieldSet;
  readonly days: FieldSet;
  readonly months: FieldSet;
  readonly daysOfWeek: FieldSet;
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59, wildcardMax: 59 },
  { name: 'minute', min: 0, max: 59, wildcardMax: 59 },
  { name: 'hour', min: 0, max: 23, wildcardMax: 23 },
  { name: 'day-of-month', min: 1, max: 31, wildcardMax: 31 },
  { name: 'month', min: 1, max: 12, wildcardMax: 12, names: MONTH_NAMES, namesHint: 'a month name (Jan-Dec)' },
  { name: 'day-of-week', min: 0, max: 7, wildcardMax: 6, names: DAY_NAMES, namesHint: 'a day name (Sun-Sat)' },
];

/** Longest possible gap between two matches of a satisfiable expression is 40 years (29 February on a given weekday). */
const SEARCH_HORIZON_YEARS = 50;

const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const DEFAULT_OCCURRENCE_LIMIT = 1000;

const MS_PER_SECOND = 1000;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** Parses an NCRONTAB or `hh:mm:ss` schedule; throws an Error naming the expression and the fault. */
export function parseSchedule(expression: string): Schedule {
  if (typeof expression !== 'string') {
    throw new Error(`Invalid NCRONTAB expression ${String(expression)}: expected a string`);
  }
  if (expression.includes(':')) {
    const intervalMs = parseTimeSpan(expression);
    return { expression, next: (after) => new Date(validTime(after) + intervalMs) };
  }
  const fields = parseCronFields(expression);
  return { expression, next: (after) => nextCronOccurrence(fields, expression, validTime(after)) };
}

/**
 * Occurrences in (fromExclusive, toInclusive], ascending, at most `limit`
 * of them (default 1000).
 */
export function occurrencesBetween(
  schedule: Schedule,
  fromExclusive: Date,
  toInclusive: Date,
  limit: number = DEFAULT_OCCURRENCE_LIMIT,
): Date[] {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`occurrencesBetween: limit must be a non-negative integer, got ${limit}`);
  }
  const end = validTime(toInclusive);
  const occurrences: Date[] = [];
  let cursor = new Date(validTime(fromExclusive));
  while (occurrences.length < limit && cursor.getTime() < end) {
    const occurrence = schedule.next(cursor);
    if (occurrence.getTime() > end) break;
    occurrences.push(occurrence);
    cursor = occurrence;
  }
  return occurrences;
}

// ---------------------------------------------------------------------------
// TimeSpan form
// ---------------------------------------------------------------------------

function parseTimeSpan(expression: string): number {
  const match = /^(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(expression.trim());
  if (!match) {
    throw new Error(`Invalid TimeSpan schedule "${expression}": expected hh:mm:ss`);
  }
  const [hours, minutes, seconds] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const outOfRange =
    hours > 23
      ? `hours ${hours} is out of range 0-23`
      : minutes > 59
        ? `minutes ${minutes} is out of range 0-59`
        : seconds > 59
          ? `seconds ${seconds} is out of range 0-59`
          : undefined;
  if (outOfRange !== undefined) {
    throw new Error(`Invalid TimeSpan schedule "${expression}": ${outOfRange}`);
  }
  const intervalSeconds = hours * 3600 + minutes * 60 + seconds;
  if (intervalSeconds === 0) {
    throw new Error(`Invalid TimeSpan schedule "${expression}": the interval must be greater than zero`);
  }
  return intervalSeconds * MS_PER_SECOND;
}

// ---------------------------------------------------------------------------
// NCRONTAB parsing
// ---------------------------------------------------------------------------

function invalid(expression: string, detail: string): Error {
  return new Error(`Invalid NCRONTAB expression "${expression}": ${detail}`);
}

function parseCronFields(expression: string): CronFields {
  const tokens = expression
    .trim()
    .split(/\s+/)
    .filter((token) => token.length > 0);
  if (tokens.length !== FIELD_SPECS.length) {
    throw invalid(expression, `six fields are required ({second} {minute} {hour} {day} {month} {day-of-week}), found ${tokens.length}`);
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = FIELD_SPECS.map((spec, index) =>
    parseField(spec, tokens[index] ?? '', expression),
  ) as [FieldSet, FieldSet, FieldSet, FieldSet, FieldSet, FieldSet];
  const fields: CronFields = { seconds, minutes, hours, days, months, daysOfWeek };
  assertSomeDateExists(fields, expression);
  return fields;
}

function parseField(spec: FieldSpec, token: string, expression: string): FieldSet {
  const allowed: boolean[] = [];
  for (const item of token.split(',')) {
    if (item === '') throw invalid(expression, `${spec.name} list "${token}" contains an empty item`);
    for (const value of expandItem(spec, item, expression)) {
      // Day-of-week 7 is an alias of 0 (Sunday).
      allowed[spec.name === 'day-of-week' && value === 7 ? 0 : value] = true;
    }
  }
  return toFieldSet(allowed);
}

function toFieldSet(sparse: readonly (boolean | undefined)[]): FieldSet {
  const values: number[] = [];
  const allowed: boolean[] = [];
  for (let value = 0; value < sparse.length; value++) {
    const isAllowed = sparse[value] === true;
    allowed.push(isAllowed);
    if (isAllowed) values.push(value);
  }
  return { values, allowed };
}

/** Expands one list item (`*`, `a`, `a-b`, optionally with `/n`) into its values. */
function expandItem(spec: FieldSpec, item: string, expression: string): number[] {
  const parts = item.split('/');
  if (parts.length > 2) throw invalid(expression, `${spec.name} item "${item}" has more than one step`);
  const [rangeText = '', stepText] = parts;
  const step = stepText === undefined ? 1 : parseStep(spec, stepText, expression);
  const [start, end] = parseRange(spec, rangeText, stepText !== undefined, expression);
  const values: number[] = [];
  for (let value = start; value <= end; value += step) values.push(value);
  return values;
}

function parseStep(spec: FieldSpec, stepText: string, expression: string): number {
  if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
    throw invalid(expression, `${spec.name} step "${stepText}" must be a positive integer`);
  }
  return Number(stepText);
}

/** Returns the inclusive [start, end] of `*`, `a` or `a-b`; a lone `a` with a step runs to the field maximum. */
function parseRange(spec: FieldSpec, text: string, hasStep: boolean, expression: string): [number, number] {
  if (text === '*') return [spec.min, spec.wildcardMax];
  const bounds = text.split('-');
  if (bounds.length > 2) throw invalid(expression, `${spec.name} range "${text}" is malformed`);
  const start = parseValue(spec, bounds[0] ?? '', expression);
  if (bounds.length === 1) return [start, hasStep ? Math.max(start, spec.wildcardMax) : start];
  const end = parseValue(spec, bounds[1] ?? '', expression);
  if (start > end) {
    throw invalid(expression, `${spec.name} range ${text} is reversed (start ${start} is after end ${end})`);
  }
  return [start, end];
}

function parseValue(spec: FieldSpec, text: string, expression: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : valueOfName(spec, text);
  if (value === undefined) {
    const expected = spec.namesHint === undefined ? 'a number' : `a number or ${spec.namesHint}`;
    throw invalid(expression, `${spec.name} value "${text}" is not ${expected}`);
  }
  if (value < spec.min || value > spec.max) {
    throw invalid(expression, `${spec.name} value ${value} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

/** Matches an abbreviation of at least three letters (or the full name), case-insensitively. */
function valueOfName(spec: FieldSpec, text: string): number | undefined {
  if (spec.names === undefined || text.length < 3) return undefined;
  const lower = text.toLowerCase();
  const index = spec.names.findIndex((name) => name.startsWith(lower));
  return index < 0 ? undefined : spec.min + index;
}

/** Rejects day/month combinations that never occur, e.g. 30 or 31 February. */
function assertSomeDateExists(fields: CronFields, expression: string): void {
  const firstDay = fields.days.values[0] ?? 1;
  const possible = fields.months.values.some((month) => firstDay <= (MAX_DAYS_IN_MONTH[month - 1] ?? 0));
  if (!possible) {
    throw invalid(
      expression,
      `day-of-month and month fields never match a calendar date (no day ${fields.days.values.join(',')} ` +
        `in month ${fields.months.values.join(',')})`,
    );
  }
}

// ---------------------------------------------------------------------------
// NCRONTAB evaluation
// ---------------------------------------------------------------------------

function validTime(date: Date): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new TypeError('Schedule: expected a valid Date');
  return time;
}

/** UTC timestamp; unlike Date.UTC, years 0-99 are not mapped to 1900-1999. Out-of-range parts roll over. */
function utc(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0)).getUTCDate();
}

/** Smallest allowed value >= from, if any. */
function nextAllowed(set: FieldSet, from: number): number | undefined {
  return set.values.find((value) => value >= from);
}

/**
 * Walks forward from the whole second after `afterMs`, jumping straight to the
 * next candidate month, day, hour, minute or second whenever a component does
 * not match, so each iteration advances by at least one unit of the
 * mismatching component and long gaps are crossed in a few steps.
 */
function nextCronOccurrence(fields: CronFields, expression: string, afterMs: number): Date {
  let candidate = Math.floor(afterMs / MS_PER_SECOND) * MS_PER_SECOND + MS_PER_SECOND;
  const horizonYear = new Date(candidate).getUTCFullYear() + SEARCH_HORIZON_YEARS;
  for (;;) {
    const date = new Date(candidate);
    const year = date.getUTCFullYear();
    if (Number.isNaN(year) || year > horizonYear) {
      throw new Error(
        `NCRONTAB expression "${expression}" has no occurrence within ${SEARCH_HORIZON_YEARS} years after ${new Date(afterMs).toISOString()}`,
      );
    }
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const hour = date.getUTCHours();
    const minute = date.getUTCMinutes();
    const second = date.getUTCSeconds();

    const nextMonth = nextAllowed(fields.months, month);
    if (nextMonth === undefined) {
      candidate = utc(year + 1, 1);
      continue;
    }
    if (nextMonth !== month) {
      candidate = utc(year, nextMonth);
      continue;
    }

    const nextDay = nextAllowed(fields.days, day);
    if (nextDay === undefined || nextDay > daysInMonth(year, month)) {
      candidate = utc(year, month + 1);
      continue;
    }
    if (nextDay !== day) {
      candidate = utc(year, month, nextDay);
      continue;
    }
    if (fields.daysOfWeek.allowed[date.getUTCDay()] !== true) {
      candidate = utc(year, month, day + 1);
      continue;
    }

    const nextHour = nextAllowed(fields.hours, hour);
    if (nextHour === undefined) {
      candidate = utc(year, month, day + 1);
      continue;
    }
    if (nextHour !== hour) {
      candidate = utc(year, month, day, nextHour);
      continue;
    }

    const nextMinute = nextAllowed(fields.minutes, minute);
    if (nextMinute === undefined) {
      candidate = utc(year, month, day, hour + 1);
      continue;
    }
    if (nextMinute !== minute) {
      candidate = utc(year, month, day, hour, nextMinute);
      continue;
    }

    const nextSecond = nextAllowed(fields.seconds, second);
    if (nextSecond === undefined) {
      candidate = utc(year, month, day, hour, minute + 1);
      continue;
    }
    return new Date(utc(year, month, day, hour, minute, nextSecond));
  }
}
