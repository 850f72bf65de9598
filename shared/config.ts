/**
 * Settings, parsed once from the environment. Nothing else in the app reads `process.env`. A bad value stops the
 * app at start-up with a message naming the setting. Every setting is documented in local.settings.sample.json
 * and in the README's settings table.
 */
import path from 'node:path';
import { z } from 'zod';
import { decodeKey } from './crypto/secrets';
import { serviceEndpoints } from './storage/endpoints';
import { guidSchema } from './guid';
import { ANALYTICS_SCHEDULE, booleanSetting, ConfigError, LEADS_SWEEP_SCHEDULE, list, SAAS_DUE_WORK_SCHEDULE, simulatedFaults, TESTDRIVE_CLEANUP_SCHEDULE, timerSchedule } from './config-schemas';

/** The resource (audience) Microsoft's marketplace APIs use for metering and SaaS fulfillment tokens. */
export const MARKETPLACE_API_RESOURCE = '20e940b3-4c77-4b0b-9a53-9e16a1b010a7';

/** Where the local issuer keeps its signing keys; the local host keeps its own keys in the same folder. */
export const DEFAULT_LOCAL_ISSUER_KEY_FILE = '.local/issuer-keys.json';

/** A SAS link's longest life: a user delegation key lives at most 7 days; an hour is left for clock skew (decision 0907). */
const ANALYTICS_SAS_MAX_TTL_MINUTES = 10_020;

const settingsSchema = z
  .object({
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    AzureWebJobsStorage: z.string().optional(),
    STORAGE_TABLE_ENDPOINT: z.url().optional(),
    STORAGE_BLOB_ENDPOINT: z.url().optional(),
    STORAGE_QUEUE_ENDPOINT: z.url().optional(),
    /** The Functions host's identity-based storage, the app's too without a connection string (decision 0015). */
    AzureWebJobsStorage__accountName: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name (3-24 lowercase letters and digits)').optional(),
    AzureWebJobsStorage__blobServiceUri: z.url().optional(),
    AzureWebJobsStorage__queueServiceUri: z.url().optional(),
    AzureWebJobsStorage__tableServiceUri: z.url().optional(),
    AzureWebJobsStorage__credential: z.literal('managedidentity', { message: 'must be managedidentity (the only value the Functions host knows)' }).optional(),
    AzureWebJobsStorage__clientId: z.uuid().optional(),
    /** The user-assigned managed identity DefaultAzureCredential uses (storage, and the test drives' ARM calls). */
    AZURE_CLIENT_ID: z.uuid().optional(),
    STORAGE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, 'must be a letter followed by up to 19 letters or digits')
      .optional(),
    AUTH_MODE: z.enum(['local', 'entra']).default('local'),
    AUTH_AUDIENCES: list.default([
      MARKETPLACE_API_RESOURCE,
      'https://api.partner.microsoft.com',
      'https://cloudpartner.azure.com',
      'api://marketplace-backend',
    ]),
    LOCAL_ISSUER_BASE: z.url().default('https://login.marketplace.local'),
    LOCAL_ISSUER_KEY_FILE: z.string().min(1).default(DEFAULT_LOCAL_ISSUER_KEY_FILE),
    ENTRA_AUTHORITY: z.url().default('https://login.microsoftonline.com'),
    OPERATOR_ROLE: z.string().min(1).default('Marketplace.Operator'),
    CONSOLE_ENTRA_CLIENT_ID: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID').optional(),
    CONSOLE_ENTRA_TENANT: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'must be a tenant id, a domain, organizations or common').default('organizations'),
    CONSOLE_ENTRA_SCOPES: list.default(['api://marketplace-backend/user_impersonation']),
    CONSOLE_POLL_MS: z.coerce.number().int().min(250).max(60_000).default(2000),
    TEST_CLOCK: booleanSetting.default(false),
    MAX_JSON_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
    PUBLIC_BASE_URL: z.url().optional(),
    APP_VERSION: z.string().optional(),
    CRASH_AT: list.optional(),
    SECRETS_KEY: z
      .string()
      .refine((v) => decodeKey(v) !== undefined, 'must be a base64-encoded 32-byte key (for example `openssl rand -base64 32`)')
      .optional(),
    LOCAL_SECRETS_KEY_FILE: z.string().min(1).default('.local/secrets-key'),
    MAX_ARTIFACT_BYTES: z.coerce.number().int().positive().default(52_428_800),
    SAAS_ACK_WINDOW_MS: z.coerce.number().int().positive().default(10_000),
    /** How long a change the ISV starts itself stays InProgress before it completes (issue 23; the emulator's SUBSCRIPTION_UPDATE_DELAY). */
    SAAS_ISV_CHANGE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    SAAS_PURCHASE_TOKEN_TTL_MS: z.coerce.number().int().positive().default(86_400_000),
    SAAS_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
    /** DEC-A33: a purchase not activated within this many ms is cancelled; 0 (the default) = never. */
    SAAS_PENDING_EXPIRY_MS: z.coerce.number().int().min(0).default(0),
    SAAS_DUE_WORK_SCHEDULE,
    WEBHOOK_RETRY_PERIOD_MS: z.coerce.number().int().positive().default(28_800_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(500),
    OUTBOUND_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Unset: allowed under AUTH_MODE=local (webhook sinks on localhost), refused otherwise (decision 0006). */
    OUTBOUND_ALLOW_LOOPBACK: booleanSetting.optional(),
    OUTBOUND_ALLOWED_HOSTS: list.optional(),
    METERING_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
    METERING_ACCEPT_USAGE_BEFORE_CANCELLATION: booleanSetting.default(true),
    METERING_FUTURE_SKEW_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
    /** Lead delivery (decision 0520): how long a lead is retried, per attempt time-out, the sweeper's schedule and grace. */
    LEADS_DELIVERY_WINDOW_HOURS: z.coerce.number().positive().max(8760).default(72),
    /** Test drives (shared/testdrive, decisions 0700–0705). */
    TESTDRIVE_PROVIDER: z.enum(['simulated', 'azure']).default('simulated'),
    TESTDRIVE_CLEANUP_SCHEDULE,
    TESTDRIVE_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    TESTDRIVE_PROVISION_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(120),
    TESTDRIVE_START_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(20),
    TESTDRIVE_DELETE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    TESTDRIVE_SIM_DEPLOY_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
    TESTDRIVE_SIM_STOP_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
    TESTDRIVE_SIM_START_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
    TESTDRIVE_SIM_DELETE_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
    TESTDRIVE_SIM_FAULTS: simulatedFaults.optional(),
    TESTDRIVE_ARM_ENDPOINT: z.url().default('https://management.azure.com'),
    /** Decision 0708: the live offer's test drive cached per host (0 = read the catalog on every request). */
    TESTDRIVE_OFFER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /** Decision 0709: days ended drives and deleted instances stay readable before the cleanup removes them. */
    TESTDRIVE_HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    LEADS_TARGET_TIMEOUT_MS: z.coerce.number().int().positive().max(300_000).default(30_000),
    LEADS_SWEEP_SCHEDULE,
    LEADS_SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
    LEADS_OFFER_CONCURRENCY: z.coerce.number().int().positive().max(1000).default(5),
    /** Decision 0524: first attempts in the capturing process (0 = every lead to its orchestration), their queue, the live offer's cache. */
    LEADS_FIRST_ATTEMPT_CONCURRENCY: z.coerce.number().int().min(0).max(1000).default(16),
    LEADS_FIRST_ATTEMPT_QUEUE: z.coerce.number().int().min(0).max(100_000).default(2_000),
    LEADS_OFFER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /** Lead targets (decision 0510): Azurite / UseDevelopmentStorage=true as an ISV Table destination; the Entra host of Dynamics tokens; more Dynamics host suffixes; the Office365 mode's public client; the Marketo and Salesforce endpoints. */
    LEADS_ALLOW_DEV_STORAGE: booleanSetting.default(false),
    LEADS_ENTRA_AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com'),
    LEADS_DYNAMICS_HOST_SUFFIXES: list.optional(),
    LEADS_DYNAMICS_PUBLIC_CLIENT_ID: guidSchema().default('51f81489-12ee-4a9e-aaae-a2591f45987d'),
    LEADS_MARKETO_BASE_URL: z
      .string()
      .regex(/^https?:\/\/\S*\{serverId\}\S*$/, 'must be a URL containing {serverId}, for example https://app-{serverId}.marketo.com')
      .default('https://app-{serverId}.marketo.com'),
    LEADS_SALESFORCE_URL: z.url().default('https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8'),
    /** Benchmarks only: `POST /api/bench/floor`, an authenticated route doing one Table insert (decision 0523). */
    BENCH_FLOOR_ROUTE: booleanSetting.default(false),
    /** The publish pipeline (shared/publish, decisions 0600–0601): the simulated step durations' scale on the project clock (0 = instantaneous, 1 = the documented times) and the certification mode (manual: an operator approves or rejects). */
    PUBLISH_TIME_SCALE: z.coerce.number().min(0).max(1000).default(0),
    PUBLISH_CERTIFICATION_MODE: z.enum(['auto', 'manual']).default('auto'),
    /** License management (decision 0802): tenants whose simulated conditional-access policy blocks license calls (403 900309). */
    LICENSING_BLOCKED_TENANTS: list.optional(),
    /** How stale the license check may be about another process's writes (decision 0803); 0 turns its cache off. */
    LICENSING_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
    /** Analytics (shared/analytics, decisions 0900–0906): the scheduler's timer, download links' lifetime, a running execution's lease, callback attempts. */
    ANALYTICS_SCHEDULE,
    ANALYTICS_LINK_TTL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /** How report download links are served (decision 0907): `route` through the app, `sas` straight from Blob storage. */
    ANALYTICS_LINK_MODE: z.enum(['route', 'sas']).default('route'),
    ANALYTICS_EXECUTION_LEASE_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    ANALYTICS_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  })
  .superRefine((s, ctx) => {
    const connection = s.STORAGE_CONNECTION_STRING ?? s.AzureWebJobsStorage;
    const endpoints = serviceEndpoints(s);
    if (!connection && !(endpoints.table && endpoints.blob)) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_CONNECTION_STRING'],
        message:
          'set STORAGE_CONNECTION_STRING (or AzureWebJobsStorage), or STORAGE_TABLE_ENDPOINT and STORAGE_BLOB_ENDPOINT (or AzureWebJobsStorage__tableServiceUri and __blobServiceUri, or AzureWebJobsStorage__accountName)',
      });
    }
    // Outside local mode there is no development key file to fall back on: secrets must not be sealed with a key
    // that lives on one instance's disk.
    if (s.AUTH_MODE !== 'local' && !s.SECRETS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRETS_KEY'],
        message: 'is required when AUTH_MODE is not local (a Key Vault reference in Azure)',
      });
    }
    // A SAS link is signed with a user delegation key in Azure, and storage issues none that lives over 7 days.
    if (s.ANALYTICS_LINK_MODE === 'sas' && s.ANALYTICS_LINK_TTL_MINUTES > ANALYTICS_SAS_MAX_TTL_MINUTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['ANALYTICS_LINK_TTL_MINUTES'],
        message: `must be at most ${ANALYTICS_SAS_MAX_TTL_MINUTES} (7 days less an hour) when ANALYTICS_LINK_MODE is sas`,
      });
    }
  });

export type Settings = z.output<typeof settingsSchema>;

/** Every setting the app reads (the schema's keys): infra/app/function.bicep sets no other app setting but the platform's. */
export const SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape);

export interface Config {
  storage:
    | { kind: 'connectionString'; connectionString: string; prefix: string }
    | {
        kind: 'identity';
        tableEndpoint: string;
        blobEndpoint: string;
        queueEndpoint?: string;
        prefix: string;
        /** The user-assigned managed identity's client id (AzureWebJobsStorage__clientId or AZURE_CLIENT_ID). */
        clientId?: string;
      };
  auth: {
    mode: 'local' | 'entra';
    audiences: string[];
    localIssuerBase: string;
    localIssuerKeyFile: string;
    entraAuthority: string;
    operatorRole: string;
  };
  /** The web console (decision 1000): Entra sign-in in `entra` mode, and how often it polls changes in flight. */
  console: { entraClientId?: string; entraTenant: string; entraScopes: string[]; pollMs: number };
  testClock: boolean;
  maxJsonBodyBytes: number;
  publicBaseUrl?: string;
  version: string;
  /** Test-only: named fault points at which the process kills itself (shared/faults.ts). */
  crashAt: string[];
  /** Key for secrets at rest (shared/crypto/secrets.ts); the file is used only in local mode without SECRETS_KEY. */
  secrets: { key?: string; localKeyFile: string; localMode: boolean };
  /** Upper bound for one uploaded package artifact (the per-kind limits of the catalog apply below it). */
  maxArtifactBytes: number;
  /** SaaS fulfillment (shared/saas): ACK window, purchase-token lifetime, webhook retry policy. */
  saas: {
    ackWindowMs: number;
    /** How long an ISV-initiated plan or quantity change stays InProgress before it completes. */
    isvChangeDelayMs: number;
    purchaseTokenTtlMs: number;
    cacheTtlMs: number;
    webhookRetryPeriodMs: number;
    webhookMaxAttempts: number;
    /** 0 = a pending purchase never expires (DEC-A33). */
    pendingExpiryMs: number;
    /** NCRONTAB schedule of the `saas-due-work` timer; each run wakes the app, so Azure uses a slower one. */
    dueWorkSchedule: string;
  };
  /** The one outbound HTTP client (shared/outbound/policy.ts): timeout and address policy. */
  outbound: {
    timeoutMs: number;
    allowLoopback: boolean;
    /** Whether `allowLoopback` is the mode's default (local: on) or OUTBOUND_ALLOW_LOOPBACK set explicitly. */
    allowLoopbackSource: 'default' | 'setting';
    /** Outside local mode only https is called and offers' webhook URLs must be https (decision 0006). */
    httpsOnly: boolean;
    allowedHosts: string[];
  };
  /**
   * Metering (shared/metering): how stale a cached resource or plan may be (architecture.md, Caches: at most 5 s
   * by default); whether an Unsubscribed subscription's usage for hours before its cancellation is accepted (the
   * metering FAQ's exception, specs/metering.md A7; false = the strict seed reading); how far in the future an
   * effectiveStartTime may lie (A4, 0 by default so tests are deterministic).
   */
  metering: { cacheTtlMs: number; acceptUsageBeforeCancellation: boolean; futureSkewMs: number };
  /**
   * Test drives (shared/testdrive, decisions 0700–0705): the instance provider, the cleanup's schedule, how often a
   * waiting drive polls its provider, the stuck time-outs (G23), the simulated provider's delays on the project clock
   * and injected faults, and the ARM endpoint of the Azure provider.
   */
  testDrive: {
    provider: 'simulated' | 'azure';
    cleanupSchedule: string;
    pollMs: number;
    timeouts: { provisionMs: number; startMs: number; deleteMs: number };
    simulated: { delaysMs: { deploy: number; stop: number; start: number; delete: number }; faults: Partial<Record<'deploy' | 'stop' | 'start' | 'delete', number>> };
    armEndpoint: string;
    offerCacheTtlMs: number;
    historyMs: number;
  };
  /**
   * Lead delivery (shared/leads, decisions 0520–0521): the retry window in hours (spec 2.5 (5): 72), the time-out of
   * one attempt, the sweeper's NCRONTAB schedule and how long past its due time a delivery is left to its
   * orchestration before the sweeper starts it again (spec 2.5 (2): 2 minutes), and how many attempts to one offer's
   * destination run at once in one process (the rest wait a second, so a hanging CRM cannot take every activity slot).
   */
  leadDelivery: {
    windowHours: number;
    timeoutMs: number;
    sweepSchedule: string;
    sweepGraceMs: number;
    offerConcurrency: number;
    /** Decision 0524: the first attempt in the capturing process, and how long the live offer is cached. */
    firstAttempt: { concurrency: number; queueMax: number };
    offerCacheTtlMs: number;
  };
  /** The publish pipeline (shared/publish, decisions 0600–0601): time scale of the simulated steps, certification mode. */
  publish: { timeScale: number; certificationMode: 'auto' | 'manual' };
  /**
   * Lead targets (shared/leads/store/targets, decision 0510): development storage allowed as an ISV's Table, the Entra
   * authority host for Dynamics tokens, extra Dynamics host suffixes (sovereign clouds; the built-in list when unset),
   * the public client of the Office365 password mode, the Marketo base URL (with `{serverId}`) and the Web-to-Lead URL.
   */
  leadTargets: {
    allowDevStorage: boolean;
    entraAuthorityHost: string;
    dynamicsHostSuffixes?: string[];
    dynamicsPublicClientId: string;
    marketoBaseUrl: string;
    salesforceUrl: string;
  };
  /** Benchmarks only: the host's floor route (one authenticated Table insert), 404 unless enabled (decision 0523). */
  benchFloorRoute: boolean;
  /** License management (shared/licensing, decision 0802): customer tenants whose conditional access blocks license calls. */
  licensing: { blockedTenants: string[]; cacheTtlMs: number };
  /** Analytics (shared/analytics): the scheduler's schedule, download links' lifetime, a running execution's lease, callback attempts. */
  analytics: { schedule: string; linkTtlMs: number; linkMode: 'route' | 'sas'; executionLeaseMs: number; callbackMaxAttempts: number };
}

export { ConfigError };

export function parseConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = settingsSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const s = result.data;
  const prefix = s.STORAGE_PREFIX ?? '';
  const connection = s.STORAGE_CONNECTION_STRING ?? s.AzureWebJobsStorage;
  const endpoints = serviceEndpoints(s);
  const clientId = s.AzureWebJobsStorage__clientId ?? s.AZURE_CLIENT_ID;
  return {
    storage: connection
      ? { kind: 'connectionString', connectionString: connection, prefix }
      : {
          kind: 'identity',
          tableEndpoint: endpoints.table as string,
          blobEndpoint: endpoints.blob as string,
          ...(endpoints.queue ? { queueEndpoint: endpoints.queue } : {}),
          prefix,
          ...(clientId ? { clientId } : {}),
        },
    auth: {
      mode: s.AUTH_MODE,
      audiences: s.AUTH_AUDIENCES,
      localIssuerBase: s.LOCAL_ISSUER_BASE.replace(/\/$/, ''),
      localIssuerKeyFile: path.resolve(cwd, s.LOCAL_ISSUER_KEY_FILE),
      entraAuthority: s.ENTRA_AUTHORITY.replace(/\/$/, ''),
      operatorRole: s.OPERATOR_ROLE,
    },
    console: {
      ...(s.CONSOLE_ENTRA_CLIENT_ID ? { entraClientId: s.CONSOLE_ENTRA_CLIENT_ID.toLowerCase() } : {}),
      entraTenant: s.CONSOLE_ENTRA_TENANT,
      entraScopes: s.CONSOLE_ENTRA_SCOPES,
      pollMs: s.CONSOLE_POLL_MS,
    },
    testClock: s.TEST_CLOCK,
    maxJsonBodyBytes: s.MAX_JSON_BODY_BYTES,
    ...(s.PUBLIC_BASE_URL ? { publicBaseUrl: s.PUBLIC_BASE_URL.replace(/\/$/, '') } : {}),
    version: s.APP_VERSION ?? packageVersion(),
    crashAt: s.CRASH_AT ?? [],
    secrets: {
      ...(s.SECRETS_KEY ? { key: s.SECRETS_KEY } : {}),
      localKeyFile: path.resolve(cwd, s.LOCAL_SECRETS_KEY_FILE),
      localMode: s.AUTH_MODE === 'local',
    },
    maxArtifactBytes: s.MAX_ARTIFACT_BYTES,
    saas: {
      ackWindowMs: s.SAAS_ACK_WINDOW_MS,
      isvChangeDelayMs: s.SAAS_ISV_CHANGE_DELAY_MS,
      purchaseTokenTtlMs: s.SAAS_PURCHASE_TOKEN_TTL_MS,
      cacheTtlMs: s.SAAS_CACHE_TTL_MS,
      webhookRetryPeriodMs: s.WEBHOOK_RETRY_PERIOD_MS,
      webhookMaxAttempts: s.WEBHOOK_MAX_ATTEMPTS,
      pendingExpiryMs: s.SAAS_PENDING_EXPIRY_MS,
      dueWorkSchedule: s.SAAS_DUE_WORK_SCHEDULE,
    },
    outbound: {
      timeoutMs: s.OUTBOUND_TIMEOUT_MS,
      allowLoopback: s.OUTBOUND_ALLOW_LOOPBACK ?? s.AUTH_MODE === 'local',
      allowLoopbackSource: s.OUTBOUND_ALLOW_LOOPBACK === undefined ? 'default' : 'setting',
      httpsOnly: s.AUTH_MODE !== 'local',
      allowedHosts: s.OUTBOUND_ALLOWED_HOSTS ?? [],
    },
    metering: {
      cacheTtlMs: s.METERING_CACHE_TTL_MS,
      acceptUsageBeforeCancellation: s.METERING_ACCEPT_USAGE_BEFORE_CANCELLATION,
      futureSkewMs: s.METERING_FUTURE_SKEW_MS,
    },
    testDrive: {
      provider: s.TESTDRIVE_PROVIDER,
      cleanupSchedule: s.TESTDRIVE_CLEANUP_SCHEDULE,
      pollMs: s.TESTDRIVE_POLL_SECONDS * 1000,
      timeouts: {
        provisionMs: s.TESTDRIVE_PROVISION_TIMEOUT_MINUTES * 60_000,
        startMs: s.TESTDRIVE_START_TIMEOUT_MINUTES * 60_000,
        deleteMs: s.TESTDRIVE_DELETE_TIMEOUT_MINUTES * 60_000,
      },
      simulated: {
        delaysMs: {
          deploy: s.TESTDRIVE_SIM_DEPLOY_SECONDS * 1000,
          stop: s.TESTDRIVE_SIM_STOP_SECONDS * 1000,
          start: s.TESTDRIVE_SIM_START_SECONDS * 1000,
          delete: s.TESTDRIVE_SIM_DELETE_SECONDS * 1000,
        },
        faults: Object.fromEntries(
          (s.TESTDRIVE_SIM_FAULTS ?? []).map((f): [string, number] => [f.slice(0, f.indexOf(':')), Number(f.slice(f.indexOf(':') + 1))]),
        ),
      },
      armEndpoint: s.TESTDRIVE_ARM_ENDPOINT.replace(/\/$/, ''),
      offerCacheTtlMs: s.TESTDRIVE_OFFER_CACHE_TTL_MS,
      historyMs: s.TESTDRIVE_HISTORY_DAYS * 86_400_000,
    },
    publish: {
      timeScale: s.PUBLISH_TIME_SCALE,
      certificationMode: s.PUBLISH_CERTIFICATION_MODE,
    },
    leadDelivery: {
      windowHours: s.LEADS_DELIVERY_WINDOW_HOURS,
      timeoutMs: s.LEADS_TARGET_TIMEOUT_MS,
      sweepSchedule: s.LEADS_SWEEP_SCHEDULE,
      sweepGraceMs: s.LEADS_SWEEP_GRACE_MS,
      offerConcurrency: s.LEADS_OFFER_CONCURRENCY,
      firstAttempt: { concurrency: s.LEADS_FIRST_ATTEMPT_CONCURRENCY, queueMax: s.LEADS_FIRST_ATTEMPT_QUEUE },
      offerCacheTtlMs: s.LEADS_OFFER_CACHE_TTL_MS,
    },
    leadTargets: {
      allowDevStorage: s.LEADS_ALLOW_DEV_STORAGE,
      entraAuthorityHost: s.LEADS_ENTRA_AUTHORITY_HOST.replace(/\/$/, ''),
      ...(s.LEADS_DYNAMICS_HOST_SUFFIXES ? { dynamicsHostSuffixes: s.LEADS_DYNAMICS_HOST_SUFFIXES } : {}),
      dynamicsPublicClientId: s.LEADS_DYNAMICS_PUBLIC_CLIENT_ID,
      marketoBaseUrl: s.LEADS_MARKETO_BASE_URL,
      salesforceUrl: s.LEADS_SALESFORCE_URL,
    },
    benchFloorRoute: s.BENCH_FLOOR_ROUTE,
    licensing: { blockedTenants: (s.LICENSING_BLOCKED_TENANTS ?? []).map((t) => t.toLowerCase()), cacheTtlMs: s.LICENSING_CACHE_TTL_MS },
    // prettier-ignore
    analytics: { schedule: s.ANALYTICS_SCHEDULE, linkTtlMs: s.ANALYTICS_LINK_TTL_MINUTES * 60_000, linkMode: s.ANALYTICS_LINK_MODE, executionLeaseMs: s.ANALYTICS_EXECUTION_LEASE_MINUTES * 60_000, callbackMaxAttempts: s.ANALYTICS_CALLBACK_MAX_ATTEMPTS },
  };
}

function packageVersion(): string {
  // The compiled file sits in dist/shared, the source in shared: package.json is two or one levels up.
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/** The timers' schedules on their own, for their registration (`timerSchedule`, shared/config-schemas.ts). */
export const dueWorkSchedule = (env = process.env) => timerSchedule('SAAS_DUE_WORK_SCHEDULE', env);
export const leadSweepSchedule = (env = process.env) => timerSchedule('LEADS_SWEEP_SCHEDULE', env);
export const testDriveCleanupSchedule = (env = process.env) => timerSchedule('TESTDRIVE_CLEANUP_SCHEDULE', env);
export const analyticsSchedule = (env = process.env) => timerSchedule('ANALYTICS_SCHEDULE', env);

let cached: Config | undefined;

/** The app's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
