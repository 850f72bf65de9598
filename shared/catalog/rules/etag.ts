/**
 * Draft ETags (specs/publish.md 2.0, [L22818]–[L22843]). The format follows the seed, `W/"datetime'<URL-encoded
 * ISO timestamp with 7 fractional digits>'"` [L23261]; clients treat it as opaque. It changes on every draft change
 * and never repeats for an offer: the timestamp is the later of now (with random sub-millisecond ticks) and one tick
 * after the previous ETag, so a moved test clock or two writes in one millisecond cannot bring an old ETag back.
 */
import { randomInt } from 'node:crypto';

const TICKS_PER_MS = 10_000;

/** A point in time in 100 ns ticks, kept as milliseconds + sub-millisecond ticks (ticks exceed 2^53). */
interface Ticks {
  ms: number;
  sub: number;
}

function ticksOf(etag: string): Ticks | undefined {
  const match = /datetime'([^']+)'/.exec(etag);
  if (!match?.[1]) return undefined;
  // Stryker disable next-line Regex: the leading .* makes the match start at 0 with or without ^
  const parsed = /^(.*\.\d{3})(\d{4})Z$/.exec(decodeURIComponent(match[1]));
  if (!parsed?.[1] || !parsed[2]) return undefined;
  const ms = Date.parse(`${parsed[1]}Z`);
  return Number.isNaN(ms) ? undefined : { ms, sub: Number(parsed[2]) };
}

/** ISO 8601 with 7 fractional digits, e.g. 2017-06-07T06:15:40.4771399Z [L23087]. */
export function formatTicks(ticks: Ticks): string {
  // Stryker disable next-line Regex: toISOString has one Z, at its end, so /Z/ and /Z$/ agree
  return new Date(ticks.ms).toISOString().replace(/Z$/, `${String(ticks.sub).padStart(4, '0')}Z`);
}

export function timestamp(now: Date): string {
  return formatTicks({ ms: now.getTime(), sub: 0 });
}

/** A new draft ETag and the change time it encodes. */
export function nextETag(now: Date, previous?: string): { etag: string; changedTime: string } {
  let ticks: Ticks = { ms: now.getTime(), sub: randomInt(TICKS_PER_MS) };
  const floor = previous ? ticksOf(previous) : undefined;
  if (floor && (ticks.ms < floor.ms || (ticks.ms === floor.ms && ticks.sub <= floor.sub))) {
    ticks = floor.sub + 1 < TICKS_PER_MS ? { ms: floor.ms, sub: floor.sub + 1 } : { ms: floor.ms + 1, sub: 0 };
  }
  const changedTime = formatTicks(ticks);
  return { etag: `W/"datetime'${encodeURIComponent(changedTime)}'"`, changedTime };
}

export type IfMatch = { kind: 'absent' } | { kind: 'any' } | { kind: 'list'; etags: string[] };

/** `If-Match`: absent, `*` (last one wins [L22839]) or a comma-separated list of ETags (any may match, INF). */
export function parseIfMatch(header: string | null | undefined): IfMatch {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'absent' };
  // Stryker disable next-line MethodExpression: an empty entry never equals an ETag, so keeping it changes no answer
  const etags = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (etags.includes('*')) return { kind: 'any' };
  return { kind: 'list', etags };
}

/** Weak comparison: `W/"x"` and `"x"` name the same draft. */
function opaque(etag: string): string {
  // Stryker disable next-line Regex: our ETags hold W/ only as their prefix, so a header that differs by an inner W/ never matches either way
  return etag.replace(/^W\//i, '');
}

export function ifMatchAllows(ifMatch: IfMatch, current: string): boolean {
  if (ifMatch.kind !== 'list') return true;
  return ifMatch.etags.some((e) => opaque(e) === opaque(current));
}
