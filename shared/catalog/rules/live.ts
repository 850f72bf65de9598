/**
 * Frozen versions as other capabilities need them (ports.ts), and the checks a draft must pass before it can be
 * frozen and sold. Those checks are the subset of the publish validation (specs/publish.md 3.3, 4.F) that decides
 * whether a plan can be bought and billed; the full publish validation belongs to the publish pipeline.
 */
import type { Violation } from '../../errors';
import { MP } from '../model/fields/listing';
import { serviceIdOf } from '../model/ids';
import type { Json, JsonObject, OfferDefinition, OfferDocument, Plan, VersionRecord } from '../model/offer';
import type { OfferTypeSpec } from '../model/offer-types';
import type { LiveDimension, LiveOffer, LivePlan, LivePricing } from '../ports';
import { violation } from './violations';

function obj(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}
function list(value: Json | undefined): JsonObject[] {
  return Array.isArray(value) ? value.flatMap((v) => (obj(v) ? [obj(v) as JsonObject] : [])) : [];
}
const AZURE_APPS = 'microsoft-azure-applications';
const str = (value: Json | undefined) => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: Json | undefined) => (typeof value === 'number' ? value : undefined);
const quantity = (value: Json | undefined) => (value === 'unlimited' ? 'unlimited' : num(value));

function offerDimensions(spec: OfferTypeSpec, definition: OfferDefinition) {
  const key = spec.keys.meteredDimensions;
  return key ? list(definition.offer[key]) : [];
}

function pricingOf(spec: OfferTypeSpec, plan: Plan, offerDims: JsonObject[]): LivePricing | undefined {
  const raw = spec.keys.pricing ? obj(plan[spec.keys.pricing]) : undefined;
  if (!raw) return undefined;
  const byId = new Map(offerDims.map((d) => [String(d['id']).toLowerCase(), d]));
  const dimensions: LiveDimension[] = list(raw['dimensions']).map((d) => {
    const def = byId.get(String(d['id']).toLowerCase());
    const pricePerUnitUSD = num(d['pricePerUnitUSD']);
    const includedQuantityMonthly = quantity(d['includedQuantityMonthly']);
    const includedQuantityAnnual = quantity(d['includedQuantityAnnual']);
    const displayName = str(def?.['displayName']);
    const unitOfMeasure = str(def?.['unitOfMeasure']);
    return {
      id: String(d['id']),
      enabled: d['enabled'] !== false,
      ...(displayName ? { displayName } : {}),
      ...(unitOfMeasure ? { unitOfMeasure } : {}),
      ...(pricePerUnitUSD !== undefined ? { pricePerUnitUSD } : {}),
      ...(includedQuantityMonthly !== undefined ? { includedQuantityMonthly } : {}),
      ...(includedQuantityAnnual !== undefined ? { includedQuantityAnnual } : {}),
    };
  });
  if (spec.id === 'microsoft-azure-applications') {
    const monthly = num(raw['monthlyPriceUSD']);
    return { model: 'flatRate', billingTerms: monthly !== undefined ? { monthly: { priceUSD: monthly } } : {}, dimensions };
  }
  const terms = obj(raw['billingTerms']) ?? {};
  const billingTerms: LivePricing['billingTerms'] = {};
  for (const term of ['monthly', 'annual'] as const) {
    const price = num(obj(terms[term])?.['priceUSD']);
    if (price !== undefined) billingTerms[term] = { priceUSD: price };
  }
  const minUsers = num(raw['minUsers']);
  const maxUsers = num(raw['maxUsers']);
  return {
    model: raw['model'] === 'perUser' ? 'perUser' : 'flatRate',
    billingTerms,
    ...(minUsers !== undefined ? { minUsers } : {}),
    ...(maxUsers !== undefined ? { maxUsers } : {}),
    dimensions,
  };
}

function licenseManaged(spec: OfferTypeSpec, definition: OfferDefinition): boolean {
  return spec.id === 'microsoft-dynamics365-ce' && definition.offer[`${spec.namespace}.listingOption`] === 'appLicenseManagement';
}

export function livePlan(spec: OfferTypeSpec, publisherId: string, offerId: string, definition: OfferDefinition, plan: Plan): LivePlan {
  const ns = spec.namespace;
  const stopSell = plan[spec.keys.stopSell] === true;
  const name = spec.keys.planName ? str(plan[spec.keys.planName]) : undefined;
  const description = str(plan[`${ns}.planDescription`]) ?? str(plan[`${ns}.skuDescription`]);
  const pricing = pricingOf(spec, plan, offerDimensions(spec, definition));
  const vmTrial = num(obj(plan['virtualMachinePricing'])?.['freeTrialDurationInMonths']) ?? 0;
  return {
    planId: plan.planId,
    ...(name ? { name } : {}),
    ...(description ? { description } : {}),
    visibility: spec.keys.visibility && plan[spec.keys.visibility] === 'private' ? 'private' : 'public',
    privateAudience: list(plan[`${ns}.privateAudience`]).map((a) => String(a['id']).toLowerCase()),
    stopSell,
    purchasable: !stopSell,
    freeTrial: obj(plan[`${ns}.freeTrial`])?.['enabled'] === true || vmTrial > 0,
    ...(pricing ? { pricing } : {}),
    ...(licenseManaged(spec, definition) ? { serviceId: serviceIdOf(publisherId, offerId, plan.planId) } : {}),
    markets: Array.isArray(plan[`${ns}.markets`]) ? (plan[`${ns}.markets`] as Json[]).map(String) : [],
    ...(spec.id === AZURE_APPS
      ? { planType: plan[`${ns}.planType`] === 'managedApplication' ? 'managedApplication' : 'solutionTemplate' }
      : {}),
  };
}

export function liveOffer(
  spec: OfferTypeSpec,
  document: OfferDocument,
  version: VersionRecord,
  internalId: string,
  live: boolean,
): LiveOffer {
  const { definition, publisherId, offerId } = document;
  const ns = spec.namespace;
  const saasField = (field: string) => str(definition.offer[`${ns}.${field}`]);
  const title = str(definition.offer[`${MP}.title`]);
  return {
    publisherId,
    offerId,
    offerTypeId: document.offerTypeId,
    internalId,
    version: version.version,
    frozenTime: version.frozenTime,
    live,
    alias: definition.displayText,
    ...(title ? { title } : {}),
    ...(spec.id === 'microsoft-saas'
      ? {
          saas: {
            sellThroughMicrosoft: definition.offer[`${ns}.sellThroughMicrosoft`] === true,
            ...Object.fromEntries(
              ['landingPageUrl', 'connectionWebhook', 'aadTenantId', 'aadAppId'].flatMap((f) => (saasField(f) ? [[f, saasField(f)]] : [])),
            ),
          },
        }
      : {}),
    ...(spec.id === 'microsoft-dynamics365-ce'
      ? {
          licenseManagement: {
            enabled: licenseManaged(spec, definition),
            allowInstallWithoutLicense: definition.offer[`${ns}.allowInstallWithoutLicense`] === true,
          },
        }
      : {}),
    meteredDimensions: offerDimensions(spec, definition).map((d) => ({
      id: String(d['id']),
      ...(str(d['displayName']) ? { displayName: String(d['displayName']) } : {}),
      ...(str(d['unitOfMeasure']) ? { unitOfMeasure: String(d['unitOfMeasure']) } : {}),
    })),
    plans: definition.plans.map((p) => livePlan(spec, publisherId, offerId, definition, p)),
    definition,
  };
}

/** Whether a customer of `tenantId` may buy the plan: not stop-sold, and public or in its private audience. */
export function canBuy(plan: LivePlan, tenantId: string): boolean {
  return plan.purchasable && (plan.visibility === 'public' || plan.privateAudience.includes(tenantId.toLowerCase()));
}

/**
 * What must hold before a draft is frozen and sold (`422 ValidationFailed` details, codes as in spec 4.F):
 * plans priced with at least one billing term and one pricing model, metered dimensions defined at offer level and
 * not combined with a free trial, private plans with an audience, and a transactable SaaS offer's technical
 * configuration complete.
 */
export function freezeViolations(spec: OfferTypeSpec, definition: OfferDefinition): Violation[] {
  const out: Violation[] = [];
  const ns = spec.namespace;
  const transactable = spec.id === 'microsoft-saas' && definition.offer[`${ns}.sellThroughMicrosoft`] === true;
  if ((transactable || licenseManaged(spec, definition) || spec.id === 'microsoft-azure-applications') && definition.plans.length === 0) {
    out.push(violation(['definition', 'plans'], 'PlanRequired', 'must have at least one plan'));
  }
  if (transactable) {
    for (const field of ['landingPageUrl', 'connectionWebhook', 'aadTenantId', 'aadAppId']) {
      if (!str(definition.offer[`${ns}.${field}`])) {
        out.push(
          violation(
            ['definition', 'offer', `${ns}.${field}`],
            'RequiredFieldMissing',
            'is required for a transactable SaaS offer [L16466]',
          ),
        );
      }
    }
    const landing = str(definition.offer[`${ns}.landingPageUrl`]);
    if (landing?.includes('#'))
      out.push(violation(['definition', 'offer', `${ns}.landingPageUrl`], 'LandingPageHasFragment', 'must not contain "#" [L16474]'));
  }
  const dimIds = new Set(offerDimensions(spec, definition).map((d) => String(d['id']).toLowerCase()));
  const models = new Set<string>();
  definition.plans.forEach((plan, index) => {
    const base = ['definition', 'plans', index];
    const pricingKey = spec.keys.pricing;
    const raw = pricingKey ? obj(plan[pricingKey]) : undefined;
    if (pricingKey && (transactable || spec.id === 'microsoft-azure-applications') && !raw) {
      out.push(violation([...base, pricingKey], 'RequiredFieldMissing', 'a plan that is sold needs pricing'));
    }
    if (raw && pricingKey) {
      if (spec.id === 'microsoft-saas') {
        models.add(String(raw['model']));
        const terms = obj(raw['billingTerms']) ?? {};
        if (!Object.values(terms).some((t) => obj(t)?.['priceUSD'] !== undefined)) {
          out.push(
            violation(
              [...base, pricingKey, 'billingTerms'],
              'BillingTermRequired',
              'must have at least one billing term (monthly or annual)',
            ),
          );
        }
      }
      const dims = list(raw['dimensions']);
      dims.forEach((d, i) => {
        if (!dimIds.has(String(d['id']).toLowerCase())) {
          out.push(
            violation(
              [...base, pricingKey, 'dimensions', i, 'id'],
              'UnknownDimension',
              'must be defined in the offer-level meteredDimensions',
            ),
          );
        }
      });
      // "Metered billing is implemented only with managed application plans" (seed 004 ~7657, spec 2.1).
      if (spec.id === AZURE_APPS && plan[`${ns}.planType`] !== 'managedApplication' && dims.length > 0) {
        out.push(
          violation(
            [...base, pricingKey, 'dimensions'],
            'DimensionsRequireManagedApplication',
            'metered dimensions apply to managed application plans only ("planType": "managedApplication") [L7657]',
          ),
        );
      }
      if (obj(plan[`${ns}.freeTrial`])?.['enabled'] === true && dims.some((d) => d['enabled'] !== false)) {
        out.push(
          violation(
            [...base, `${ns}.freeTrial`],
            'FreeTrialWithMetering',
            'a free trial is not allowed on a plan with metered dimensions [L16045]',
          ),
        );
      }
    }
    if (spec.keys.visibility && plan[spec.keys.visibility] === 'private' && list(plan[`${ns}.privateAudience`]).length === 0) {
      out.push(
        violation([...base, `${ns}.privateAudience`], 'PrivateAudienceRequired', 'a private plan needs at least one audience id [L16606]'),
      );
    }
  });
  if (models.size > 1)
    out.push(violation(['definition', 'plans'], 'PricingModelMismatch', 'all plans of an offer must use the same pricing model [L2507]'));
  return out;
}
