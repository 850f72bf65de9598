/**
 * The metering edge: request bodies as the seed documents them (seed 004 ~7802–7811, ~7925–7975), checked with
 * zod. Property names match case-insensitively (the seed writes `resourceID`, L7921; A18), extra properties are
 * ignored, nothing is coerced. Every problem names the field in the seed's PascalCase target (`ResourceId`, …).
 * Only the documented statuses are used: a body that cannot be read is a 400 BadArgument, not a 415 or 413.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { ValidationError, type Violation } from '../../errors';
import { GUID_PATTERN, isGuid } from '../../guid';
import type { UsageEventEcho, UsageEventInput } from '../model';
import { parseEffectiveTime } from '../rules/time';

/** The documented maximum of a batch (seed 004 ~7903; E4 maxItems). */
export const MAX_BATCH_EVENTS = 25;

const FIELDS = ['resourceId', 'resourceUri', 'quantity', 'dimension', 'effectiveStartTime', 'planId'] as const;
type Field = (typeof FIELDS)[number];
const CANONICAL = new Map<string, Field>(FIELDS.map((f) => [f.toLowerCase(), f]));

/** "The <field> is required." is the seed's own wording (seed 004 ~7862). */
const requiredOr = (field: string, otherwise: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `The ${field} is required.` : otherwise;

const text = (field: Field, max: number) =>
  z
    .string({ error: requiredOr(field, `The ${field} must be a string.`) })
    .min(1, `The ${field} must not be empty.`)
    .max(max, `The ${field} must be at most ${max} characters.`);

const eventSchema = z.object({
  resourceId: z.string({ error: `The resourceId must be a GUID string.` }).regex(GUID_PATTERN, 'The resourceId must be a GUID.').optional(),
  resourceUri: z.string({ error: 'The resourceUri must be a string.' }).min(1, 'The resourceUri must not be empty.').max(1024).optional(),
  // Any JSON number, `1e400` (Infinity) included: its range is a rule, InvalidQuantity (service/ingest.ts), not a
  // malformed field (zod's number refuses Infinity).
  quantity: z.custom<number>((v) => typeof v === 'number', { error: requiredOr('quantity', 'The quantity must be a number.') }),
  dimension: text('dimension', 128),
  effectiveStartTime: z
    .string({ error: requiredOr('effectiveStartTime', 'The effectiveStartTime must be an ISO 8601 date-time string.') })
    .refine(
      (v) => parseEffectiveTime(v) !== undefined,
      'The effectiveStartTime must be an ISO 8601 date-time, for example 2024-03-10T11:15:00Z.',
    ),
  planId: text('planId', 256),
});

export type ParsedEvent = { ok: true; input: UsageEventInput } | { ok: false; violations: Violation[]; echo: UsageEventEcho };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps property names to their canonical case; a property given twice in different case is a BadArgument. */
function canonicalise(value: Record<string, unknown>): { fields: Partial<Record<Field, unknown>>; violations: Violation[] } {
  const fields: Partial<Record<Field, unknown>> = {};
  const violations: Violation[] = [];
  for (const [key, v] of Object.entries(value)) {
    const field = CANONICAL.get(key.toLowerCase());
    if (!field) continue;
    if (field in fields) violations.push({ path: `$.${field}`, message: `The ${field} is given more than once.`, code: 'BadArgument' });
    else fields[field] = v;
  }
  return { fields, violations };
}

/** The input fields that are well-formed enough to echo without breaking the contract's formats. */
function echoOf(fields: Partial<Record<Field, unknown>>): UsageEventEcho {
  const echo: UsageEventEcho = {};
  const { resourceId, resourceUri, quantity, dimension, effectiveStartTime, planId } = fields;
  if (typeof resourceId === 'string' && isGuid(resourceId)) echo.resourceId = resourceId;
  if (typeof resourceUri === 'string' && resourceUri !== '') echo.resourceUri = resourceUri;
  if (typeof quantity === 'number' && Number.isFinite(quantity)) echo.quantity = quantity;
  if (typeof dimension === 'string') echo.dimension = dimension;
  if (typeof effectiveStartTime === 'string') {
    const parsed = parseEffectiveTime(effectiveStartTime);
    if (parsed) echo.effectiveStartTime = parsed.echo;
  }
  if (typeof planId === 'string') echo.planId = planId;
  return echo;
}

/** Parses one usage event: every field problem at once ("One or more errors have occurred", T22). */
export function parseUsageEvent(value: unknown): ParsedEvent {
  if (!isObject(value)) {
    return { ok: false, violations: [{ path: '$', message: 'A usage event must be a JSON object.', code: 'BadArgument' }], echo: {} };
  }
  const { fields, violations } = canonicalise(value);
  const echo = echoOf(fields);
  const result = eventSchema.safeParse(fields);
  if (!result.success) {
    for (const issue of result.error.issues) {
      violations.push({ path: `$.${String(issue.path[0] ?? '')}`, message: issue.message, code: 'BadArgument' });
    }
  }
  if (fields.resourceId === undefined && fields.resourceUri === undefined) {
    violations.unshift({ path: '$.resourceId', message: 'The resourceId is required.', code: 'BadArgument' });
  } else if (fields.resourceId !== undefined && fields.resourceUri !== undefined) {
    violations.unshift({ path: '$.resourceId', message: 'Only use resourceUri or resourceId, but never both.', code: 'BadArgument' });
  }
  if (violations.length > 0 || !result.success) return { ok: false, violations, echo };
  const data = result.data;
  const time = parseEffectiveTime(data.effectiveStartTime);
  if (!time) throw new Error('unreachable: effectiveStartTime was validated');
  return {
    ok: true,
    input: {
      resource:
        data.resourceId !== undefined
          ? { kind: 'resourceId', resourceId: data.resourceId }
          : { kind: 'resourceUri', resourceUri: data.resourceUri as string },
      quantity: data.quantity,
      dimension: data.dimension,
      effectiveStartTime: time.echo,
      effectiveAt: time.at,
      planId: data.planId,
    },
  };
}

function isJsonContentType(value: string | null): boolean {
  const mediaType = value?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** Reads a JSON body; any problem is a 400 BadArgument naming `target` (the request as a whole). */
export async function readJsonBody(request: HttpRequest, maxBytes: number, target: string): Promise<unknown> {
  const bad = (message: string) => new ValidationError(message, [{ path: `$.${target}`, message, code: 'BadArgument' }]);
  if (!isJsonContentType(request.headers.get('content-type'))) throw bad('The Content-Type must be application/json.');
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw bad(`The request body is larger than ${maxBytes} bytes.`);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw bad(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The batch error for more than 25 events, with the real service's body (E3, specs/metering.md 1.2). */
export class BatchTooLargeError extends ValidationError {
  constructor() {
    super(
      'Batch events request payload count is more than 25. Please check you request body and retry with count less than 25.',
      [],
      'BadArgument',
      'batchUsageEventRequest',
    );
  }
}

/** `{ "request": [ … ] }` with 1 to 25 items (seed 004 ~7925; E4 minItems/maxItems); the items are parsed one by one. */
export function parseBatch(value: unknown): ParsedEvent[] {
  const shape = (message: string) =>
    new ValidationError(
      message,
      [{ path: '$.batchUsageEventRequest', message, code: 'BadArgument' }],
      'BadArgument',
      'batchUsageEventRequest',
    );
  if (!isObject(value)) throw shape('The request body must be a JSON object {"request": [ … ]}.');
  const keys = Object.keys(value).filter((k) => k.toLowerCase() === 'request');
  if (keys.length !== 1) throw shape(keys.length === 0 ? 'The request is required.' : 'The request is given more than once.');
  const items = value[keys[0] as string];
  if (!Array.isArray(items)) throw shape('The request must be an array of usage events.');
  if (items.length === 0) throw shape('The request must contain at least one usage event.');
  if (items.length > MAX_BATCH_EVENTS) throw new BatchTooLargeError();
  return items.map(parseUsageEvent);
}

/** The event of `POST /api/usageEvent`; every field problem at once is one 400 ("One or more errors have occurred", T22). */
export async function readUsageEvent(request: HttpRequest, maxBytes: number): Promise<UsageEventInput> {
  const parsed = parseUsageEvent(await readJsonBody(request, maxBytes, 'usageEventRequest'));
  if (!parsed.ok) throw new ValidationError('One or more errors have occurred.', parsed.violations);
  return parsed.input;
}

/** The items of `POST /api/batchUsageEvent`, each parsed or with its own problems; BatchTooLargeError over 25. */
export async function readBatch(request: HttpRequest, maxBytes: number): Promise<ParsedEvent[]> {
  return parseBatch(await readJsonBody(request, maxBytes, 'batchUsageEventRequest'));
}
