/**
 * A customer's test drives (specs/testdrive.md 2.3–2.4, 3.3; decisions 0700–0705), customer tokens only,
 * problem+json errors:
 * - `POST /api/storefront/testdrives`: 201 with the new drive (Location), Active at once when a hot instance was
 *   free; 200 with the customer's existing drive of the offer (a retried request); 409 `TestDriveCapacityExhausted`
 *   (with `Retry-After: 60`) or `TestDriveNotAvailable`; 404 for an unknown offer.
 * - `GET /api/storefront/testdrives/{id}`: the drive, with the sign-in and outputs while Active; another
 *   customer's drive is 404.
 * - `POST /api/storefront/testdrives/{id}/end`: ends it now (its instance is deleted).
 * Credentials are never logged: nothing here logs a drive's view.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { ConflictError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { created, ok } from '../shared/http/responses';
import { errorResponse, surfaces } from '../shared/http/surfaces';
import type { TestDrive } from '../shared/testdrive/composition';
import { readDriveRequest } from '../shared/testdrive/http/requests';
import { customerDriveView, drivePath } from '../shared/testdrive/http/views';
import type { Customer, Drive } from '../shared/testdrive/model';

/** `Retry-After` of a 409 TestDriveCapacityExhausted: one cleanup interval, when ended drives free their capacity. */
export const CAPACITY_RETRY_AFTER_SECONDS = 60;

export interface TestDriveHandlerDeps {
  testdrive: () => TestDrive;
  authenticator: () => Authenticator;
}

export function makeTestDriveHandlers(deps: TestDriveHandlerDeps): Record<'request' | 'get' | 'end', HttpHandler> {
  const options = { surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator };
  const view = async (drive: Drive) => {
    const td = deps.testdrive();
    const instance = drive.state === 'Active' ? (await td.store.getInstance(drive, drive.instanceId))?.value : undefined;
    const config = await td.offers.configAt(drive.publisherId, drive.offerId, drive.version);
    return customerDriveView(drive, instance, { description: config?.description ?? '', accessInformation: config?.accessInformation ?? '' });
  };
  const customerOf = (principal: { tenantId: string; userId: string }): Customer => ({ tenantId: principal.tenantId, objectId: principal.userId });
  const id = (request: { params: Record<string, string> }) => request.params['id'] ?? '';
  return {
    request: endpoint(options, async (request, { principal }) => {
      const input = await readDriveRequest(request);
      let result;
      try {
        result = await deps.testdrive().requests.request(customerOf(principal), input);
      } catch (error) {
        // No capacity: the problem body as always, with when to ask again (decision 0708).
        if (!(error instanceof ConflictError) || error.code !== 'TestDriveCapacityExhausted') throw error;
        const response = errorResponse(surfaces.storefront, error);
        return { ...response, headers: { ...(response.headers as Record<string, string> | undefined), 'Retry-After': String(CAPACITY_RETRY_AFTER_SECONDS) } };
      }
      const { drive, created: isNew } = result;
      const body = await view(drive);
      return isNew ? created(body, { location: drivePath(drive.driveId) }) : ok(body, { location: drivePath(drive.driveId) });
    }),
    get: endpoint(options, async (request, { principal }) => ok(await view((await deps.testdrive().sessions.read(customerOf(principal), id(request))).value))),
    end: endpoint(options, async (request, { principal }) => ok(await view(await deps.testdrive().sessions.end(customerOf(principal), id(request))))),
  };
}

const handlers = once(() => {
  const s = services();
  return makeTestDriveHandlers({ testdrive: () => s.testdrive(), authenticator: () => s.authenticator });
});

app.http('testdrive-request', {
  methods: ['POST'],
  route: 'api/storefront/testdrives',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().request),
});

app.http('testdrive-get', {
  methods: ['GET'],
  route: 'api/storefront/testdrives/{id}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('testdrive-end', {
  methods: ['POST'],
  route: 'api/storefront/testdrives/{id}/end',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().end),
});
