/** The local host's own settings (the app's are in shared/config.ts), parsed once from the environment. */
import path from 'node:path';
import { z } from 'zod';

const hostSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(7071),
  HOST: z.string().default('127.0.0.1'),
  // The HTTPS listener beside the HTTP one (for MSAL and @azure/identity, which refuse http authorities): a port
  // (`0` = any free port) or `off` (also `false`). Unset means 7443, and a busy 7443 then only skips HTTPS with a notice.
  LOCAL_HTTPS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v === 'false' ? 'off' : v),
    z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)], { error: 'must be a port (0-65535, 0 = any free port) or off' }).optional(),
  ),
  LOCAL_STORAGE_LOCATION: z.string().default('.azurite'),
  LOCAL_STORAGE_IN_MEMORY: z.enum(['true', 'false']).default('false'),
  LOCAL_APP_EXTRA_ENTRIES: z.string().default(''),
  // The app to serve: a folder with package.json (its `main`), host.json and the compiled files; unset = this
  // repository. `LOCAL_APP_ROOT=dist/deploy` serves the deployment package that `npm run build` writes.
  LOCAL_APP_ROOT: z.string().min(1).optional(),
  LOCAL_MAX_BODY_BYTES: z.coerce.number().int().positive().optional(),
  LOCAL_QUIET: z.enum(['true', 'false']).default('false'),
  // Durable Functions: the task hub's tables carry STORAGE_PREFIX like the app's; a crashed host's partitions are
  // taken over when its leases (this long) run out; CRASH_AT names crash points for crash tests (durable/faults.ts).
  STORAGE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, 'must be a letter followed by up to 19 letters or digits').optional(),
  LOCAL_DURABLE_LEASE_SECONDS: z.coerce.number().min(1).max(300).default(15),
  CRASH_AT: z.string().default(''),
  // The supervisor (npm start with embedded storage): how often a host that keeps crashing is restarted.
  LOCAL_HOST_RESTARTS: z.coerce.number().int().min(0).max(100).default(5),
});

export type HostSettings = z.output<typeof hostSettings>;

export function parseHostSettings(env: NodeJS.ProcessEnv): HostSettings {
  const parsed = hostSettings.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid host setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The HTTPS listener's port when LOCAL_HTTPS_PORT is unset. */
export const DEFAULT_HTTPS_PORT = 7443;

/** What LOCAL_HTTPS_PORT asks for: no HTTPS, or a port and whether it was asked for (then a busy port is an error). */
export function httpsListener(settings: HostSettings): { port: number; explicit: boolean } | undefined {
  if (settings.LOCAL_HTTPS_PORT === 'off') return undefined;
  if (settings.LOCAL_HTTPS_PORT === undefined) return { port: DEFAULT_HTTPS_PORT, explicit: false };
  return { port: settings.LOCAL_HTTPS_PORT, explicit: true };
}

/** The folder of the app the host serves: LOCAL_APP_ROOT (relative to `repoRoot`) or the repository itself. */
export function appRootFrom(settings: Pick<HostSettings, 'LOCAL_APP_ROOT'>, repoRoot: string): string {
  return settings.LOCAL_APP_ROOT ? path.resolve(repoRoot, settings.LOCAL_APP_ROOT) : repoRoot;
}

export function storageConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env['STORAGE_CONNECTION_STRING'] ||
      env['AzureWebJobsStorage'] ||
      env['STORAGE_TABLE_ENDPOINT'] ||
      env['AzureWebJobsStorage__tableServiceUri'] ||
      env['AzureWebJobsStorage__accountName'],
  );
}
