/**
 * The marketplace metering API (specs/metering.md 1.1–1.3; seed 004 ~7760–8069):
 * `POST /api/usageEvent`, `POST /api/batchUsageEvent`, `GET /api/usageEvents`, api-version 2018-08-31, a
 * publisher token (403 otherwise, never 401), the seed's error bodies.
 */
import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import type { Clock } from '../shared/clock';
import { endpoint } from '../shared/http/endpoint';
import { ForbiddenError, ValidationError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseQuery } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { EventField, UsageEventEcho, UsageEventInput } from '../shared/metering/model';
import { BatchTooLargeError, parseBatch, parseUsageEvent, readJsonBody } from '../shared/metering/http/request';
import { acceptedBody, batchItem, batchTooLarge, conflict } from '../shared/metering/http/views';
import { DAY_MS, parseEffectiveTime } from '../shared/metering/rules/time';
import type { Outcome, UsageIngestion } from '../shared/metering/service/ingest';
import { RECON_STATUSES, type UsageQueries } from '../shared/metering/service/query';
import { services } from '../shared/composition';

export interface UsageEventsDeps {
  ingestion: UsageIngestion;
  queries: UsageQueries;
  clock: Clock;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

const camel = (field: EventField) => `${field.charAt(0).toLowerCase()}${field.slice(1)}`;

/** A single event's outcome as the documented status codes: 200, 400 (reason in details), 403, 409. */
function singleResponse(outcome: Outcome): HttpResponseInit {
  switch (outcome.status) {
    case 'Accepted':
      return ok(acceptedBody(outcome.event));
    case 'Duplicate':
      return conflict(outcome.accepted);
    case 'ResourceNotAuthorized':
      // "the request is attempting to access a subscription for an offer that was published with a different
      // Azure AD App ID from the one used to create the authorization token" (seed 004 ~7872).
      throw new ForbiddenError(outcome.message);
    case 'Error':
      throw new Error(outcome.message);
    default:
      throw new ValidationError('One or more errors have occurred.', [
        { path: `$.${camel(outcome.target)}`, message: outcome.message, code: outcome.status },
      ]);
  }
}

function echoOfInput(input: UsageEventInput): UsageEventEcho {
  return {
    ...(input.resource.kind === 'resourceId' ? { resourceId: input.resource.resourceId } : { resourceUri: input.resource.resourceUri }),
    quantity: input.quantity,
    dimension: input.dimension,
    effectiveStartTime: input.effectiveStartTime,
    planId: input.planId,
  };
}

function isMeteringBadRequest(body: unknown): body is { target: string } {
  return typeof body === 'object' && body !== null && (body as { target?: unknown }).target === 'usageEventRequest';
}

/** The batch endpoint's 400s name `batchUsageEventRequest` (E3), including the api-version errors of the edge. */
function batchTarget(handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    const response = await handler(request, context);
    if ('status' in response && response.status === 400 && 'jsonBody' in response && isMeteringBadRequest(response.jsonBody)) {
      return { ...response, jsonBody: { ...response.jsonBody, target: 'batchUsageEventRequest' } };
    }
    return response;
  };
}

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

/** Query names match case-insensitively (the docs spell `UsageEndDate`, architecture.md Surfaces). */
const querySchema = z.object({
  usageStartDate: z.string({ error: 'The usageStartDate is required.' }).pipe(dateParam('usageStartDate')),
  UsageEndDate: dateParam('UsageEndDate').optional(),
  offerId: z.string().min(1).optional(),
  planId: z.string().min(1).optional(),
  dimension: z.string().min(1).optional(),
  azureSubscriptionId: z.uuid({ message: 'The azureSubscriptionId must be a GUID.' }).optional(),
  reconStatus: reconStatus.optional(),
});

/** The widest date range one query may read (one table partition per day). */
const MAX_QUERY_DAYS = 366;

export function makeUsageEventHandlers(deps: UsageEventsDeps) {
  const options = { surface: surfaces.metering, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    single: endpoint(options, async (request, { principal }) => {
      const parsed = parseUsageEvent(await readJsonBody(request, deps.maxJsonBodyBytes, 'usageEventRequest'));
      if (!parsed.ok) throw new ValidationError('One or more errors have occurred.', parsed.violations);
      return singleResponse(await deps.ingestion.submit(principal.publisherId, parsed.input));
    }),

    batch: batchTarget(
      endpoint(options, async (request, { principal }) => {
        const body = await readJsonBody(request, deps.maxJsonBodyBytes, 'batchUsageEventRequest');
        let items;
        try {
          items = parseBatch(body);
        } catch (error) {
          if (error instanceof BatchTooLargeError) return batchTooLarge(error.message);
          throw error;
        }
        const valid = items.flatMap((item) => (item.ok ? [item.input] : []));
        const outcomes = await deps.ingestion.submitBatch(principal.publisherId, valid);
        let next = 0;
        const result = items.map((item) => {
          if (!item.ok) {
            return batchItem({ status: 'BadArgument', message: item.violations.map((v) => v.message).join(' ') }, item.echo);
          }
          return batchItem(outcomes[next++] as Outcome, echoOfInput(item.input));
        });
        return ok({ count: result.length, result });
      }),
    ),

    query: endpoint(options, async (request, { principal }) => {
      const q = parseQuery(request, querySchema);
      const end = q.UsageEndDate ?? deps.clock.now();
      const problem = (path: string, message: string) =>
        new ValidationError('One or more errors have occurred.', [{ path, message, code: 'BadArgument' }]);
      if (end.getTime() < q.usageStartDate.getTime())
        throw problem('UsageEndDate', 'The UsageEndDate must not be before the usageStartDate.');
      if (end.getTime() - q.usageStartDate.getTime() > MAX_QUERY_DAYS * DAY_MS) {
        throw problem('UsageEndDate', `The date range must not exceed ${MAX_QUERY_DAYS} days.`);
      }
      const rows = await deps.queries.list(principal.publisherId, {
        start: q.usageStartDate,
        end,
        ...(q.offerId !== undefined ? { offerId: q.offerId } : {}),
        ...(q.planId !== undefined ? { planId: q.planId } : {}),
        ...(q.dimension !== undefined ? { dimension: q.dimension } : {}),
        ...(q.azureSubscriptionId !== undefined ? { azureSubscriptionId: q.azureSubscriptionId } : {}),
        ...(q.reconStatus !== undefined ? { reconStatus: q.reconStatus } : {}),
      });
      return ok(rows);
    }),
  };
}

const handlers = once(() => {
  const s = services();
  const m = services().metering();
  return makeUsageEventHandlers({
    ingestion: m.ingestion,
    queries: m.queries,
    clock: s.clock,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('usage-event', {
  methods: ['POST'],
  route: 'api/usageEvent',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().single),
});

app.http('batch-usage-event', {
  methods: ['POST'],
  route: 'api/batchUsageEvent',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().batch),
});

app.http('usage-events-list', {
  methods: ['GET'],
  route: 'api/usageEvents',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().query),
});
