/**
 * Bulk and group license assignment (specs/saas-licensing.md B1.4, B1.8; decision 0804): the routes and the durable
 * workflow `licensing-bulk` (one instance per batch and generation) whose activity `licensing-bulk-chunk` settles
 * one chunk of users. The registered names are persisted in users' task hubs: they never change.
 * - `POST /api/licensing/tenants/{tenantId}/pools/{serviceId}/assignments` `{userIds? | groupId, subset?}` → 202
 * - `POST /api/licensing/tenants/{tenantId}/pools/{serviceId}/unassignments` `{userIds}` → 202
 * - `GET /api/licensing/batches/{batchId}` · `POST /api/licensing/batches/{batchId}/retry` → 202
 * - `PUT /api/licensing/tenants/{tenantId}/groups/{groupId}` `{members}`
 * - `PUT /api/admin/licensing/tenants/{tenantId}/users/{userId}/approval-fault` `{fail}` (operator)
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableOrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, readJson } from '../shared/http/request';
import { accepted, created, noContent, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Licensing } from '../shared/licensing/composition';
import {
  batchParams,
  bulkBody,
  callerOf,
  faultBody,
  faultParams,
  groupBody,
  groupParams,
  poolParams,
  unassignBody,
} from '../shared/licensing/http/requests';
import { batchView } from '../shared/licensing/http/views';
import type { BulkRef } from '../shared/licensing/ports';
import { LICENSING_BULK_ACTIVITY, LICENSING_BULK_ORCHESTRATION } from '../shared/licensing/service/bulk-starter';

const MAX_BODY = 2 * 1024 * 1024;

export interface LicensingBulkDeps {
  licensing: () => Licensing;
  authenticator: () => Authenticator;
}

/** Hands the host's durable client (bound to this invocation) to the bulk starter. */
function attach(deps: LicensingBulkDeps, invocation: InvocationContext): void {
  if (invocation.options.extraInputs.some((input) => input.type === durableClientInput.type)) {
    deps.licensing().bulk.starter.attach(df.getClient(invocation));
  }
}

export function makeLicensingBulkHandlers(deps: LicensingBulkDeps) {
  const options = { surface: surfaces.public, allow: ['customer', 'publisher', 'operator'] as const, authenticator: deps.authenticator };
  return {
    assign: endpoint(options, async (request, { principal, invocation }) => {
      attach(deps, invocation);
      const { tenantId, serviceId } = parseParams(request, poolParams);
      const body = await readJson(request, bulkBody, MAX_BODY);
      const caller = callerOf(principal);
      const batch = await deps.licensing().bulk.enqueue.assign(caller, tenantId, serviceId, body);
      return accepted(batchView(await deps.licensing().bulk.status.get(caller, batch.batchId)));
    }),
    unassign: endpoint(options, async (request, { principal, invocation }) => {
      attach(deps, invocation);
      const { tenantId, serviceId } = parseParams(request, poolParams);
      const body = await readJson(request, unassignBody, MAX_BODY);
      const caller = callerOf(principal);
      const batch = await deps.licensing().bulk.enqueue.unassign(caller, tenantId, serviceId, body);
      return accepted(batchView(await deps.licensing().bulk.status.get(caller, batch.batchId)));
    }),
    get: endpoint(options, async (request, { principal }) => {
      const { batchId } = parseParams(request, batchParams);
      return ok(batchView(await deps.licensing().bulk.status.get(callerOf(principal), batchId)));
    }),
    retry: endpoint(options, async (request, { principal, invocation }) => {
      attach(deps, invocation);
      const { batchId } = parseParams(request, batchParams);
      return accepted(batchView(await deps.licensing().bulk.status.retry(callerOf(principal), batchId)));
    }),
    group: endpoint(options, async (request, { principal }) => {
      const { tenantId, groupId } = parseParams(request, groupParams);
      const body = await readJson(request, groupBody, MAX_BODY);
      const result = await deps.licensing().groups.put(callerOf(principal), tenantId, groupId, body.members);
      return result.created ? created(result.group) : ok(result.group);
    }),
    fault: endpoint(options, async (request, { principal }) => {
      const { tenantId, userId } = parseParams(request, faultParams);
      const body = await readJson(request, faultBody, 1024);
      await deps.licensing().approvals.set(callerOf(principal), tenantId, userId, body.fail);
      return noContent();
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeLicensingBulkHandlers({ licensing: () => s.licensing(), authenticator: () => s.authenticator });
});

/** The chunk activity as the orchestrator calls it. */
export type ChunkActivity = (input: { tenantId: string; batchId: string; chunk: number }) => Task;

type Df = Pick<DurableOrchestrationContext, 'getInput'>;

/** Settles every chunk of the batch in order; returns how many users it settled. */
export function licensingBulkOrchestrator(chunk: ChunkActivity) {
  return function* licensingBulk(context: { df: Df }): Generator<Task, number, unknown> {
    const ref = context.df.getInput<BulkRef>();
    let settled = 0;
    for (let i = 0; i < ref.chunks; i += 1) {
      const result = (yield chunk({ tenantId: ref.tenantId, batchId: ref.batchId, chunk: i })) as { settled: number };
      settled += result.settled;
    }
    return settled;
  };
}

const chunkSchema = z.object({ tenantId: z.string().min(1), batchId: z.string().min(1), chunk: z.number().int().min(0) });
/** A throw (storage down, the pool kept changing) is retried 4 times, 1 s then doubling, before the execution fails. */
const CHUNK_RETRIES: RetryOptions = Object.assign(new df.RetryOptions(1_000, 5), { backoffCoefficient: 2 });

const chunkActivity = df.app.activity(LICENSING_BULK_ACTIVITY, {
  handler: (input: unknown) => services().licensing().bulk.process.chunk(chunkSchema.parse(input)),
});

df.app.orchestration(
  LICENSING_BULK_ORCHESTRATION,
  licensingBulkOrchestrator((input) => chunkActivity(input).withRetry(CHUNK_RETRIES)),
);

app.http('licensing-bulk-assign', {
  methods: ['POST'],
  route: 'api/licensing/tenants/{tenantId}/pools/{serviceId}/assignments',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().assign),
});

app.http('licensing-bulk-unassign', {
  methods: ['POST'],
  route: 'api/licensing/tenants/{tenantId}/pools/{serviceId}/unassignments',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().unassign),
});

app.http('licensing-batch-get', {
  methods: ['GET'],
  route: 'api/licensing/batches/{batchId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('licensing-batch-retry', {
  methods: ['POST'],
  route: 'api/licensing/batches/{batchId}/retry',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().retry),
});

app.http('licensing-group-put', {
  methods: ['PUT'],
  route: 'api/licensing/tenants/{tenantId}/groups/{groupId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().group),
});

app.http('licensing-approval-fault', {
  methods: ['PUT'],
  route: 'api/admin/licensing/tenants/{tenantId}/users/{userId}/approval-fault',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().fault),
});
