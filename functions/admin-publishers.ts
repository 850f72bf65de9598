/**
 * The publisher registry, for operators: `POST /api/admin/publishers/{publisherId}/apps` registers an Entra app
 * (tenant id, app id, optional client secret for the local issuer) to a publisher account; `GET` lists them.
 * A pair already registered to another publisher is refused with 409 (seed 004 ~15198, ~25115).
 */
import { app } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { hashSecret, type PublisherRegistry } from '../shared/auth/publishers';
import type { Clock } from '../shared/clock';
import { guidSchema } from '../shared/guid';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { ConflictError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, readJson } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export const publisherIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'must be 1-50 lowercase letters, digits, "-" or "_", starting with a letter or digit');

const paramsSchema = z.object({ publisherId: publisherIdSchema });
const guid = guidSchema().transform((v) => v.toLowerCase());
const bodySchema = z.strictObject({
  tenantId: guid,
  appId: guid,
  clientSecret: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
});

export interface PublishersDeps {
  registry: PublisherRegistry;
  clock: Clock;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

function view(a: { publisherId: string; tenantId: string; appId: string; registeredAt: string; source: string; secretHash?: string }) {
  return {
    publisherId: a.publisherId,
    tenantId: a.tenantId,
    appId: a.appId,
    registeredAt: a.registeredAt,
    source: a.source,
    hasSecret: Boolean(a.secretHash),
  };
}

export function makePublisherAppsHandlers(deps: PublishersDeps) {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  return {
    register: endpoint(options, async (request) => {
      const { publisherId } = parseParams(request, paramsSchema);
      const body = await readJson(request, bodySchema, deps.maxJsonBodyBytes);
      const result = await deps.registry.register({
        publisherId,
        tenantId: body.tenantId,
        appId: body.appId,
        ...(body.clientSecret ? { secretHash: hashSecret(body.clientSecret) } : {}),
        registeredAt: deps.clock.now().toISOString(),
        source: 'admin',
      });
      if (!result.created) {
        if (result.app.publisherId !== publisherId) {
          throw new ConflictError(
            `The app ${body.appId} of tenant ${body.tenantId} is already registered to another publisher account.`,
            'AppAlreadyRegistered',
          );
        }
        return ok(view(result.app));
      }
      return created(view(result.app));
    }),
    list: endpoint(options, async (request) => {
      const { publisherId } = parseParams(request, paramsSchema);
      return ok({ value: (await deps.registry.listByPublisher(publisherId)).map(view) });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makePublisherAppsHandlers({
    registry: s.publishers,
    clock: s.clock,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('admin-publisher-apps-register', {
  methods: ['POST'],
  route: 'api/admin/publishers/{publisherId}/apps',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().register),
});

app.http('admin-publisher-apps-list', {
  methods: ['GET'],
  route: 'api/admin/publishers/{publisherId}/apps',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});
