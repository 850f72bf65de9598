/**
 * Request schemas of the analytics surface. Bodies are matched on their key names case-insensitively: the seed
 * writes `Name`, `QueryId`, `RecurrenceInterval` and its samples' clients send camelCase; both are accepted. Times
 * are the seed's `yyyy-MM-ddTHH:mm:ssZ` (fractions and offsets accepted and normalised to UTC seconds). Values
 * of the wrong type are 400s naming the field; the rules of a report (interval, start time) are the use case's.
 */
import { z } from 'zod';
import { EXECUTION_STATUSES, type ExecutionStatus } from '../model';

/** The object with its keys renamed to the schema's spelling when they match case-insensitively. */
function canonicalKeys(names: readonly string[]) {
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  return (value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [byLower.get(k.toLowerCase()) ?? k, v]));
  };
}

function body<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(canonicalKeys(Object.keys(shape)), z.object(shape));
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const instant = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be a UTC time written yyyy-MM-ddTHH:mm:ssZ',
  })
  .transform((v) => new Date(v));
const format = z
  .string()
  .trim()
  .transform((v) => v.toLowerCase().replace(/^\./, ''))
  .pipe(z.enum(['csv', 'tsv'], { message: 'must be CSV or TSV' }));
const callbackUrl = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http(s) URL' });
const whole = z.number({ message: 'must be a number' }).int('must be a whole number');

export const createQueryBody = body({
  Name: text(256),
  Description: z.string().max(1024).optional(),
  Query: text(8192),
});

export const createReportBody = body({
  ReportName: text(256),
  Description: z.string().max(1024).optional(),
  QueryId: text(64),
  StartTime: instant.optional(),
  RecurrenceInterval: whole.optional(),
  RecurrenceCount: whole.nullable().optional(),
  Format: format.optional(),
  CallbackUrl: callbackUrl.nullable().optional(),
  ExecuteNow: z.boolean({ message: 'must be true or false' }).optional(),
  QueryStartTime: instant.optional(),
  QueryEndTime: instant.optional(),
});

/** A body's PascalCase fields as the use cases name them (camelCase); fields not sent stay absent. */
export type CamelFields<T> = { [K in keyof T as Uncapitalize<K & string>]: Exclude<T[K], undefined> };
export function camelFields<T extends object>(body: T): CamelFields<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (value !== undefined) out[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  return out as CamelFields<T>;
}

export const updateReportBody = body({
  ReportName: text(256).optional(),
  Description: z.string().max(1024).optional(),
  StartTime: instant.optional(),
  RecurrenceInterval: whole.optional(),
  RecurrenceCount: whole.nullable().optional(),
  Format: format.optional(),
  CallbackUrl: callbackUrl.nullable().optional(),
});

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false'], { message: 'must be true or false' }))
  .transform((v) => v === 'true');

export const datasetQuery = z.object({ datasetName: z.string().trim().min(1).optional() });

export const listQueriesQuery = z.object({
  queryId: z.string().trim().min(1).optional(),
  queryName: z.string().trim().min(1).optional(),
  includeSystemQueries: flag.optional(),
  includeOnlySystemQueries: flag.optional(),
});

export const tryQueryQuery = z.object({
  exportQuery: z.string().min(1).max(8192).optional(),
  queryId: z.string().trim().min(1).optional(),
});

export const listReportsQuery = z.object({
  reportId: z.string().trim().min(1).optional(),
  reportName: z.string().trim().min(1).optional(),
  queryId: z.string().trim().min(1).optional(),
});

const idList = z
  .string()
  .transform((v) =>
    v
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1, 'must name at least one id'));

export const executionsQuery = z.object({
  executionId: idList.optional(),
  executionStatus: z
    .string()
    .transform((v) =>
      v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().transform((s, ctx) => {
          const found = EXECUTION_STATUSES.find((x) => x.toLowerCase() === s.toLowerCase());
          if (!found) ctx.addIssue({ code: 'custom', message: `must be ${EXECUTION_STATUSES.join(', ')} (several separated by ;)` });
          return found as ExecutionStatus;
        }),
      ),
    )
    .optional(),
  getLatestExecution: flag.optional(),
});

export const reportParams = z.object({ reportId: idList });
export const queryParams = z.object({ queryId: z.string().trim().min(1) });
export const downloadQuery = z.object({ token: z.string().min(1).max(4096) });
