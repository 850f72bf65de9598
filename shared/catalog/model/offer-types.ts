/**
 * The offer types (specs/publish.md 1.1) and, per type, which definition keys exist and how they are checked.
 * SaaS, Azure Application, Dynamics 365 Customer Engagement and VM have full rule sets (spec 1.1 "implementation
 * priority"); the others get the common listing rules and accept any key in their own namespace as given, until
 * their rule sets are written.
 */
import type { z } from 'zod';
import { categoryTables, industryTables, type Table } from './categories';
import * as azureApp from './fields/azure-app';
import * as dynamics from './fields/dynamics';
import { listingFields } from './fields/listing';
import * as saas from './fields/saas';
import * as vm from './fields/vm';

export const OFFER_TYPE_IDS = [
  'microsoft-saas',
  'microsoft-azure-applications',
  'microsoft-azure-virtualmachines',
  'microsoft-dynamics365-ce',
  'microsoft-dynamics365-operations',
  'microsoft-dynamics365-businesscentral',
  'microsoft-azure-containers',
  'microsoft-azure-iotedge',
  'microsoft-azure-managedservices',
  'microsoft-powerbi-apps',
  'microsoft-consultingservices',
] as const;

export type OfferTypeId = (typeof OFFER_TYPE_IDS)[number];

export function isOfferTypeId(value: string): value is OfferTypeId {
  return (OFFER_TYPE_IDS as readonly string[]).includes(value);
}

export interface OfferTypeSpec {
  id: OfferTypeId;
  displayText: string;
  /** The type's own key namespace (`<namespace>.<field>`). */
  namespace: string;
  /** Canonical offer-level keys and their schemas. */
  offerFields: Record<string, z.ZodType>;
  /** Canonical plan-level keys (besides `planId`) and their schemas. */
  planFields: Record<string, z.ZodType>;
  /** Accept any key under `namespace` (offer and plan level) as given. */
  passthrough: boolean;
  /** Where the plan name, visibility, pricing and offer-level dimensions live for this type. */
  keys: { planName?: string; visibility?: string; pricing?: string; meteredDimensions?: string; stopSell: string };
}

function prefixed(namespace: string, fields: Record<string, z.ZodType>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${namespace}.${k}`, v]));
}

interface Definition {
  id: OfferTypeId;
  displayText: string;
  categories?: Table;
  industries?: Table;
  videosMax?: number;
  previewAudience: { types: readonly [string, ...string[]]; max: number };
  offer?: Record<string, z.ZodType>;
  plan?: Record<string, z.ZodType>;
  barePlan?: Record<string, z.ZodType>;
  passthrough?: boolean;
  planName?: string;
}

const emails = { types: ['MixedAadMsaId'] as const, max: 20 };
const subscriptions = { types: ['SubscriptionId'] as const, max: 100 };
const hideKeyOnly = { types: ['MixedAadMsaId'] as const, max: 0 };

const definitions: Definition[] = [
  {
    id: 'microsoft-saas',
    displayText: 'Software as a Service',
    categories: categoryTables.saas,
    industries: industryTables.saasDynamics,
    previewAudience: emails,
    offer: saas.offerFields,
    plan: saas.planFields,
  },
  {
    id: 'microsoft-azure-applications',
    displayText: 'Azure Application',
    categories: categoryTables.azureApp,
    previewAudience: subscriptions,
    offer: azureApp.offerFields,
    plan: azureApp.planFields,
  },
  {
    id: 'microsoft-azure-virtualmachines',
    displayText: 'Azure Virtual Machine',
    categories: categoryTables.vm,
    previewAudience: subscriptions,
    plan: vm.planFields,
    barePlan: vm.barePlanFields,
    planName: 'skuTitle',
  },
  {
    id: 'microsoft-dynamics365-ce',
    displayText: 'Dynamics 365 Customer Engagement & Power Apps',
    categories: categoryTables.dynamics,
    industries: industryTables.saasDynamics,
    previewAudience: hideKeyOnly,
    offer: dynamics.offerFields,
    plan: dynamics.planFields,
  },
  {
    id: 'microsoft-dynamics365-operations',
    displayText: 'Dynamics 365 for Operations',
    categories: categoryTables.dynamics,
    industries: industryTables.saasDynamics,
    videosMax: 5,
    previewAudience: hideKeyOnly,
    passthrough: true,
  },
  {
    id: 'microsoft-dynamics365-businesscentral',
    displayText: 'Dynamics 365 Business Central',
    categories: categoryTables.dynamics,
    industries: industryTables.saasDynamics,
    previewAudience: hideKeyOnly,
    passthrough: true,
  },
  {
    id: 'microsoft-azure-containers',
    displayText: 'Azure Container',
    categories: categoryTables.vm,
    previewAudience: subscriptions,
    passthrough: true,
  },
  {
    id: 'microsoft-azure-iotedge',
    displayText: 'IoT Edge module',
    categories: categoryTables.vm,
    previewAudience: subscriptions,
    passthrough: true,
  },
  { id: 'microsoft-azure-managedservices', displayText: 'Managed Service', previewAudience: subscriptions, passthrough: true },
  {
    id: 'microsoft-powerbi-apps',
    displayText: 'Power BI app',
    categories: categoryTables.powerBi,
    industries: industryTables.powerBi,
    previewAudience: hideKeyOnly,
    passthrough: true,
  },
  { id: 'microsoft-consultingservices', displayText: 'Consulting service', previewAudience: hideKeyOnly, passthrough: true },
];

function build(d: Definition): OfferTypeSpec {
  const ns = d.id;
  const planFields = { ...prefixed(ns, d.plan ?? {}), ...(d.barePlan ?? {}) };
  const has = (key: string) => (Object.hasOwn(planFields, key) ? key : undefined);
  const offerFields = {
    ...listingFields({
      ...(d.categories ? { categories: d.categories } : {}),
      ...(d.industries ? { industries: d.industries } : {}),
      videosMax: d.videosMax ?? 4,
      previewAudience: d.previewAudience,
    }),
    ...prefixed(ns, d.offer ?? {}),
  };
  const meteredDimensions = `${ns}.meteredDimensions`;
  const pricing = has(`${ns}.pricing`);
  const planName = has(`${ns}.${d.planName ?? 'planName'}`);
  const visibility = has(`${ns}.visibility`);
  return {
    id: d.id,
    displayText: d.displayText,
    namespace: ns,
    offerFields,
    planFields,
    passthrough: d.passthrough ?? false,
    keys: {
      ...(planName ? { planName } : {}),
      ...(visibility ? { visibility } : {}),
      ...(pricing ? { pricing } : {}),
      ...(Object.hasOwn(offerFields, meteredDimensions) ? { meteredDimensions } : {}),
      stopSell: `${ns}.stopSell`,
    },
  };
}

export const offerTypes: Readonly<Record<OfferTypeId, OfferTypeSpec>> = Object.fromEntries(
  definitions.map((d) => [d.id, build(d)]),
) as Record<OfferTypeId, OfferTypeSpec>;
