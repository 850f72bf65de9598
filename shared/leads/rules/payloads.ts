/**
 * What each lead target receives, as pure mappings of a stored lead (specs/leads.md 1.5, 3.1, 3.3–3.6; decision
 * 0511): the HTTPS JSON body (the seed keys always present as strings, never null, plus our `Metadata`), the Azure
 * Table entity, the Dataverse `lead` record, and the Marketo and Salesforce form fields. Text is passed verbatim and
 * encoded by the sink (JSON, form encoding, Edm.String): markup in a lead is data, never interpolated into markup.
 * Fields cut to a target's limits are cut at a code point (never half a surrogate pair) and reported by wire name.
 */
import { offerKey, type DestinationConfig, type Lead, type UserDetails } from '../model';

export const SCHEMA_VERSION = 1;
export const TABLE_NAME = 'MarketplaceLeads';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=UTF-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The seven customer fields, and only those (a stored lead's JSON could carry more), in the seed's order. */
function userFields(u: UserDetails): UserDetails {
  return { FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Phone: u.Phone, Country: u.Country, Company: u.Company, Title: u.Title };
}

/** The HTTPS endpoint's body (spec 1.5). */
export function httpsBody(lead: Lead): Record<string, unknown> {
  const u = lead.userDetails;
  return {
    UserDetails: userFields(u),
    LeadSource: lead.leadSource,
    ActionCode: lead.action,
    OfferTitle: lead.offerTitle,
    Description: lead.description,
    Metadata: {
      LeadId: lead.leadId,
      CreatedAt: lead.createdAt,
      PublisherId: lead.publisherId,
      OfferId: lead.offerId,
      Source: lead.source,
      Trigger: lead.trigger,
      Kind: lead.kind,
      IsTest: lead.isTest,
      DoNotContact: lead.action === 'DNC',
      SchemaVersion: SCHEMA_VERSION,
      ...(lead.sourceAsSent === undefined ? {} : { SourceAsSent: lead.sourceAsSent }),
      ...(lead.planId === undefined ? {} : { PlanId: lead.planId }),
      ...(lead.subscriptionId === undefined ? {} : { SubscriptionId: lead.subscriptionId }),
    },
  };
}

/** A value with its EDM type, as the Table service's JSON carries it. */
export interface EdmValue {
  value: string;
  type: 'DateTime' | 'Int32';
}

/** The ISV's `MarketplaceLeads` row (spec 3.1): PK `publisher.offer`, RK the lead id. */
export function tableEntity(lead: Lead): { partitionKey: string; rowKey: string } & Record<string, string | boolean | EdmValue> {
  const u = lead.userDetails;
  return {
    partitionKey: offerKey(lead.publisherId, lead.offerId),
    rowKey: lead.leadId,
    LeadId: lead.leadId,
    LeadSource: lead.leadSource,
    Source: lead.source,
    ActionCode: lead.action,
    Trigger: lead.trigger,
    PublisherId: lead.publisherId,
    OfferId: lead.offerId,
    OfferTitle: lead.offerTitle,
    ...userFields(u),
    CustomerInfo: JSON.stringify(u),
    Description: lead.description,
    CreatedAt: { value: lead.createdAt, type: 'DateTime' },
    IsTest: lead.isTest,
    SchemaVersion: { value: String(SCHEMA_VERSION), type: 'Int32' },
  };
}

/**
 * `text` cut to at most `max` UTF-16 units without splitting a code point (a target that counts characters as
 * code points accepts it too).
 */
export function truncate(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

interface Mapped<T> {
  fields: T;
  truncated: string[];
}

function capper() {
  const truncated: string[] = [];
  const cap = (field: string, text: string, max: number) => {
    const cut = truncate(text, max);
    if (cut !== text) truncated.push(field);
    return cut;
  };
  return { truncated, cap };
}

/** Dataverse `lead` attribute lengths (the standard table's maximums). */
export const DATAVERSE_LIMITS = {
  subject: 300,
  firstname: 50,
  lastname: 50,
  emailaddress1: 100,
  telephone1: 50,
  companyname: 100,
  jobtitle: 100,
  address1_country: 80,
  description: 2000,
} as const;

/** The Dataverse `lead` record (spec 3.4); empty values are left out, long ones cut to the attribute's length. */
export function dataverseLead(lead: Lead, leadSourceCode?: number): Mapped<Record<string, string | number>> {
  const { truncated, cap } = capper();
  const u = lead.userDetails;
  const description = `${lead.description}\n\nLeadSource: ${lead.leadSource}\nMarketplaceLeadId: ${lead.leadId}`;
  const values: [keyof typeof DATAVERSE_LIMITS, string][] = [
    ['subject', `${lead.offerTitle} (${lead.action})`],
    ['firstname', u.FirstName],
    ['lastname', u.LastName],
    ['emailaddress1', u.Email],
    ['telephone1', u.Phone],
    ['companyname', u.Company],
    ['jobtitle', u.Title],
    ['address1_country', u.Country],
  ];
  const fields: Record<string, string | number> = {};
  for (const [name, value] of values) if (value !== '') fields[name] = cap(name, value, DATAVERSE_LIMITS[name]);
  // The lead id and LeadSource sit at the end of the description: cut the customer's text, never them.
  const tail = description.slice(lead.description.length);
  fields['description'] = `${cap('description', lead.description, DATAVERSE_LIMITS.description - tail.length)}${tail}`;
  if (leadSourceCode !== undefined) fields['leadsourcecode'] = leadSourceCode;
  return { fields, truncated };
}

/** The Marketo Forms 2.0 post (spec 3.5): `leadCapture/save2` fields, in a stable order. */
export function marketoFields(lead: Lead, config: Extract<DestinationConfig, { type: 'Marketo' }>): [string, string][] {
  const u = lead.userDetails;
  return [
    ['munchkinId', config.munchkinAccountId],
    ['formid', String(config.formId)],
    ['formVid', String(config.formId)],
    ['FirstName', u.FirstName],
    ['LastName', u.LastName],
    ['Email', u.Email],
    ['Phone', u.Phone],
    ['Company', u.Company],
    ['Country', u.Country],
    ['Title', u.Title],
    ['LeadSource', lead.leadSource],
  ];
}

/** Salesforce standard lead field lengths (spec 3.6, EXT). */
export const SALESFORCE_LIMITS = {
  first_name: 40,
  last_name: 80,
  email: 80,
  phone: 40,
  company: 255,
  country: 80,
  title: 128,
  lead_source: 255,
  description: 32000,
} as const;

/**
 * The Web-to-Lead post (spec 3.6). A LeadSource over 255 characters is cut, and the whole value goes at the end of
 * the description, so nothing of it is lost.
 */
export function salesforceFields(lead: Lead, config: Extract<DestinationConfig, { type: 'Salesforce' }>): Mapped<[string, string][]> {
  const { truncated, cap } = capper();
  const u = lead.userDetails;
  const longSource = lead.leadSource.length > SALESFORCE_LIMITS.lead_source;
  const description = longSource ? `${lead.description}${lead.description ? '\n\n' : ''}LeadSource: ${lead.leadSource}` : lead.description;
  const fields: [string, string][] = [
    ['oid', config.objectIdentifier],
    ['first_name', cap('first_name', u.FirstName, SALESFORCE_LIMITS.first_name)],
    ['last_name', cap('last_name', u.LastName, SALESFORCE_LIMITS.last_name)],
    ['email', cap('email', u.Email, SALESFORCE_LIMITS.email)],
    ['phone', cap('phone', u.Phone, SALESFORCE_LIMITS.phone)],
    ['company', cap('company', u.Company, SALESFORCE_LIMITS.company)],
    ['country', cap('country', u.Country, SALESFORCE_LIMITS.country)],
    ['title', cap('title', u.Title, SALESFORCE_LIMITS.title)],
    ['description', cap('description', description, SALESFORCE_LIMITS.description)],
    ['lead_source', cap('lead_source', lead.leadSource, SALESFORCE_LIMITS.lead_source)],
    ['encoding', 'UTF-8'],
  ];
  return { fields, truncated };
}

/** `application/x-www-form-urlencoded` of UTF-8 (spaces as `+`, everything else not unreserved percent-encoded). */
export function formBody(fields: readonly [string, string][]): string {
  return new URLSearchParams([...fields]).toString();
}
