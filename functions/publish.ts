/**
 * The publish pipeline's routes in the Cloud Partner Portal shape (specs/publish.md 2.5–2.9, 2.11.7, 2.11.8;
 * decision 0600): `POST …/offers/{offerId}/publish` (202 + Location of the operation), `GET …/status`,
 * `POST …/golive` (202 + Location), `POST …/stopDistribution` (202 + Location, 2.11.4), `POST …/cancel` (200 with the canceled operation), `GET …/operations` (also
 * `…/submissions`, A15) and `…/operations/{operationId}`, the publisher's notifications outbox, and the operator's
 * certification decision. Publisher tokens act in their own namespace; operators read any and decide certification.
 */
import { app, type HttpRequest } from '@azure/functions';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery } from '../shared/http/request';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Publishing } from '../shared/publish/composition';
import {
  cancelBody,
  decisionBody,
  emailsOf,
  notificationsQuery,
  offerParams,
  operationParams,
  operationsQuery,
  publishBody,
  publisherParams,
  readOptionalJson,
} from '../shared/publish/http/schemas';
import { notificationView, operationLocation, operationView, statusBody } from '../shared/publish/http/views';
import type { Caller } from '../shared/publish/service/access';

export interface PublishDeps {
  publish: () => Publishing;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

function callerOf(principal: Extract<Principal, { kind: 'publisher' | 'operator' }>): Caller {
  return principal.kind === 'publisher' ? { kind: 'publisher', publisherId: principal.publisherId } : { kind: 'operator', subject: principal.subject };
}

export function makePublishHandlers(deps: PublishDeps) {
  const options = { surface: surfaces.offers, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  const operator = { surface: surfaces.offers, allow: ['operator'] as const, authenticator: deps.authenticator };
  const body = <T>(request: HttpRequest, schema: Parameters<typeof readOptionalJson>[1]) =>
    readOptionalJson(request, schema, deps.maxJsonBodyBytes) as Promise<T>;
  type Metadata = { metadata?: { 'notification-emails'?: string; 'notes-for-certification'?: string } };

  return {
    publish: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const { metadata } = await body<Metadata>(request, publishBody);
      const notes = metadata?.['notes-for-certification'];
      const op = await deps.publish().submit.submit(callerOf(principal), publisherId, offerId, {
        ifMatch: request.headers.get('if-match'),
        emails: emailsOf(metadata?.['notification-emails']),
        ...(notes ? { notesForCertification: notes } : {}),
      });
      return accepted(operationView(op), { location: operationLocation(op) });
    }),

    status: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      return ok(statusBody(await deps.publish().queries.status(callerOf(principal), publisherId, offerId)));
    }),

    goLive: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const op = await deps.publish().goLive.goLive(callerOf(principal), publisherId, offerId);
      return accepted(operationView(op), { location: operationLocation(op) });
    }),

    cancel: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const { metadata } = await body<Metadata>(request, cancelBody);
      const op = await deps.publish().cancel.cancel(callerOf(principal), publisherId, offerId, emailsOf(metadata?.['notification-emails']));
      return ok(operationView(op), { location: operationLocation(op) });
    }),

    stopDistribution: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const op = await deps.publish().stopDistribution.stop(callerOf(principal), publisherId, offerId);
      return accepted(operationView(op), { location: operationLocation(op) });
    }),

    operations: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const { status } = parseQuery(request, operationsQuery);
      const ops = await deps.publish().queries.list(callerOf(principal), publisherId, offerId, status);
      return ok(ops.map(operationView));
    }),

    operation: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, operationId } = parseParams(request, operationParams);
      return ok(operationView(await deps.publish().queries.get(callerOf(principal), publisherId, offerId, operationId)));
    }),

    notifications: endpoint(options, async (request, { principal }) => {
      const { publisherId } = parseParams(request, publisherParams);
      const { offerId } = parseQuery(request, notificationsQuery);
      return ok((await deps.publish().queries.notifications(callerOf(principal), publisherId, offerId)).map(notificationView));
    }),

    certify: endpoint(operator, async (request, { principal }) => {
      const { publisherId, offerId, operationId } = parseParams(request, operationParams);
      const decision = await body<{ decision: 'approve' | 'reject'; messages: { messageHtml: string; level: 'information' | 'warning' | 'error' }[]; reviewNotes?: string }>(
        request,
        decisionBody,
      );
      const op = await deps.publish().certify.decide(callerOf(principal), publisherId, offerId, operationId, decision);
      return ok(operationView(op));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makePublishHandlers({ publish: s.publish, authenticator: () => s.authenticator, maxJsonBodyBytes: s.config.maxJsonBodyBytes });
});

const OFFER = 'api/publishers/{publisherId}/offers/{offerId}';
// Every route that starts, signs off or cancels a pipeline binds the durable client (functions/hooks.ts attaches it).
const durable = { extraInputs: [durableClientInput] };

app.http('publish-submit', { methods: ['POST'], route: `${OFFER}/publish`, authLevel: 'anonymous', ...durable, handler: lazyHandler(() => handlers().publish) });
app.http('publish-status', { methods: ['GET'], route: `${OFFER}/status`, authLevel: 'anonymous', handler: lazyHandler(() => handlers().status) });
app.http('publish-golive', { methods: ['POST'], route: `${OFFER}/golive`, authLevel: 'anonymous', ...durable, handler: lazyHandler(() => handlers().goLive) });
app.http('publish-cancel', { methods: ['POST'], route: `${OFFER}/cancel`, authLevel: 'anonymous', ...durable, handler: lazyHandler(() => handlers().cancel) });
app.http('publish-stop-distribution', {
  methods: ['POST'],
  route: `${OFFER}/stopDistribution`,
  authLevel: 'anonymous',
  ...durable,
  handler: lazyHandler(() => handlers().stopDistribution),
});
app.http('publish-operations', { methods: ['GET'], route: `${OFFER}/operations`, authLevel: 'anonymous', handler: lazyHandler(() => handlers().operations) });
app.http('publish-submissions', { methods: ['GET'], route: `${OFFER}/submissions`, authLevel: 'anonymous', handler: lazyHandler(() => handlers().operations) });
app.http('publish-operation', {
  methods: ['GET'],
  route: `${OFFER}/operations/{operationId}`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().operation),
});
app.http('publish-notifications', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/notifications',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().notifications),
});
app.http('publish-certification-decision', {
  methods: ['POST'],
  route: 'api/admin/publishers/{publisherId}/offers/{offerId}/operations/{operationId}/certification',
  authLevel: 'anonymous',
  ...durable,
  handler: lazyHandler(() => handlers().certify),
});
