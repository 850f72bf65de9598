/**
 * Metering response bodies, field for field as the seed shows them (seed 004 ~7830–7842, ~7882–7897,
 * ~7987–8028) and typed as the contract (meteringapi.v1.json) requires.
 */
import type { HttpResponseInit } from '@azure/functions';
import { ForbiddenError, ValidationError } from '../../errors';
import { ok } from '../../http/responses';
import type { AcceptedEvent, EventField, UsageEventEcho, UsageEventInput } from '../model';
import { NOT_ACCEPTED_MESSAGE_TIME } from '../rules/time';
import type { Outcome } from '../service/ingest';
import type { ParsedEvent } from './request';

export const DUPLICATE_MESSAGE = 'This usage event already exist.';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function eventBody(event: AcceptedEvent, status: 'Accepted' | 'Duplicate') {
  return {
    usageEventId: event.usageEventId,
    status,
    messageTime: event.messageTime,
    ...(event.resourceId !== undefined ? { resourceId: event.resourceId } : {}),
    ...(event.resourceUri !== undefined ? { resourceUri: event.resourceUri } : {}),
    quantity: event.quantity,
    dimension: event.dimension,
    effectiveStartTime: event.effectiveStartTime,
    planId: event.planId,
  };
}

/** 200 body of an accepted event ("this is the only value in case of single usage event", seed 004 ~7833). */
export function acceptedBody(event: AcceptedEvent) {
  return eventBody(event, 'Accepted');
}

/** The 409 body and the batch Duplicate item's `error`: the ORIGINAL accepted event (seed 004 ~7882–7897). */
export function duplicateBody(original: AcceptedEvent) {
  return { additionalInfo: { acceptedMessage: eventBody(original, 'Duplicate') }, message: DUPLICATE_MESSAGE, code: 'Conflict' };
}

export function conflict(original: AcceptedEvent): HttpResponseInit {
  return { status: 409, jsonBody: duplicateBody(original), headers: JSON_HEADERS };
}

/** The real service's body for a batch of more than 25 events (E3). */
export function batchTooLarge(message: string): HttpResponseInit {
  return { status: 400, jsonBody: { message, target: 'batchUsageEventRequest', code: 'BadArgument' }, headers: JSON_HEADERS };
}

function echoOf(echo: UsageEventEcho) {
  return {
    ...(echo.resourceId !== undefined ? { resourceId: echo.resourceId } : {}),
    ...(echo.resourceUri !== undefined ? { resourceUri: echo.resourceUri } : {}),
    // JSON has no Infinity: a quantity sent as 1e400 is left out rather than echoed as null (decision 0311).
    ...(echo.quantity !== undefined && Number.isFinite(echo.quantity) ? { quantity: echo.quantity } : {}),
    ...(echo.dimension !== undefined ? { dimension: echo.dimension } : {}),
    ...(echo.effectiveStartTime !== undefined ? { effectiveStartTime: echo.effectiveStartTime } : {}),
    ...(echo.planId !== undefined ? { planId: echo.planId } : {}),
  };
}

/**
 * One item of the batch response. Items that were not accepted carry no usageEventId, the MinValue
 * messageTime, an `error` and the echo of their own input (specs/metering.md 1.2, A13).
 */
export function batchItem(outcome: Outcome | { status: 'BadArgument'; message: string }, echo: UsageEventEcho) {
  if (outcome.status === 'Accepted') return acceptedBody(outcome.event);
  const error = outcome.status === 'Duplicate' ? duplicateBody(outcome.accepted) : { message: outcome.message, code: outcome.status };
  return { status: outcome.status, messageTime: NOT_ACCEPTED_MESSAGE_TIME, error, ...echoOf(echo) };
}

const camel = (field: EventField) => `${field.charAt(0).toLowerCase()}${field.slice(1)}`;

/** A single event's outcome as the documented status codes: 200, 400 (reason in details), 403, 409. */
export function singleResponse(outcome: Outcome): HttpResponseInit {
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

/** The batch answer: one item per request item, in order; `outcomes` are those of the items that parsed, in order. */
export function batchResponse(items: readonly ParsedEvent[], outcomes: readonly Outcome[]): HttpResponseInit {
  let next = 0;
  const result = items.map((item) => {
    if (!item.ok) {
      return batchItem({ status: 'BadArgument', message: item.violations.map((v) => v.message).join(' ') }, item.echo);
    }
    return batchItem(outcomes[next++] as Outcome, echoOfInput(item.input));
  });
  return ok({ count: result.length, result });
}

/** A CSV download (the usage report, the anomaly list). */
export function csv(body: string): HttpResponseInit {
  return { status: 200, body, headers: { 'content-type': 'text/csv; charset=utf-8' } };
}
