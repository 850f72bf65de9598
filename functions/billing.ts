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
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery, readJson } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { exportBody, exportFileParams, statementParams, statementQuery, usageReportQuery } from '../shared/metering/http/params';
import { csv } from '../shared/metering/http/views';
import { usageReportCsv } from '../shared/metering/rules/usage-report';
import type { Billing } from '../shared/metering/service/billing';
import type { UsageReport } from '../shared/metering/service/usage-report';

export interface BillingHttpDeps {
  billing: Billing;
  usageReport: UsageReport;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

export function makeBillingHandlers(deps: BillingHttpDeps) {
  const options = { surface: surfaces.storefront, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    statement: endpoint(options, async (request, { principal }) => {
      const { subscriptionId } = parseParams(request, statementParams);
      const { date } = parseQuery(request, statementQuery);
      return ok(await deps.billing.statement(principal.publisherId, subscriptionId, date));
    }),
    exportMonth: endpoint(options, async (request, { principal }) => {
      const { period } = await readJson(request, exportBody, deps.maxJsonBodyBytes);
      return created(await deps.billing.exportMonth(principal.publisherId, period));
    }),
    readExport: endpoint(options, async (request, { principal }) => {
      const { period, file } = parseParams(request, exportFileParams);
      const found = await deps.billing.readExport(principal.publisherId, period, file);
      return { status: 200, body: found.body, headers: { 'content-type': found.contentType } };
    }),
    usageReport: endpoint(options, async (request, { principal }) => {
      const { startDate, endDate, format, ...filter } = parseQuery(request, usageReportQuery);
      const rows = await deps.usageReport.rows(principal.publisherId, { start: startDate, end: endDate, ...filter });
      return format === 'csv' ? csv(usageReportCsv(rows)) : ok({ value: rows });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeBillingHandlers({
    billing: services().metering().billing,
    usageReport: services().metering().usageReport,
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
