/**
 * `npm start`: runs the backend without Azure Functions Core Tools. Applies local.settings.json like Core Tools,
 * starts Azurite as a child process when no storage is configured (data under .azurite/), loads the app from
 * package.json `main`, and serves it on PORT (default 7071). Stops cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { z } from 'zod';
import { startAzurite, type AzuriteHandle } from './azurite';
import type { DurableStorage } from './durable';
import { crashFaults } from './durable/faults';
import { applyLocalSettings, resolveEntries, startHost } from './host';

const appRoot = path.resolve(__dirname, '..', '..');

const hostSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(7071),
  HOST: z.string().default('127.0.0.1'),
  LOCAL_STORAGE_LOCATION: z.string().default('.azurite'),
  LOCAL_STORAGE_IN_MEMORY: z.enum(['true', 'false']).default('false'),
  LOCAL_APP_EXTRA_ENTRIES: z.string().default(''),
  LOCAL_MAX_BODY_BYTES: z.coerce.number().int().positive().optional(),
  LOCAL_QUIET: z.enum(['true', 'false']).default('false'),
  // Durable Functions: the task hub's tables carry STORAGE_PREFIX like the app's; a crashed host's partitions are
  // taken over when its leases (this long) run out; CRASH_AT names crash points for crash tests (durable/faults.ts).
  STORAGE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, 'must be a letter followed by up to 19 letters or digits').optional(),
  LOCAL_DURABLE_LEASE_SECONDS: z.coerce.number().min(1).max(300).default(15),
  CRASH_AT: z.string().default(''),
});

function storageConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['STORAGE_CONNECTION_STRING'] || env['AzureWebJobsStorage'] || env['STORAGE_TABLE_ENDPOINT']);
}

/** The storage Durable Functions use: the connection string, as Core Tools reads AzureWebJobsStorage. */
function durableStorage(env: NodeJS.ProcessEnv): DurableStorage | undefined {
  const connectionString = env['STORAGE_CONNECTION_STRING'] || env['AzureWebJobsStorage'];
  if (connectionString) return { connectionString };
  const tableEndpoint = env['STORAGE_TABLE_ENDPOINT'];
  return tableEndpoint ? { tableEndpoint } : undefined;
}

let azurite: AzuriteHandle | undefined;

async function main(): Promise<void> {
  applyLocalSettings(appRoot);
  const parsed = hostSettings.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid host setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const settings = parsed.data;
  const quiet = settings.LOCAL_QUIET === 'true';
  const log = quiet ? () => undefined : (line: string) => console.log(line);

  let storageNote: string;
  if (storageConfigured(process.env)) {
    storageNote = process.env['STORAGE_TABLE_ENDPOINT'] ? `Azure Storage (${process.env['STORAGE_TABLE_ENDPOINT']})` : 'the configured connection string';
  } else {
    const inMemory = settings.LOCAL_STORAGE_IN_MEMORY === 'true';
    const location = path.resolve(appRoot, settings.LOCAL_STORAGE_LOCATION);
    azurite = await startAzurite(inMemory ? {} : { location });
    process.env['STORAGE_CONNECTION_STRING'] = azurite.connectionString;
    process.env['AzureWebJobsStorage'] ??= azurite.connectionString;
    storageNote = `embedded Azurite (${inMemory ? 'in memory' : location}; blob ${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table})`;
  }

  // The app's own clock drives timer triggers, so moving the test clock moves schedules too.
  const { appClock } = await import('../shared/composition.js');
  const clock = appClock();

  const storage = durableStorage(process.env);
  const crashPoints = settings.CRASH_AT.split(',').map((p) => p.trim()).filter(Boolean);
  const extra = settings.LOCAL_APP_EXTRA_ENTRIES.split(',').map((s) => s.trim()).filter(Boolean).map((p) => path.resolve(appRoot, p));
  const host = await startHost({
    appRoot,
    entries: [...resolveEntries(appRoot), ...extra],
    port: settings.PORT,
    hostname: settings.HOST,
    clock: { now: () => clock.now(), onChange: (listener) => clock.onChange(listener) },
    ...(settings.LOCAL_MAX_BODY_BYTES ? { maxBodyBytes: settings.LOCAL_MAX_BODY_BYTES } : {}),
    log,
    ...(storage
      ? {
          durable: {
            storage,
            prefix: settings.STORAGE_PREFIX ?? '',
            leaseMs: settings.LOCAL_DURABLE_LEASE_SECONDS * 1000,
            faults: crashFaults(crashPoints),
          },
        }
      : {}),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping the host${azurite ? ' and Azurite' : ''}...`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await host.close().catch((e: unknown) => console.error(e));
    await azurite?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const shown = settings.HOST === '127.0.0.1' ? `http://localhost:${host.port}` : host.url;
  console.log(
    [
      '',
      `Marketplace backend listening on ${shown}`,
      `  storage:   ${storageNote}`,
      `  functions: ${host.functions.length} (${host.routes.length} HTTP routes, ${host.timers.length} timers)`,
      `  health:    curl ${shown}/api/health`,
      '  token:     npm run -s token -- --publisher contoso     (also: --customer --tenant T --user U, --operator)',
      `  try:       curl -H "Authorization: Bearer $(npm run -s token -- --publisher contoso)" ${shown}/api/me`,
      '',
    ].join('\n'),
  );
  if (!quiet) for (const route of host.routes) console.log(`  ${route}`);
  // A machine-readable line for tests and scripts that start the host.
  console.log(`LOCAL_HOST_READY ${JSON.stringify({ url: host.url, port: host.port, pid: process.pid })}`);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await azurite?.stop();
  process.exit(1);
});
