/**
 * Rules that hold once a version is live (specs/publish.md 1.12), checked on PUT against the production version:
 * a violation is `400 ImmutablePropertyChanged` (or `PublishedPlanRemoved`) naming the field. Implemented: F3 plan
 * removal, F4 pricing model, F5 billing terms and prices, F6 public → private, F7 free trial, F10 dimensions, F11
 * SaaS transact → listing only, F12 standard contract, F13 D365 license management. (F1/F2 are envelope rules; the
 * Azure app and VM specific F8, F9, F14, F15 are left to the publish pipeline issue.)
 */
import type { Violation } from '../../errors';
import type { Json, JsonObject, OfferDefinition, Plan } from '../model/offer';
import type { OfferTypeSpec } from '../model/offer-types';
import { MP } from '../model/fields/listing';
import { violation } from './violations';

const IMMUTABLE = 'ImmutablePropertyChanged';

function obj(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function list(value: Json | undefined): JsonObject[] {
  return Array.isArray(value) ? value.flatMap((v) => (obj(v) ? [obj(v) as JsonObject] : [])) : [];
}

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function pricingRules(spec: OfferTypeSpec, next: Plan, live: Plan, base: PropertyKey[], out: Violation[]): void {
  const key = spec.keys.pricing;
  // Stryker disable next-line ConditionalExpression: without a pricing key live[undefined] is no object and the next check returns
  if (!key) return;
  const now = obj(next[key]);
  const was = obj(live[key]);
  if (!was) return;
  const at = [...base, key];
  if (was['model'] !== undefined && now?.['model'] !== was['model']) {
    out.push(violation([...at, 'model'], IMMUTABLE, "is the plan's pricing model and can't change after publishing (F4)"));
  }
  const terms = obj(was['billingTerms']) ?? {};
  for (const [term, price] of Object.entries(terms)) {
    const current = obj(now?.['billingTerms'])?.[term];
    if (current === undefined)
      out.push(violation([...at, 'billingTerms', term], IMMUTABLE, "is a published billing term and can't be removed (F5)"));
    else if (!same(current, price))
      out.push(violation([...at, 'billingTerms', term], IMMUTABLE, "is a published price and can't change (F5)"));
  }
  const dims = new Map(list(now?.['dimensions']).map((d) => [String(d['id']).toLowerCase(), d]));
  const published = new Set<string>();
  list(was['dimensions']).forEach((d) => {
    const id = String(d['id']).toLowerCase();
    published.add(id);
    const current = dims.get(id);
    if (!current || !same(current, d)) {
      out.push(
        violation([...at, 'dimensions'], IMMUTABLE, `dimension "${String(d['id'])}" of a published plan can't change or be removed (F10)`),
      );
    }
  });
  // A dimension added after the plan was published is not enabled on it [L16007], [L16014].
  for (const [id, d] of dims) {
    if (!published.has(id) && d['enabled'] !== false) {
      out.push(
        violation(
          [...at, 'dimensions'],
          IMMUTABLE,
          `dimension "${String(d['id'])}" is new to a published plan and must have "enabled": false (F10)`,
        ),
      );
    }
  }
}

function planRules(spec: OfferTypeSpec, next: Plan, live: Plan, base: PropertyKey[], out: Violation[]): void {
  const ns = spec.namespace;
  if (spec.keys.visibility && live[spec.keys.visibility] === 'public' && next[spec.keys.visibility] === 'private') {
    out.push(violation([...base, spec.keys.visibility], IMMUTABLE, "can't change from public to private after publishing (F6)"));
  }
  const trial = `${ns}.freeTrial`;
  if (obj(live[trial])?.['enabled'] === true && obj(next[trial])?.['enabled'] !== true) {
    out.push(violation([...base, trial], IMMUTABLE, "a published free trial can't be turned off (F7)"));
  }
  pricingRules(spec, next, live, base, out);
}

export function publishedViolations(
  spec: OfferTypeSpec,
  next: OfferDefinition,
  live: OfferDefinition | undefined,
  frozenPlanIds: readonly string[],
): Violation[] {
  const out: Violation[] = [];
  const nextPlans = new Map(next.plans.map((p, i) => [p.planId, { plan: p, index: i }]));
  for (const planId of frozenPlanIds) {
    if (!nextPlans.has(planId)) {
      out.push(
        violation(
          ['definition', 'plans'],
          'PublishedPlanRemoved',
          `must keep plan "${planId}": it is in a frozen version (stop selling it with stopSell instead)`,
        ),
      );
    }
  }
  if (!live) return out;
  const ns = spec.namespace;
  for (const livePlan of live.plans) {
    const entry = nextPlans.get(livePlan.planId);
    if (entry) planRules(spec, entry.plan, livePlan, ['definition', 'plans', entry.index], out);
  }
  const dimsKey = spec.keys.meteredDimensions;
  // Stryker disable next-line ConditionalExpression: without a dimensions key both lists are empty
  if (dimsKey) {
    const dims = new Map(list(next.offer[dimsKey]).map((d) => [String(d['id']).toLowerCase(), d]));
    for (const d of list(live.offer[dimsKey])) {
      const current = dims.get(String(d['id']).toLowerCase());
      if (!current || !same(current, d)) {
        out.push(
          violation(
            ['definition', 'offer', dimsKey],
            IMMUTABLE,
            `published dimension "${String(d['id'])}" can't change or be removed (F10)`,
          ),
        );
      }
    }
  }
  const transact = `${ns}.sellThroughMicrosoft`;
  if (ns === 'microsoft-saas' && live.offer[transact] === true && next.offer[transact] !== true) {
    out.push(violation(['definition', 'offer', transact], IMMUTABLE, "a transactable offer can't become listing-only (F11)"));
  }
  const contract = `${MP}.useStandardContract`;
  if (live.offer[contract] === true && next.offer[contract] === false) {
    out.push(
      violation(
        ['definition', 'offer', contract],
        IMMUTABLE,
        "can't switch from the standard contract to your own terms after publishing (F12)",
      ),
    );
  }
  const listing = `${ns}.listingOption`;
  if (
    ns === 'microsoft-dynamics365-ce' &&
    (live.offer[listing] === 'appLicenseManagement') !== (next.offer[listing] === 'appLicenseManagement')
  ) {
    out.push(
      violation(
        ['definition', 'offer', listing],
        IMMUTABLE,
        "app license management is a one-time setting and can't change after publishing (F13)",
      ),
    );
  }
  return out;
}
