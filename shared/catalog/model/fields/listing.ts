/**
 * Offer-level fields every offer type shares, under the `microsoft-azure-marketplace.` namespace (seed keys
 * [L22980]–[L23041]; limits from specs/publish.md 1.4–1.8). Drafts may be incomplete (Partner Center "Save draft"),
 * so nothing here is required: only types, formats, lengths and counts are checked on PUT.
 */
import { z } from 'zod';
import type { Table } from '../categories';
import {
  anyJson,
  artifactUri,
  email,
  guid,
  html,
  httpsUrl,
  jsonObject,
  name,
  optionalHttpsUrl,
  optionalHttpUrl,
  phone,
  singleLine,
  text,
  unique,
  videoUrl,
} from './common';

export const MP = 'microsoft-azure-marketplace';
export const TESTDRIVE = 'microsoft-azure-marketplace-testdrive';

/** Lead destinations (spec 1.4; leads.md 3.0.1). */
export const LEAD_DESTINATIONS = ['None', 'AzureTable', 'AzureBlob', 'Dynamics', 'HttpsEndpoint', 'Marketo', 'Salesforce'] as const;

/** The per-destination configuration objects [L23026]–[L23031]; their fields are validated by the leads capability. */
export const LEAD_CONFIGURATION_KEYS = [
  `${MP}.tableLeadConfiguration`,
  `${MP}.blobLeadConfiguration`,
  `${MP}.salesForceLeadConfiguration`,
  `${MP}.crmLeadConfiguration`,
  `${MP}.httpsEndpointLeadConfiguration`,
  `${MP}.marketoLeadConfiguration`,
] as const;

/** [L23031] misspells the Marketo key; both spellings are accepted and the canonical one is emitted (spec A23). */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  [`${MP}.marketLeadConfiguration`.toLowerCase()]: `${MP}.marketoLeadConfiguration`,
};

function mapSchema(kind: 'category' | 'industry', table: Table | undefined, max: number) {
  const l1 = `${kind}L1`;
  return z
    .array(jsonObject)
    .max(max)
    .superRefine((items, ctx) => {
      items.forEach((item, index) => {
        const top = item[l1];
        if (typeof top !== 'string') {
          ctx.addIssue({ code: 'custom', path: [index, l1], message: 'is required and must be a string', params: { code: 'InvalidType' } });
          return;
        }
        if (table && !Object.hasOwn(table, top)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, l1],
            message: `must be a ${kind} key of this offer type's store table`,
            params: { code: 'InvalidEnumValue' },
          });
        }
        const subKey = `${kind}L2-${top}`;
        for (const [key, value] of Object.entries(item)) {
          if (key === l1) continue;
          if (key !== subKey) {
            ctx.addIssue({
              code: 'custom',
              path: [index, key],
              message: `is not a known property; expected "${subKey}"`,
              params: { code: 'UnknownProperty' },
            });
            continue;
          }
          if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
            ctx.addIssue({ code: 'custom', path: [index, key], message: 'must be an array of strings', params: { code: 'InvalidType' } });
            continue;
          }
          if (value.length > 2) {
            ctx.addIssue({ code: 'custom', path: [index, key], message: `must have at most 2 items`, params: { code: 'TooManyItems' } });
          }
          const allowed = table?.[top];
          value.forEach((sub, i) => {
            if (allowed && !allowed.includes(sub as string)) {
              ctx.addIssue({
                code: 'custom',
                path: [index, key, i],
                message: `must be a subcategory key of "${top}" in the store table`,
                params: { code: 'InvalidEnumValue' },
              });
            }
          });
        }
      });
    });
}

export interface ListingOptions {
  categories?: Table;
  industries?: Table;
  videosMax: number;
  /** Preview audience entry kinds and the CSV maximum the API enforces (spec 1.8, A41). */
  previewAudience: { types: readonly [string, ...string[]]; max: number };
}

const link = z.strictObject({ linkTitle: text(255), linkUrl: httpsUrl });

export function listingFields(o: ListingOptions): Record<string, z.ZodType> {
  const fields: Record<string, z.ZodType> = {
    title: name(50),
    summary: singleLine(100),
    longSummary: text(256),
    description: html(3000),
    offerMarketingUrlIdentifier: z.string().regex(/^[a-z0-9-]{1,50}$/, 'must be 1-50 lowercase letters, digits or "-"'),
    keywords: unique(text(50), 3),
    applicableProducts: unique(text(100), 3),
    appVersion: text(64),
    allowedSubscriptions: unique(guid, 100),
    previewAudience: unique(
      z.strictObject({ id: text(254), type: z.enum(o.previewAudience.types), description: text(256).optional() }),
      o.previewAudience.max,
      (v) => v.id,
    ),
    hideKey: z.string().regex(/^[a-z0-9]{1,50}$/, 'must be 1-50 lowercase letters or digits'),
    categoryMap: mapSchema('category', o.categories, 2),
    industryMap: mapSchema('industry', o.industries, 2),
    usefulLinks: z.array(link).max(25),
    smallLogo: artifactUri,
    mediumLogo: artifactUri,
    largeLogo: artifactUri,
    wideLogo: artifactUri,
    heroLogo: artifactUri,
    screenshots: z.array(z.strictObject({ uri: artifactUri, caption: text(100) })).max(5),
    videos: z.array(z.strictObject({ name: text(100), videoUrl, thumbnailUri: artifactUri })).max(o.videosMax),
    documents: z.array(z.strictObject({ name: text(100), uri: artifactUri })).max(3),
    leadDestination: z.enum(LEAD_DESTINATIONS),
    privacyURL: optionalHttpsUrl,
    termsOfUse: text(1_000_000),
    useStandardContract: z.boolean(),
    universalAmendmentTerms: text(1_000_000),
    customAmendments: z
      .array(
        z.strictObject({
          terms: text(1_000_000),
          tenants: unique(z.strictObject({ id: guid, description: text(256).optional() }), 20, (t) => t.id),
        }),
      )
      .max(10),
    engineeringContactName: text(100),
    engineeringContactEmail: email,
    engineeringContactPhone: phone,
    supportContactName: text(100),
    supportContactEmail: email,
    supportContactPhone: phone,
    cspContactName: text(100),
    cspContactEmail: email,
    cspContactPhone: phone,
    cspMarketingMaterialsUrl: optionalHttpUrl,
    publicAzureSupportUrl: optionalHttpUrl,
    fairfaxSupportUrl: optionalHttpUrl,
    helpLinkUrl: optionalHttpUrl,
  };
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(fields)) out[`${MP}.${key}`] = schema;
  for (const key of LEAD_CONFIGURATION_KEYS) out[key] = jsonObject;
  // Test drive: the seed shows `enabled` and `videos` [L22979]–[L22980]; the configuration object (testdrive.md 3.6)
  // is stored as given and validated by the test drive capability.
  out[`${TESTDRIVE}.enabled`] = z.boolean();
  out[`${TESTDRIVE}.videos`] = z.array(anyJson).max(5);
  out[`${TESTDRIVE}.configuration`] = jsonObject;
  return out;
}

/** Offer keys whose objects may hold secrets (write-only, sealed at rest). */
export const SECRET_CONTAINER_KEYS: readonly string[] = [...LEAD_CONFIGURATION_KEYS, `${TESTDRIVE}.configuration`];

/**
 * Field names that hold secrets inside those objects (leads.md 3.0.3: connection strings, the HTTPS endpoint URL with
 * its `sig=`, the Dynamics application key and password, the lead signature's key; testdrive.md 1.2: `aadAppSecret`). Matched case-insensitively.
 */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set(
  [
    'connectionString',
    'storageAccountConnectionString',
    'httpsEndpointUrl',
    'httpsEndpointUri',
    'applicationKey',
    'password',
    'aadAppSecret',
    'clientSecret',
    // The HTTPS lead target's HMAC key (decision 0511).
    'signingSecret',
  ].map((n) => n.toLowerCase()),
);
