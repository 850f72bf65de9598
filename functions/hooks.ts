/**
 * Cross-cutting behaviour for every invocation: request and correlation ids on every HTTP response (echoed, or
 * generated when absent), a last-resort opaque 500, start-up work (settings check, test clock restore), and the
 * host's durable client handed to the capabilities that start workflows.
 */
import { randomUUID } from 'node:crypto';
import { app, HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { durableClientInput, services } from '../shared/composition';
import { problem } from '../shared/http/surfaces';

const REQUEST_ID = 'x-ms-requestid';
const CORRELATION_ID = 'x-ms-correlationid';

app.hook.appStart(async () => {
  const { config, clock, clockStore } = services(); // fails fast, naming the bad setting
  if (config.testClock) {
    const saved = await clockStore.load();
    if (saved) clock.restore(saved);
  }
});

app.hook.preInvocation((context) => {
  const request = context.inputs[0];
  if (!(request instanceof HttpRequest)) return;
  context.hookData['requestId'] = request.headers.get(REQUEST_ID) || randomUUID();
  context.hookData['correlationId'] = request.headers.get(CORRELATION_ID) || randomUUID();
});

app.hook.postInvocation((context) => {
  const requestId = context.hookData['requestId'];
  if (typeof requestId !== 'string') return;
  if (context.error) {
    context.invocationContext.error(`Unhandled error (request ${requestId}):`, context.error);
    context.error = null;
    context.result = problem(500, 'An internal error occurred. Retry the request; if it persists, contact the operator.');
  }
  const ids: [string, string][] = [
    [REQUEST_ID, requestId],
    [CORRELATION_ID, String(context.hookData['correlationId'])],
  ];
  if (context.result instanceof HttpResponse) {
    for (const [name, value] of ids) context.result.headers.set(name, value);
    return;
  }
  const init = (context.result ?? { status: 204 }) as HttpResponseInit;
  const headers = new Headers(init.headers);
  for (const [name, value] of ids) headers.set(name, value);
  context.result = { ...init, headers };
});

/**
 * Every function that commits work a workflow carries on (an owed webhook: the ISV's PATCH/DELETE, the storefront's
 * changes and cancel, the operator's suspend/reinstate/renew, the due-work sweeper) binds `durableClientInput`. The
 * hook hands the host's client to the webhook starter before the handler runs, so the commit's hand-over starts the
 * orchestration at once on any instance; the `saas-due-work` sweeper remains the safety net for a crash between the
 * commit and the start (decision 0411).
 */
app.hook.preInvocation((context) => {
  const invocation = context.invocationContext;
  if (!invocation.options.extraInputs.some((input) => input.type === durableClientInput.type)) return;
  const client = df.getClient(invocation);
  services().saas().starter.attach(client);
  // Lead captures and replays hand their delivery to its orchestration the same way (decision 0520).
  services().leads().delivery?.starter.attach(client);
  // A test drive's orchestration (its expiry timer) is started after the drive is committed (decision 0700).
  services().testdrive().starter.attach(client);
  // Publish submissions, go-lives, cancels and certification decisions drive the publish pipeline (decision 0600).
  services().publish().durable.attach(client);
});
