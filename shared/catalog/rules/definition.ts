/**
 * Structural validation of an offer definition on PUT (specs/publish.md 2.4): keys matched case-insensitively and
 * emitted in canonical casing, unknown keys refused, each value checked against its field's schema, plan ids and
 * names unique, at most 100 plans of which at most 45 private. Completeness and cross-field rules are not checked
 * here (drafts may be incomplete); they belong to freezing and publishing.
 */
import type { z } from 'zod';
import type { Violation } from '../../errors';
import { ID_PATTERN, ID_RULE } from '../model/ids';
import { KEY_ALIASES } from '../model/fields/listing';
import type { EnvelopeInput, Json, JsonObject, OfferDefinition, Plan } from '../model/offer';
import type { OfferTypeSpec } from '../model/offer-types';
import { violation, violationsOf } from './violations';

export const MAX_PLANS = 100;
export const MAX_PRIVATE_PLANS = 45;
/** Read-only plan keys the API emits; a client that PUTs a GET body back sends them, and they are ignored. */
const READ_ONLY_PLAN_KEYS = new Set(['serviceid', 'planstatus']);

const lookups = new WeakMap<Record<string, z.ZodType>, Map<string, string>>();

function lookupFor(fields: Record<string, z.ZodType>): Map<string, string> {
  let map = lookups.get(fields);
  // Stryker disable next-line ConditionalExpression: a cache; rebuilding the lookup gives the same map
  if (!map) {
    map = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
    lookups.set(fields, map);
  }
  return map;
}

function canonicalize(
  input: Record<string, Json>,
  fields: Record<string, z.ZodType>,
  passthroughNamespace: string | undefined,
  base: readonly PropertyKey[],
  violations: Violation[],
  // Stryker disable next-line ArrowFunction: undefined and false both mean "do not skip"
  skip: (lowerKey: string) => boolean = () => false,
): JsonObject {
  const lookup = lookupFor(fields);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    if (skip(lower)) continue;
    // null means "not set" for a draft field.
    if (value === null) continue;
    let canonical = KEY_ALIASES[lower] ?? lookup.get(lower);
    if (!canonical && passthroughNamespace && lower.startsWith(`${passthroughNamespace}.`)) canonical = key;
    if (!canonical) {
      violations.push(violation([...base, key], 'UnknownProperty', 'is not a known property of this offer type'));
      continue;
    }
    if (Object.hasOwn(out, canonical)) {
      violations.push(violation([...base, key], 'DuplicateProperty', `repeats ${canonical} with different casing`));
      continue;
    }
    const schema = fields[canonical];
    if (schema) {
      const result = schema.safeParse(value);
      if (!result.success) {
        violations.push(...violationsOf(result.error, [...base, key]));
        continue;
      }
    }
    out[canonical] = value;
  }
  return out;
}

function planName(plan: Plan, spec: OfferTypeSpec): string | undefined {
  const value = spec.keys.planName ? plan[spec.keys.planName] : undefined;
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
}

export function validateDefinition(
  spec: OfferTypeSpec,
  input: EnvelopeInput['definition'],
): { definition: OfferDefinition; violations: Violation[] } {
  const violations: Violation[] = [];
  const passthrough = spec.passthrough ? spec.namespace.toLowerCase() : undefined;
  const offer = canonicalize(input.offer ?? {}, spec.offerFields, passthrough, ['definition', 'offer'], violations);

  const rawPlans = input.plans ?? [];
  if (rawPlans.length > MAX_PLANS) {
    violations.push(violation(['definition', 'plans'], 'TooManyItems', `must have at most ${MAX_PLANS} plans`));
  }
  const plans: Plan[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  rawPlans.slice(0, MAX_PLANS).forEach((raw, index) => {
    const base = ['definition', 'plans', index];
    const idKey = Object.keys(raw).find((k) => k.toLowerCase() === 'planid');
    const planId = idKey === undefined ? undefined : raw[idKey];
    if (typeof planId !== 'string' || !ID_PATTERN.test(planId)) {
      violations.push(violation([...base, 'planId'], 'InvalidPlanId', planId === undefined ? `is required and ${ID_RULE}` : ID_RULE));
      return;
    }
    const fields = canonicalize(raw, spec.planFields, passthrough, base, violations, (k) => k === 'planid' || READ_ONLY_PLAN_KEYS.has(k));
    const plan: Plan = { planId, ...fields };
    if (ids.has(planId)) violations.push(violation([...base, 'planId'], 'DuplicatePlanId', 'must be unique within the offer'));
    ids.add(planId);
    const name = planName(plan, spec);
    if (name) {
      if (names.has(name))
        violations.push(violation([...base, spec.keys.planName as string], 'DuplicatePlanName', 'must be unique within the offer'));
      names.add(name);
    }
    plans.push(plan);
  });
  if (spec.keys.visibility) {
    const key = spec.keys.visibility;
    const privateCount = plans.filter((p) => p[key] === 'private').length;
    if (privateCount > MAX_PRIVATE_PLANS) {
      violations.push(violation(['definition', 'plans'], 'TooManyItems', `must have at most ${MAX_PRIVATE_PLANS} private plans`));
    }
  }
  return { definition: { displayText: input.displayText.trim(), offer, plans }, violations };
}
