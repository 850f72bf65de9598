/**
 * `npm run -s token -- ...`: prints a bearer token from the local issuer, offline (no running host, no PORT).
 * Any host using the same key file (LOCAL_ISSUER_KEY_FILE, default .local/issuer-keys.json), started before or
 * after, accepts it.
 *
 *   --publisher <id> [--tenant T] [--app A]    an app token for a publisher (metering, SaaS, offers, licenses)
 *   --customer --tenant T --user U [--email E]  a customer user token (storefront)
 *     [--role R ...]  roles of the customer user (e.g. "License Administrator" for the license routes)
 *   --operator                                  an operator token (admin routes, test clock)
 *   --managed-app <ARM id> [--tenant T]         the managed identity of a deployed managed application, or of a
 *                                               resource in its managed resource group (metering's single events)
 *   --v2          issue a v2.0-shaped token       --audience X   override the audience
 *   --now <iso>   issue as of this time (use with a moved test clock)
 *   --json        print the token with its claims summary     --rotate-key   add a new signing key
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalKeyStore, rotateKeyFile } from '../shared/auth/keys';
import { mintToken, nameGuid, type TokenRequest } from '../shared/auth/tokens';
import { MARKETPLACE_API_RESOURCE, parseConfig } from '../shared/config';
import { applyLocalSettings } from './local-settings';

const appRoot = path.resolve(__dirname, '..', '..');
const CUSTOMER_AUDIENCE = 'api://marketplace-backend';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Entra tenant and object ids are GUIDs; a name such as "fabrikam" or "ann" stands for a stable GUID derived from
 * it (the same one the tests derive), so `beneficiary.objectId` looks like Microsoft's.
 */
function asGuid(kind: 'tenant' | 'user', value: string): string {
  if (GUID.test(value)) return value.toLowerCase();
  const derived = nameGuid(kind, value);
  console.error(`token: ${kind} "${value}" is not a GUID; using ${derived}, derived from it`);
  return derived;
}
const tenantGuid = (value: string) => asGuid('tenant', value);

function fail(message: string): never {
  console.error(`token: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      publisher: { type: 'string' },
      customer: { type: 'boolean' },
      operator: { type: 'boolean' },
      'managed-app': { type: 'string' },
      tenant: { type: 'string' },
      app: { type: 'string' },
      user: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', multiple: true },
      audience: { type: 'string' },
      v2: { type: 'boolean' },
      now: { type: 'string' },
      json: { type: 'boolean' },
      'rotate-key': { type: 'boolean' },
    },
    strict: true,
  });
  applyLocalSettings(appRoot);
  // The token command needs only the auth settings; storage is not touched.
  const config = parseConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ...process.env }, appRoot);
  const keyFile = config.auth.localIssuerKeyFile;
  if (values['rotate-key']) {
    const kid = await rotateKeyFile(keyFile);
    console.log(`New signing key ${kid} in ${keyFile}; older keys stay published for verification.`);
    return;
  }

  const managedApp = values['managed-app'];
  const chosen = [values.publisher !== undefined, values.customer === true, values.operator === true, managedApp !== undefined].filter(
    Boolean,
  ).length;
  if (chosen !== 1) fail('choose exactly one of --publisher <id>, --customer, --operator, --managed-app <ARM id>');

  let request: TokenRequest;
  let audience: string;
  if (managedApp !== undefined) {
    if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+(\/.+)?$/i.test(managedApp)) {
      fail('--managed-app must be an ARM id, /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Solutions/applications/{name}');
    }
    // As IMDS issues it: the identity's token, for the metering resource, naming the identity's resource (xms_mirid).
    request = { kind: 'managedIdentity', tenantId: tenantGuid(values.tenant ?? 'managed-app-customer'), resourceId: managedApp };
    audience = values.audience ?? MARKETPLACE_API_RESOURCE;
  } else if (values.publisher !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]{0,49}$/.test(values.publisher)) fail('--publisher must be 1-50 lowercase letters, digits, "-" or "_"');
    request = {
      kind: 'app',
      tenantId: values.tenant ? tenantGuid(values.tenant) : nameGuid('publisher-tenant', values.publisher),
      appId: values.app ?? nameGuid('publisher-app', values.publisher),
      publisherId: values.publisher,
    };
    audience = values.audience ?? MARKETPLACE_API_RESOURCE;
  } else if (values.customer) {
    if (!values.tenant || !values.user) fail('--customer needs --tenant <tenantId> and --user <userId>');
    // The readable name stays in the token as `name`, beside the GUID object id (issue 23).
    request = {
      kind: 'user',
      tenantId: tenantGuid(values.tenant),
      userId: asGuid('user', values.user),
      ...(GUID.test(values.user) ? {} : { name: values.user }),
      ...(values.email ? { email: values.email } : {}),
      ...(values.role && values.role.length > 0 ? { roles: values.role } : {}),
    };
    audience = values.audience ?? CUSTOMER_AUDIENCE;
  } else {
    request = {
      kind: 'app',
      tenantId: values.tenant ? tenantGuid(values.tenant) : nameGuid('operator-tenant', 'operators'),
      appId: values.app ?? nameGuid('operator-app', 'operators'),
      roles: [config.auth.operatorRole],
    };
    audience = values.audience ?? CUSTOMER_AUDIENCE;
  }
  if (!config.auth.audiences.includes(audience)) fail(`the audience ${audience} is not in AUTH_AUDIENCES`);
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) fail('--now must be an ISO 8601 date-time');

  const minted = await mintToken(new LocalKeyStore(keyFile), request, {
    issuerBase: config.auth.localIssuerBase,
    audience,
    version: values.v2 ? 'v2' : 'v1',
    now,
  });
  if (values.json) {
    console.log(JSON.stringify({ access_token: minted.accessToken, expires_on: minted.expiresOn, audience, ...request }, null, 2));
  } else {
    console.log(minted.accessToken);
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
