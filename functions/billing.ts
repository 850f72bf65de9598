/**
 * Billing statements for the publisher (a local API, not a Microsoft one; decision record 0304):
 * - `GET /api/billing/statements/{subscriptionId}?date=YYYY-MM-DD`: the statement of the billing period that
 *   contains the date (today on the project clock when omitted);
 * - `POST /api/billing/exports` `{"period": "YYYY-MM"}`: writes the statements of the periods starting in that
 *   month to Blob as CSV and JSON; `GET /api/billing/exports/{period}/{file}` reads them back;
 * - `GET /api/billing/usage-report?startDate=&endDate=&offerId=&meterId=&format=json|csv`: the metered-usage
 *   report of Partner Center's usage analytics, with its programmatic column names and anomaly columns (seed 004
 *   ~19281–19315; decision record 0306).
 * Publisher tokens only; problem+json errors (architecture.md, Surfaces).
 */
import { app } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { NotFoundError, ValidationError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery, readJson } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { EXPORT_FORMATS, type Billing } from '../shared/metering/service/billing';
import type { UsageReport } from '../shared/metering/service/usage-report';
import { usageReportCsv } from '../shared/metering/rules/usage-report';
import { DAY_MS, startOfDay } from '../shared/metering/rules/time';
import type { Clock } from '../shared/clock';

export interface BillingHttpDeps {
  billing: Billing;
  usageReport: UsageReport;
  clock: Clock;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

const guid = z.uuid({ message: 'must be a GUID' });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
const statementParams = z.object({ subscriptionId: guid });
const statementQuery = z.object({ date: z.iso.date({ message: 'must be a date, YYYY-MM-DD' }).optional() });
const exportBody = z.strictObject({ period: month });
const fileParams = z.object({ period: month, file: z.enum([EXPORT_FORMATS.csv.name, EXPORT_FORMATS.json.name]) });
const day = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
const reportQuery = z.object({
  startDate: day,
  endDate: day.optional(),
  offerId: z.string().min(1).optional(),
  meterId: z.string().min(1).optional(),
  format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
});
/** As the usage query's range (decision record 0303): a report reads one partition range per day. */
const MAX_REPORT_DAYS = 366;

export function makeBillingHandlers(deps: BillingHttpDeps) {
  const options = { surface: surfaces.storefront, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    statement: endpoint(options, async (request, { principal }) => {
      const { subscriptionId } = parseParams(request, statementParams);
      const { date } = parseQuery(request, statementQuery);
      const at = date ? new Date(`${date}T00:00:00Z`) : undefined;
      return ok(await deps.billing.statement(principal.publisherId, subscriptionId, at));
    }),
    exportMonth: endpoint(options, async (request, { principal }) => {
      const { period } = await readJson(request, exportBody, deps.maxJsonBodyBytes);
      return created(await deps.billing.exportMonth(principal.publisherId, period));
    }),
    readExport: endpoint(options, async (request, { principal }) => {
      const { period, file } = parseParams(request, fileParams);
      const format = file === EXPORT_FORMATS.csv.name ? 'csv' : 'json';
      const found = await deps.billing.readExport(principal.publisherId, period, format);
      if (!found) throw new NotFoundError(`No export of ${period} exists; POST /api/billing/exports first.`, 'ExportNotFound');
      return { status: 200, body: found.body, headers: { 'content-type': found.contentType } };
    }),
    usageReport: endpoint(options, async (request, { principal }) => {
      const q = parseQuery(request, reportQuery);
      const start = new Date(`${q.startDate}T00:00:00Z`);
      const end = q.endDate ? new Date(`${q.endDate}T00:00:00Z`) : startOfDay(deps.clock.now());
      if (end < start) throw rangeError('endDate', 'must not be before startDate');
      if (end.getTime() - start.getTime() >= MAX_REPORT_DAYS * DAY_MS)
        throw rangeError('endDate', `must be within ${MAX_REPORT_DAYS} days of startDate`);
      const rows = await deps.usageReport.rows(principal.publisherId, {
        start,
        end,
        ...(q.offerId ? { offerId: q.offerId } : {}),
        ...(q.meterId ? { meterId: q.meterId } : {}),
      });
      if (q.format === 'csv') return { status: 200, body: usageReportCsv(rows), headers: { 'content-type': 'text/csv; charset=utf-8' } };
      return ok({ value: rows });
    }),
  };
}

function rangeError(field: string, message: string): ValidationError {
  return new ValidationError(`The ${field} ${message}.`, [{ path: field, message }]);
}

const handlers = once(() => {
  const s = services();
  return makeBillingHandlers({
    billing: services().metering().billing,
    usageReport: services().metering().usageReport,
    clock: s.clock,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('billing-statement-get', {
  methods: ['GET'],
  route: 'api/billing/statements/{subscriptionId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().statement),
});

app.http('billing-export-create', {
  methods: ['POST'],
  route: 'api/billing/exports',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().exportMonth),
});

app.http('billing-export-get', {
  methods: ['GET'],
  route: 'api/billing/exports/{period}/{file}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().readExport),
});

app.http('billing-usage-report', {
  methods: ['GET'],
  route: 'api/billing/usage-report',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().usageReport),
});
