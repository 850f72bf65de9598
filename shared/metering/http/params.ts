/**
 * The query strings and paths of the metering routes, checked with zod: the usage query (specs/metering.md 1.3),
 * billing statements, exports and the usage report (decision records 0304, 0306), and the anomaly routes
 * (specs/metering.md 2.10). Dates become UTC instants here; the ranges they may span are rules (rules/ranges.ts).
 */
import { z } from 'zod';
import { guidSchema } from '../../guid';
import { parseEffectiveTime } from '../rules/time';
import { EXPORT_FORMATS } from '../service/billing';
import { RECON_STATUSES } from '../service/query';

const dateParam = (name: string) =>
  z.string().transform((v, ctx) => {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseEffectiveTime(`${v}T00:00:00Z`) : parseEffectiveTime(v);
    if (!parsed) {
      ctx.addIssue({
        code: 'custom',
        message: `The ${name} must be an ISO 8601 date or date-time, for example 2020-12-03 or 2020-12-03T15:00.`,
      });
      return z.NEVER;
    }
    return parsed.at;
  });

const reconStatus = z.string().transform((v, ctx) => {
  const match = RECON_STATUSES.find((s) => s.toLowerCase() === v.toLowerCase());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `The reconStatus must be one of ${RECON_STATUSES.join(', ')}.` });
    return z.NEVER;
  }
  return match;
});

/** `GET /api/usageEvents`; names match case-insensitively (the docs spell `UsageEndDate`, architecture.md Surfaces). */
export const usageQuery = z.object({
  usageStartDate: z.string({ error: 'The usageStartDate is required.' }).pipe(dateParam('usageStartDate')),
  UsageEndDate: dateParam('UsageEndDate').optional(),
  offerId: z.string().min(1).optional(),
  planId: z.string().min(1).optional(),
  dimension: z.string().min(1).optional(),
  azureSubscriptionId: guidSchema('The azureSubscriptionId must be a GUID.').optional(),
  reconStatus: reconStatus.optional(),
});

const guid = guidSchema();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
/** A `YYYY-MM-DD` date as midnight UTC. */
const day = z.iso.date({ message: 'must be a date, YYYY-MM-DD' }).transform((d) => new Date(`${d}T00:00:00Z`));
const format = z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json');

export const statementParams = z.object({ subscriptionId: guid });
export const statementQuery = z.object({ date: day.optional() });
export const exportBody = z.strictObject({ period: month });
/** The export file's name, read as its format. */
export const exportFileParams = z.object({
  period: month,
  file: z
    .enum([EXPORT_FORMATS.csv.name, EXPORT_FORMATS.json.name])
    .transform((file): keyof typeof EXPORT_FORMATS => (file === EXPORT_FORMATS.csv.name ? 'csv' : 'json')),
});
export const usageReportQuery = z.object({
  startDate: day,
  endDate: day.optional(),
  offerId: z.string().min(1).optional(),
  meterId: z.string().min(1).optional(),
  format,
});

export const anomalyParams = z.object({ anomalyId: guidSchema() });
export const anomalyListQuery = z.object({
  period: z
    .enum(['30', '60', '90'], { message: 'must be 30, 60 or 90 (days)' })
    .default('30')
    .transform((v) => Number(v) as 30 | 60 | 90),
  impact: z.enum(['gt100', 'all'], { message: 'must be gt100 or all' }).default('gt100'),
  offerId: z.string().min(1).optional(),
  meterId: z.string().min(1).optional(),
  state: z.enum(['unacknowledged', 'acted'], { message: 'must be unacknowledged or acted' }).optional(),
  format,
});
export const markAsAnomalyBody = z.strictObject({ newReportedUsage: z.number({ message: 'must be a number' }) });
export const markNotAnomalyBody = z.strictObject({
  reason: z.string().trim().min(1, 'must say why it is not an anomaly').max(1000),
});
