/**
 * A lead destination's settings, as the catalog's offer definition holds them (`microsoft-azure-marketplace.
 * leadDestination` and the matching `...LeadConfiguration` object, secrets opened), checked against specs/leads.md
 * 3.0.2–3.6 and turned into a `DestinationConfig`. Field names are matched case-insensitively and the ingestion API's
 * spellings are accepted (`applicationID`, `serverID`, `httpsEndpointUrl`, ...; spec 7 [EXT-INGEST]). A violation
 * names the field path and a code; its message never quotes a secret value (decision 0510).
 */
import type { DestinationConfig, DestinationType } from '../model';
import { checkEmailAddress } from './contact-emails';
import { parseStorageConnection } from './storage-connection';

export const MP = 'microsoft-azure-marketplace';

/** The offer key of each destination's settings object (seed [L23025]–[L23031]). */
export const CONFIGURATION_KEYS: Readonly<Record<Exclude<DestinationType, 'None'>, string>> = {
  AzureTable: `${MP}.tableLeadConfiguration`,
  AzureBlob: `${MP}.blobLeadConfiguration`,
  Dynamics: `${MP}.crmLeadConfiguration`,
  HttpsEndpoint: `${MP}.httpsEndpointLeadConfiguration`,
  Marketo: `${MP}.marketoLeadConfiguration`,
  Salesforce: `${MP}.salesForceLeadConfiguration`,
};

export interface DestinationViolation {
  /** `microsoft-azure-marketplace.crmLeadConfiguration.directoryId`, or `...leadDestination` for the type. */
  path: string;
  code: string;
  message: string;
}

export interface DestinationRuleOptions {
  /** `LEADS_ALLOW_DEV_STORAGE`: Azurite / `UseDevelopmentStorage=true` connection strings (spec 3.1 (c)). */
  allowDevStorage: boolean;
  /** Loopback HTTPS targets (and plain http to them), as the outbound client allows loopback (tests, first runs). */
  allowLoopbackTargets: boolean;
  /** Dynamics hosts besides `*.crm[N].dynamics.com`: sovereign clouds (spec 3.4). */
  dynamicsHostSuffixes: readonly string[];
}

export const DEFAULT_DYNAMICS_HOST_SUFFIXES: readonly string[] = ['crm.microsoftdynamics.us', 'crm.appsplatform.us', 'crm.dynamics.cn'];

export type ParsedDestination =
  | { kind: 'none' }
  /** A Blob destination: deprecated (spec 3.2); new ones are refused, imported ones hold their leads. */
  | { kind: 'deprecated'; violations: DestinationViolation[] }
  | { kind: 'valid'; config: DestinationConfig }
  | { kind: 'invalid'; violations: DestinationViolation[] };

/** A destination's own settings, without the contact list (distributes over Dynamics' two modes). */
type TargetSettings<T extends DestinationConfig['type']> =
  Extract<DestinationConfig, { type: T }> extends infer C ? (C extends unknown ? Omit<C, 'contactEmails'> : never) : never;

const MAX_URL = 2048;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DYNAMICS_HOST = /^[a-z0-9-]+\.crm[0-9]*\.dynamics\.com$/;
const CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const MUNCHKIN = /^\d{3}-[A-Za-z]{3}-\d{3}$/;
const SERVER_ID = /^[a-z0-9]{2,16}$/;
const ORG_ID = /^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/;
const MAX_FORM_ID = 2_147_483_647;

/** Accepted spellings of each field (lower-cased; the first is the canonical name used in paths). */
const FIELDS = {
  contactEmail: ['contactemail'],
  connectionString: ['connectionstring', 'storageaccountconnectionstring'],
  containerName: ['containername'],
  httpsEndpointUri: ['httpsendpointuri', 'httpsendpointurl'],
  signingSecret: ['signingsecret'],
  uri: ['uri', 'url'],
  authentication: ['authentication'],
  applicationId: ['applicationid'],
  directoryId: ['directoryid'],
  applicationKey: ['applicationkey'],
  userName: ['username'],
  password: ['password'],
  leadSourceCode: ['leadsourcecode'],
  serverId: ['serverid'],
  munchkinAccountId: ['munchkinaccountid', 'munchkinid'],
  formId: ['formid'],
  objectIdentifier: ['objectidentifier'],
  notifyIncludesPii: ['notifyincludespii'],
} as const;
type Field = keyof typeof FIELDS;

class Reader {
  readonly violations: DestinationViolation[] = [];
  constructor(
    readonly prefix: string,
    readonly settings: Record<string, unknown>,
  ) {}

  path(field: Field): string {
    return `${this.prefix}.${field}`;
  }

  fail(field: Field | 'leadDestination', code: string, message: string): undefined {
    this.violations.push({ path: field === 'leadDestination' ? `${MP}.leadDestination` : this.path(field), code, message });
    return undefined;
  }

  /** The raw value under any accepted spelling; `""` and whitespace-only strings count as absent. */
  raw(field: Field): unknown {
    const names: readonly string[] = FIELDS[field];
    for (const [key, value] of Object.entries(this.settings)) {
      if (!names.includes(key.toLowerCase()) || value === null || value === undefined) continue;
      if (typeof value === 'string' && value.trim() === '') continue;
      return value;
    }
    return undefined;
  }

  present(field: Field): boolean {
    return this.raw(field) !== undefined;
  }

  /** A required string of 1..max characters (trimmed unless `exact`). */
  string(field: Field, max: number, exact = false): string | undefined {
    const value = this.raw(field);
    if (value === undefined) return this.fail(field, 'required', `${field} is required.`);
    if (typeof value !== 'string') return this.fail(field, 'invalid_type', `${field} must be a string.`);
    const text = exact ? value : value.trim();
    if (text.length > max) return this.fail(field, 'too_long', `${field} must be at most ${max} characters.`);
    return text;
  }

  absent(field: Field, mode: string): void {
    if (this.present(field)) this.fail(field, 'field_not_allowed', `${field} must not be set with ${mode} authentication.`);
  }
}

/** The contact email list (spec 3.0.2): `;`-separated, trimmed, empty entries dropped, 1..20 unique, ≤1000 chars. */
function contactEmails(r: Reader): string[] | undefined {
  const value = r.raw('contactEmail');
  if (value === undefined) return r.fail('contactEmail', 'required', 'contactEmail is required.');
  if (typeof value !== 'string') return r.fail('contactEmail', 'invalid_type', 'contactEmail must be a string.');
  if (value.length > 1000) return r.fail('contactEmail', 'too_long', 'contactEmail must be at most 1000 characters.');
  if (/[\r\n]/.test(value)) return r.fail('contactEmail', 'invalid_email', 'contactEmail must not contain line breaks.');
  if (value.includes(',')) return r.fail('contactEmail', 'invalid_email', 'Separate contact email addresses with semicolons, not commas.');
  const seen = new Map<string, string>();
  for (const entry of value.split(';')) {
    const address = entry.trim();
    if (address === '') continue;
    const checked = checkEmailAddress(address);
    if (!checked.ok) return r.fail('contactEmail', 'invalid_email', `"${address}" is not a valid email address: ${checked.reason}.`);
    // Stryker disable next-line MethodExpression: the key only groups addresses case-insensitively; upper-casing groups the same ASCII addresses
    const key = checked.address.toLowerCase();
    if (!seen.has(key)) seen.set(key, checked.address);
  }
  if (seen.size === 0) return r.fail('contactEmail', 'required', 'contactEmail needs at least one address.');
  if (seen.size > 20) return r.fail('contactEmail', 'too_many', 'contactEmail holds at most 20 addresses.');
  return [...seen.values()];
}

/** A URL hostname without the brackets of an IPv6 literal (a hostname has brackets only around one). */
function bareHost(host: string): string {
  // Stryker disable next-line Regex: brackets appear only as the first and last character of a hostname, so either anchor alone is the same
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host);
  return bare === 'localhost' || bare.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1';
}

/** A literal IP that is not a public address (the outbound client re-checks every resolved address at send time). */
function isPrivateLiteral(host: string): boolean {
  const bare = bareHost(host);
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(bare);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a >= 224 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  return bare.includes(':') && (bare.startsWith('fe8') || bare.startsWith('fc') || bare.startsWith('fd') || bare === '::');
}

/** The path and query exactly as written (after the authority), to check that sending will not re-encode them. */
function rawPathAndQuery(text: string): string {
  const afterScheme = text.slice(text.indexOf('//') + 2);
  const cut = afterScheme.search(/[/?]/);
  return cut === -1 ? '' : afterScheme.slice(cut);
}

function httpsEndpoint(r: Reader, options: DestinationRuleOptions): { httpsEndpointUri: string; signingSecret?: string } | undefined {
  const text = r.string('httpsEndpointUri', Number.MAX_SAFE_INTEGER, true);
  const secret = r.raw('signingSecret');
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16 || secret.length > 256))
    r.fail('signingSecret', 'invalid_secret', 'signingSecret must be a string of 16 to 256 characters.');
  if (text === undefined) return undefined;
  if (text.length > MAX_URL) return r.fail('httpsEndpointUri', 'too_long', `httpsEndpointUri must be at most ${MAX_URL} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return r.fail('httpsEndpointUri', 'invalid_url', 'httpsEndpointUri must be an absolute URL.');
  }
  const loopback = isLoopbackHost(url.hostname);
  const plainLoopback = url.protocol === 'http:' && loopback && options.allowLoopbackTargets;
  if (url.protocol !== 'https:' && !plainLoopback) return r.fail('httpsEndpointUri', 'https_required', 'httpsEndpointUri must use https.');
  if (url.username || url.password)
    return r.fail('httpsEndpointUri', 'userinfo_not_allowed', 'httpsEndpointUri must not carry a user name or password.');
  if (text.includes('#')) return r.fail('httpsEndpointUri', 'fragment_not_allowed', 'httpsEndpointUri must not have a fragment.');
  if ((loopback && !options.allowLoopbackTargets) || isPrivateLiteral(url.hostname))
    return r.fail(
      'httpsEndpointUri',
      'private_address',
      'httpsEndpointUri must name a public host, not a loopback, private or link-local address.',
    );
  const raw = rawPathAndQuery(text);
  if (raw !== (raw.startsWith('/') ? `${url.pathname}${url.search}` : url.search))
    return r.fail(
      'httpsEndpointUri',
      'invalid_url',
      'httpsEndpointUri has characters that would be re-encoded when sent; copy the URL exactly as given.',
    );
  // Stryker disable next-line ConditionalExpression: a secret that is not a string was refused above, so this result is discarded
  const signingSecret = typeof secret === 'string' ? secret : undefined;
  return { httpsEndpointUri: text, ...(signingSecret === undefined ? {} : { signingSecret }) };
}

function dynamicsUri(r: Reader, options: DestinationRuleOptions): string | undefined {
  const text = r.string('uri', MAX_URL);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return r.fail('uri', 'invalid_url', 'uri must be an absolute URL such as https://contoso.crm4.dynamics.com.');
  }
  if (url.protocol !== 'https:') return r.fail('uri', 'https_required', 'uri must use https.');
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/')
    return r.fail('uri', 'invalid_url', 'uri must be the organization URL alone, such as https://contoso.crm4.dynamics.com.');
  const host = url.hostname.toLowerCase();
  const sovereign = options.dynamicsHostSuffixes.some(
    (s) => host.endsWith(`.${s.toLowerCase()}`) && /^[a-z0-9-]+$/.test(host.slice(0, -s.length - 1)),
  );
  if (!DYNAMICS_HOST.test(host) && !sovereign)
    return r.fail(
      'uri',
      'onprem_not_supported',
      'uri must be a Microsoft-hosted Dynamics 365 organization (*.crm.dynamics.com); on-premises is not supported.',
    );
  return url.origin;
}

/** `Number.isInteger` that narrows the type. */
function isInteger(n: unknown): n is number {
  return Number.isInteger(n);
}

function guid(r: Reader, field: 'applicationId' | 'directoryId'): string | undefined {
  const value = r.string(field, 64);
  if (value === undefined) return undefined;
  if (!GUID.test(value)) return r.fail(field, 'invalid_guid', `${field} must be a GUID such as 23456052-aaaa-bbbb-8662-1234df56788f.`);
  return value.toLowerCase();
}

function dynamics(r: Reader, options: DestinationRuleOptions): TargetSettings<'Dynamics'> | undefined {
  const uri = dynamicsUri(r, options);
  const auth = r.raw('authentication');
  const codeRaw = r.raw('leadSourceCode');
  let leadSourceCode: number | undefined;
  if (codeRaw !== undefined) {
    // Stryker disable next-line Regex: without either anchor the text matched has other characters, Number() of which is NaN and refused the same
    const n = typeof codeRaw === 'string' && /^-?\d+$/.test(codeRaw.trim()) ? Number(codeRaw) : codeRaw;
    if (!isInteger(n) || n < -2_147_483_648 || n > MAX_FORM_ID)
      r.fail('leadSourceCode', 'invalid_integer', 'leadSourceCode must be a whole number (an option-set value).');
    else leadSourceCode = n;
  }
  const code = leadSourceCode === undefined ? {} : { leadSourceCode };
  if (auth === 'AzureActiveDirectory') {
    const applicationId = guid(r, 'applicationId');
    const directoryId = guid(r, 'directoryId');
    const applicationKey = r.string('applicationKey', 1024, true);
    r.absent('userName', 'AzureActiveDirectory');
    r.absent('password', 'AzureActiveDirectory');
    // Stryker disable next-line ConditionalExpression,LogicalOperator: each undefined value recorded a violation, which parseDestination refuses; this narrows the types
    if (uri === undefined || applicationId === undefined || directoryId === undefined || applicationKey === undefined) return undefined;
    return { type: 'Dynamics', uri, authentication: auth, applicationId, directoryId, applicationKey, ...code };
  }
  if (auth === 'Office365') {
    const userName = r.string('userName', 254);
    const checked = userName === undefined ? undefined : checkEmailAddress(userName);
    if (checked && !checked.ok) r.fail('userName', 'invalid_email', `userName must be an email address (${checked.reason}).`);
    const password = r.string('password', 256, true);
    r.absent('applicationId', 'Office365');
    r.absent('directoryId', 'Office365');
    r.absent('applicationKey', 'Office365');
    // Stryker disable next-line ConditionalExpression,LogicalOperator: each undefined value recorded a violation, which parseDestination refuses; this narrows the types
    if (uri === undefined || !checked?.ok || password === undefined) return undefined;
    return { type: 'Dynamics', uri, authentication: auth, userName: checked.address, password, ...code };
  }
  return r.fail(
    'authentication',
    auth === undefined ? 'required' : 'invalid_value',
    'authentication must be AzureActiveDirectory or Office365.',
  );
}

/** `ys12`, `app-ys12`, `app-ys12.marketo.com` or `//app-ys12.marketo.com` → `ys12` (spec 3.5). */
export function normaliseServerId(value: string): string {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^(https?:)?\/\//, '');
  // Stryker disable next-line Regex: `.` stops only at a line break, and a server id with one is refused either way
  const withoutPath = host.replace(/\/.*$/, '');
  return withoutPath.replace(/\.marketo\.com$/, '').replace(/^app-/, '');
}

function marketo(r: Reader): TargetSettings<'Marketo'> | undefined {
  const server = r.string('serverId', 100);
  const serverId = server === undefined ? undefined : normaliseServerId(server);
  // Stryker disable next-line ConditionalExpression: SERVER_ID.test(undefined) tests "undefined", which it accepts, so no second violation either way
  if (serverId !== undefined && !SERVER_ID.test(serverId))
    r.fail('serverId', 'invalid_server_id', 'serverId must be the Marketo server id, such as ys12 (from app-ys12.marketo.com).');
  const munchkin = r.string('munchkinAccountId', 20);
  if (munchkin !== undefined && !MUNCHKIN.test(munchkin))
    r.fail('munchkinAccountId', 'invalid_munchkin_id', 'munchkinAccountId must look like 123-PQR-789.');
  const rawForm = r.raw('formId');
  let formId: number | undefined;
  // Stryker disable next-line Regex: without either anchor the text matched has other characters ('-1' gives -1, below 1; others NaN), refused the same
  const n = typeof rawForm === 'string' && /^\d+$/.test(rawForm.trim()) ? Number(rawForm) : rawForm;
  if (rawForm === undefined) r.fail('formId', 'required', 'formId is required.');
  else if (!isInteger(n) || n < 1 || n > MAX_FORM_ID)
    r.fail('formId', 'invalid_integer', `formId must be a whole number from 1 to ${MAX_FORM_ID}.`);
  else formId = n;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: each of these recorded a violation, which parseDestination refuses; this narrows the types
  if (serverId === undefined || !SERVER_ID.test(serverId) || munchkin === undefined || !MUNCHKIN.test(munchkin) || formId === undefined)
    return undefined;
  return { type: 'Marketo', serverId, munchkinAccountId: munchkin.toUpperCase(), formId };
}

function salesforce(r: Reader): TargetSettings<'Salesforce'> | undefined {
  const oid = r.string('objectIdentifier', 18);
  if (oid === undefined) return undefined;
  if (!ORG_ID.test(oid))
    return r.fail(
      'objectIdentifier',
      'invalid_org_id',
      'objectIdentifier must be the Salesforce organization ID: 00D followed by 12 or 15 letters and digits.',
    );
  return { type: 'Salesforce', objectIdentifier: oid };
}

function table(r: Reader, options: DestinationRuleOptions): TargetSettings<'AzureTable'> | undefined {
  const text = r.string('connectionString', MAX_URL, true);
  if (text === undefined) return undefined;
  const parsed = parseStorageConnection(text, { allowDevStorage: options.allowDevStorage });
  if (!parsed.ok) return r.fail('connectionString', parsed.code, parsed.message);
  return { type: 'AzureTable', connectionString: parsed.connectionString };
}

function blob(r: Reader): DestinationViolation[] {
  r.fail(
    'leadDestination',
    'destination_deprecated',
    'Azure Blob lead destinations are deprecated and no longer receive leads; choose Azure Table, HTTPS endpoint, Dynamics 365, Marketo or Salesforce.',
  );
  const container = r.raw('containerName');
  if (container !== undefined && (typeof container !== 'string' || !CONTAINER.test(container)))
    r.fail(
      'containerName',
      'invalid_container_name',
      'containerName must be 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.',
    );
  return r.violations;
}

function settingsOf(
  type: DestinationConfig['type'],
  r: Reader,
  options: DestinationRuleOptions,
): TargetSettings<DestinationConfig['type']> | undefined {
  switch (type) {
    case 'AzureTable':
      return table(r, options);
    case 'HttpsEndpoint': {
      const https = httpsEndpoint(r, options);
      return https && { type, ...https };
    }
    case 'Dynamics':
      return dynamics(r, options);
    case 'Marketo':
      return marketo(r);
    case 'Salesforce':
      return salesforce(r);
  }
}

/**
 * Checks one destination. `settings` is the matching `...LeadConfiguration` object with its secrets opened (or
 * undefined when the offer has none).
 */
export function parseDestination(
  type: DestinationType,
  settings: Record<string, unknown> | undefined,
  options: DestinationRuleOptions,
): ParsedDestination {
  if (type === 'None') return { kind: 'none' };
  const r = new Reader(CONFIGURATION_KEYS[type], settings ?? {});
  if (type === 'AzureBlob') return { kind: 'deprecated', violations: blob(r) };
  if (settings === undefined) {
    r.violations.push({ path: r.prefix, code: 'required', message: `${r.prefix} is required when the lead destination is ${type}.` });
    return { kind: 'invalid', violations: r.violations };
  }
  const emails = contactEmails(r);
  // Opt-in to customer details in new-lead notices (decision 0534): a boolean, false when absent.
  const pii = r.raw('notifyIncludesPii');
  if (pii !== undefined && typeof pii !== 'boolean') r.fail('notifyIncludesPii', 'invalid_type', 'notifyIncludesPii must be true or false.');
  const target = settingsOf(type, r, options);
  if (r.violations.length > 0) return { kind: 'invalid', violations: r.violations };
  // Stryker disable next-line ConditionalExpression,LogicalOperator,ObjectLiteral,StringLiteral: an undefined result always recorded a violation (refused above), so this line only narrows the types and never runs
  if (target === undefined || emails === undefined) return { kind: 'invalid', violations: r.violations };
  return { kind: 'valid', config: { ...target, contactEmails: emails } };
}

/** Settings objects of other destinations than the chosen one (spec 3.0.1 `unexpected_destination_fields`). */
export function unexpectedConfigurations(type: DestinationType, presentKeys: readonly string[]): DestinationViolation[] {
  const own = (CONFIGURATION_KEYS as Partial<Record<DestinationType, string>>)[type];
  const known = new Set(Object.values(CONFIGURATION_KEYS).map((k) => k.toLowerCase()));
  return presentKeys
    .filter((k) => known.has(k.toLowerCase()) && k.toLowerCase() !== own?.toLowerCase())
    .map((k) => ({
      path: k,
      code: 'unexpected_destination_fields',
      message: `${k} must not be set when the lead destination is ${type}.`,
    }));
}
