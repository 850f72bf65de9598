/**
 * The customer side (architecture.md, Storefront and admin routes; the spec's `/_sim` A3 routes): purchase, a fresh
 * purchase token, customer-initiated plan/quantity changes and cancellation, and auto-renew. Customer tokens only;
 * a customer reaches only subscriptions its tenant bought or benefits from (others are 404). problem+json errors.
 */
import { app, type HttpHandler } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { ForbiddenError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { readJson } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { operationView, subscriptionView } from '../shared/saas/rules';
import type { SaasService } from '../shared/saas/service';

export interface StorefrontDeps {
  saas: () => SaasService;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

const guid = z.uuid({ message: 'must be a GUID' });
const identitySchema = z.strictObject({
  emailId: z.email({ message: 'must be an email address' }),
  objectId: guid,
  tenantId: guid,
  pid: z.string().max(100).optional(),
});

const purchaseSchema = z.strictObject({
  publisherId: z.string().min(1).max(100),
  offerId: z.string().min(1).max(100),
  planId: z.string().min(1).max(50),
  quantity: z.union([z.number(), z.string(), z.null()]).optional(),
  termUnit: z.enum(['P1M', 'P1Y']),
  beneficiary: identitySchema.optional(),
  purchaser: identitySchema.optional(),
  autoRenew: z.boolean().optional(),
  csp: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
});

const changePlanSchema = z.strictObject({ planId: z.string().min(1).max(50) });
const changeQuantitySchema = z.strictObject({ quantity: z.number().int({ message: 'must be a whole number' }).min(0) });
const autoRenewSchema = z.strictObject({ autoRenew: z.boolean() });

type Customer = Extract<Principal, { kind: 'customer' }>;

function callerIdentity(p: Customer) {
  return { emailId: p.email ?? `${p.userId}@${p.tenantId}.invalid`, objectId: p.userId, tenantId: p.tenantId, pid: p.userId };
}

const sid = (request: { params: Record<string, string> }) => request.params['id'] ?? '';

export function makeStorefrontHandlers(
  deps: StorefrontDeps,
): Record<'purchase' | 'token' | 'changePlan' | 'changeQuantity' | 'cancel' | 'autoRenew', HttpHandler> {
  const options = { surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator };
  const owned = (p: Customer, id: string) => deps.saas().customerSubscription(p.tenantId, id);
  return {
    purchase: endpoint(options, async (request, { principal }) => {
      const body = await readJson(request, purchaseSchema, deps.maxJsonBodyBytes);
      const caller = callerIdentity(principal);
      if (body.purchaser && body.purchaser.tenantId.toLowerCase() !== principal.tenantId.toLowerCase()) {
        throw new ForbiddenError('The purchaser must be in the caller’s tenant.');
      }
      const norm = (i: z.output<typeof identitySchema>) => ({ ...i, pid: i.pid ?? '' });
      const result = await deps.saas().purchase({
        publisherId: body.publisherId,
        offerId: body.offerId,
        planId: body.planId,
        quantity: body.quantity,
        termUnit: body.termUnit,
        purchaser: body.purchaser ? norm(body.purchaser) : caller,
        ...(body.beneficiary ? { beneficiary: norm(body.beneficiary) } : {}),
        ...(body.autoRenew !== undefined ? { autoRenew: body.autoRenew } : {}),
        ...(body.csp !== undefined ? { csp: body.csp } : {}),
        ...(body.name ? { name: body.name } : {}),
        // The signed-in buyer, never the body: only a preview-audience member's own purchase is a test [DEC-A34].
        ...(principal.email ? { callerEmail: principal.email } : {}),
      });
      return created(
        { subscriptionId: result.subscription.id, purchaseToken: result.token, landingPageUrl: result.landingPageUrl },
        { location: `/api/storefront/subscriptions/${result.subscription.id}` },
      );
    }),
    token: endpoint(options, async (request, { principal }) => {
      const sub = await owned(principal, sid(request));
      const token = await deps.saas().mintToken(sub);
      return ok({ subscriptionId: sub.id, purchaseToken: token, landingPageUrl: await deps.saas().landingPageUrl(sub, token) });
    }),
    changePlan: endpoint(options, async (request, { principal }) => {
      const body = await readJson(request, changePlanSchema, deps.maxJsonBodyBytes);
      const sub = await owned(principal, sid(request));
      return ok(operationView(await deps.saas().change(sub.publisherId, sub.id, { planId: body.planId }, 'Marketplace')));
    }),
    changeQuantity: endpoint(options, async (request, { principal }) => {
      const body = await readJson(request, changeQuantitySchema, deps.maxJsonBodyBytes);
      const sub = await owned(principal, sid(request));
      return ok(operationView(await deps.saas().change(sub.publisherId, sub.id, { quantity: body.quantity }, 'Marketplace')));
    }),
    cancel: endpoint(options, async (request, { principal }) => {
      const sub = await owned(principal, sid(request));
      return ok(operationView(await deps.saas().cancel(sub.publisherId, sub.id, 'Marketplace')));
    }),
    autoRenew: endpoint(options, async (request, { principal }) => {
      const body = await readJson(request, autoRenewSchema, deps.maxJsonBodyBytes);
      return ok(subscriptionView(await deps.saas().setAutoRenew(principal.tenantId, sid(request), body.autoRenew)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeStorefrontHandlers({
    saas: () => s.saas().service,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

// Unconstrained id: a non-GUID id gets the same problem+json 404 as an unknown one (the service checks the format).
const SUB = 'api/storefront/subscriptions/{id}';

app.http('storefront-purchase', {
  methods: ['POST'],
  route: 'api/storefront/purchases',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().purchase),
});

app.http('storefront-token', {
  methods: ['POST'],
  route: `${SUB}/token`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().token),
});

app.http('storefront-change-plan', {
  methods: ['POST'],
  route: `${SUB}/changePlan`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().changePlan),
});

app.http('storefront-change-quantity', {
  methods: ['POST'],
  route: `${SUB}/changeQuantity`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().changeQuantity),
});

app.http('storefront-cancel', {
  methods: ['POST'],
  route: `${SUB}/cancel`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().cancel),
});

app.http('storefront-auto-renew', {
  methods: ['PATCH'],
  route: SUB,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().autoRenew),
});
