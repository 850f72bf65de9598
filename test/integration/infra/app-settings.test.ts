/**
 * The Function App's settings in infra/app/function.bicep against the app's config schema (shared/config.ts): every
 * name is one the schema knows or one the platform reads, and the settings as Azure hands them to the app (Key
 * Vault references resolved, parameters at their defaults) parse into the configuration the deployment needs:
 * no keys, identity storage for tables, blobs and queues, Entra callers, the slower timers. No Bicep compiler here:
 * the test reads the template's text.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, SETTING_NAMES } from '../../../shared/config';

const infra = path.resolve(__dirname, '../../../infra');
const functionBicep = () => readFileSync(path.join(infra, 'app/function.bicep'), 'utf8');

/** Settings the Functions platform reads, not the app (each with the reason it is set). */
const PLATFORM_SETTINGS: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'where the Functions host sends telemetry',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'telemetry with an Entra token (local auth is off)',
  languageWorkers__node__arguments: 'the Node worker heap (decision 0309)',
};

/** Values Azure supplies at run time for settings whose Bicep value is an expression, not a literal. */
const RUNTIME_VALUES: Record<string, string> = {
  AzureWebJobsStorage__blobServiceUri: 'https://stmkt.blob.core.windows.net/',
  AzureWebJobsStorage__queueServiceUri: 'https://stmkt.queue.core.windows.net/',
  AzureWebJobsStorage__tableServiceUri: 'https://stmkt.table.core.windows.net/',
  AzureWebJobsStorage__clientId: '0b5c2d8e-1f0a-4a57-9c1e-3d2f6b7a8c90',
  AZURE_CLIENT_ID: '0b5c2d8e-1f0a-4a57-9c1e-3d2f6b7a8c90',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=0b5c2d8e-1f0a-4a57-9c1e-3d2f6b7a8c90;Authorization=AAD',
  AUTH_AUDIENCES: '6d0c2f4e-8b1a-4c3d-9e7f-1a2b3c4d5e6f,api://6d0c2f4e-8b1a-4c3d-9e7f-1a2b3c4d5e6f',
  ENTRA_AUTHORITY: 'https://login.microsoftonline.com/',
  PUBLIC_BASE_URL: 'https://mkt-func-abc.azurewebsites.net',
  TESTDRIVE_ARM_ENDPOINT: 'https://management.azure.com/',
  languageWorkers__node__arguments: '--max-old-space-size=1024',
};

/** The `appsettings` resource's properties: name → the Bicep expression (a literal keeps its quotes). */
function bicepAppSettings(text: string): Map<string, string> {
  const start = text.indexOf("resource appSettings 'Microsoft.Web/sites/config@");
  expect(start, 'function.bicep has the appsettings resource').toBeGreaterThan(-1);
  const body = text.slice(text.indexOf('properties: {', start) + 'properties: {'.length);
  const settings = new Map<string, string>();
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '}') break;
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.+)$/.exec(trimmed);
    expect(match, `an app setting line: ${trimmed}`).not.toBeNull();
    settings.set(match![1]!, match![2]!);
  }
  return settings;
}

/** Literal parameter defaults of the template (`param x string = '...'`). */
function paramDefaults(text: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const m of text.matchAll(/^param (\w+) string = '([^']*)'$/gm)) defaults.set(m[1]!, m[2]!);
  return defaults;
}

/** The value the app sees: a Key Vault reference resolved, a literal as written, a parameter at its default. */
function runtimeValue(name: string, expression: string, defaults: Map<string, string>, key: string): string {
  if (expression.startsWith("'@Microsoft.KeyVault(")) return key;
  const literal = /^'([^'$]*)'$/.exec(expression);
  if (literal) return literal[1]!;
  const param = defaults.get(expression);
  if (param !== undefined) return param;
  const supplied = RUNTIME_VALUES[name];
  if (supplied === undefined) throw new Error(`${name} = ${expression}: add the value Azure gives it to RUNTIME_VALUES`);
  return supplied;
}

function deployedEnvironment(): Record<string, string> {
  const text = functionBicep();
  const defaults = paramDefaults(text);
  const key = randomBytes(32).toString('base64');
  return Object.fromEntries([...bicepAppSettings(text)].map(([name, expression]) => [name, runtimeValue(name, expression, defaults, key)]));
}

describe('the Function App settings in infra/app/function.bicep', () => {
  it('names only settings the config schema knows, besides the platform settings', () => {
    const names = [...bicepAppSettings(functionBicep()).keys()];
    const unknown = names.filter((n) => !SETTING_NAMES.includes(n) && !(n in PLATFORM_SETTINGS));
    expect(unknown).toEqual([]);
    expect(names.filter((n) => n in PLATFORM_SETTINGS).sort()).toEqual(Object.keys(PLATFORM_SETTINGS).sort());
  });

  it('holds no key, connection string or inline secret: SECRETS_KEY is a Key Vault reference', () => {
    const settings = bicepAppSettings(functionBicep());
    expect(settings.get('SECRETS_KEY')).toBe("'@Microsoft.KeyVault(SecretUri=${secretsKeySecretUri})'");
    for (const name of ['STORAGE_CONNECTION_STRING', 'AzureWebJobsStorage', 'AzureWebJobsStorage__accountKey']) expect(settings.has(name), name).toBe(false);
    for (const [name, expression] of settings) expect(expression, name).not.toMatch(/AccountKey=|listKeys\(|SharedAccessSignature/);
    expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
  });

  it('sets what the schema requires in Azure: the settings as Azure resolves them parse, with storage through the identity', () => {
    const config = parseConfig(deployedEnvironment(), '/home/site/wwwroot');
    expect(config.storage).toEqual({
      kind: 'identity',
      tableEndpoint: 'https://stmkt.table.core.windows.net/',
      blobEndpoint: 'https://stmkt.blob.core.windows.net/',
      queueEndpoint: 'https://stmkt.queue.core.windows.net/',
      prefix: '',
      clientId: '0b5c2d8e-1f0a-4a57-9c1e-3d2f6b7a8c90',
    });
    expect(config.auth.mode).toBe('entra');
    expect(config.auth.audiences).toEqual(['6d0c2f4e-8b1a-4c3d-9e7f-1a2b3c4d5e6f', 'api://6d0c2f4e-8b1a-4c3d-9e7f-1a2b3c4d5e6f']);
    expect(config.auth.entraAuthority).toBe('https://login.microsoftonline.com');
    expect(config.testClock).toBe(false);
    expect(config.secrets.key).toBeDefined();
    expect(config.outbound).toMatchObject({ allowLoopback: false, httpsOnly: true });
    expect(config.publicBaseUrl).toBe('https://mkt-func-abc.azurewebsites.net');
  });

  it('serves analytics report links straight from Blob storage in Azure (user-delegation SAS, decision 0907)', () => {
    const config = parseConfig(deployedEnvironment(), '/home/site/wwwroot');
    expect(config.analytics.linkMode).toBe('sas');
    // The identity may ask for a user delegation key: Storage Blob Data Owner on the account includes the action.
    const rbac = readFileSync(path.join(infra, 'app/rbac.bicep'), 'utf8');
    expect(rbac).toMatch(/storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'/);
    expect(rbac).toMatch(/storageRoleIds = \[\s*roleIds\.storageBlobDataOwner/);
    expect(rbac).toMatch(/scope: storage\b/);
  });

  it('runs every timer every 5 minutes in Azure, not at the local defaults (each run wakes the app)', () => {
    const config = parseConfig(deployedEnvironment(), '/home/site/wwwroot');
    expect(config.saas.dueWorkSchedule).toBe('0 */5 * * * *');
    expect(config.leadDelivery.sweepSchedule).toBe('0 */5 * * * *');
    expect(config.testDrive.cleanupSchedule).toBe('0 */5 * * * *');
    expect(config.analytics.schedule).toBe('0 */5 * * * *');
    expect(config.testDrive.provider).toBe('simulated');
    expect(config.leadDelivery.windowHours).toBe(72);
    expect(config.saas.webhookRetryPeriodMs).toBe(28_800_000);
    expect(config.saas.webhookMaxAttempts).toBe(500);
  });

  it('would fail without the Key Vault reference or the storage URIs (what the schema requires outside local mode)', () => {
    const env = deployedEnvironment();
    const { SECRETS_KEY: _key, ...withoutKey } = env;
    expect(() => parseConfig(withoutKey)).toThrow(/SECRETS_KEY: is required when AUTH_MODE is not local/);
    const { AzureWebJobsStorage__tableServiceUri: _t, ...withoutTable } = env;
    expect(() => parseConfig(withoutTable)).toThrow(/STORAGE_CONNECTION_STRING: set STORAGE_CONNECTION_STRING/);
  });

  it('runs Node 22 on Flex Consumption, with the identity for the deployment package and Key Vault references', () => {
    const text = functionBicep();
    expect(text).toMatch(/param nodeVersion string = '22'/);
    expect(text).toMatch(/name: 'FC1'\s+tier: 'FlexConsumption'/);
    expect(text).toMatch(/keyVaultReferenceIdentity: identityId/);
    expect(text).toMatch(/type: 'UserAssignedIdentity'/);
    const main = readFileSync(path.join(infra, 'main.bicep'), 'utf8');
    expect(main).toMatch(/param nodeVersion string = '22'/);
    for (const param of ['location', 'namePrefix', 'entraAppClientId', 'secretsKey']) expect(main).toMatch(new RegExp(`^param ${param} `, 'm'));
    expect(main).toMatch(/@secure\(\)\s+@minLength\(44\)\s+param secretsKey string/);
  });

  it('scopes the storage data roles to the account: blob owner, queue and table contributor (Durable needs all three)', () => {
    const rbac = readFileSync(path.join(infra, 'app/rbac.bicep'), 'utf8');
    expect(rbac).toContain("storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'");
    expect(rbac).toContain("storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'");
    expect(rbac).toContain("storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'");
    expect(rbac).toMatch(/for roleId in storageRoleIds: \{[\s\S]*?scope: storage\n/);
    const storage = readFileSync(path.join(infra, 'app/storage.bicep'), 'utf8');
    expect(storage).toContain('allowSharedKeyAccess: false');
    const vault = readFileSync(path.join(infra, 'app/keyvault.bicep'), 'utf8');
    expect(vault).toContain('enableRbacAuthorization: true');
    expect(vault).toContain("keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'");
  });
});
