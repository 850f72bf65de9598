/**
 * One host process: the app served by the local Functions host against storage that is already running (configured,
 * or started by the supervisor, local/supervisor.ts). Prints the banner and a machine-readable ready line, tells a
 * supervising parent when it is ready, and stops cleanly on SIGINT/SIGTERM or when its parent goes away.
 */
import path from 'node:path';
import { crashFaults } from './durable/faults';
import { describeFunctions } from './function-kinds';
import type { DurableStorage } from './durable';
import { config } from '../shared/config';
import { describeOutboundPolicy } from '../shared/outbound/policy';
import { storageCredential } from '../shared/storage/credential';
import type { appClock as AppClock } from '../shared/composition';
import { resolveEntries, startHost } from './host';
import { httpsListener, type HostSettings } from './settings';
import { loadOrCreateLocalTls, localTlsDir, type LocalTls } from './tls';

/**
 * The storage Durable Functions use: the app's (the connection string, as Core Tools reads AzureWebJobsStorage, or
 * the table service URI with the app's token credential, as the Functions host reads AzureWebJobsStorage__*).
 */
function durableStorage(): DurableStorage {
  const storage = config().storage;
  if (storage.kind === 'connectionString') return { connectionString: storage.connectionString };
  return { tableEndpoint: storage.tableEndpoint, credential: storageCredential(storage.clientId) };
}

export async function runHost(appRoot: string, settings: HostSettings, storageNote: string): Promise<void> {
  const quiet = settings.LOCAL_QUIET === 'true';
  const log = quiet ? () => undefined : (line: string) => console.log(line);

  // The app's own clock drives timer triggers, so moving the test clock moves schedules too.
  // The served app's own composition root (the deployment package's copy under LOCAL_APP_ROOT), so the admin clock
  // route and the timers move one clock.
  const { appClock } = (await import(path.join(appRoot, 'dist', 'shared', 'composition.js'))) as { appClock: typeof AppClock };
  const clock = appClock();

  const storage = durableStorage();
  const crashPoints = settings.CRASH_AT.split(',').map((p) => p.trim()).filter(Boolean);
  const extra = settings.LOCAL_APP_EXTRA_ENTRIES.split(',').map((s) => s.trim()).filter(Boolean).map((p) => path.resolve(appRoot, p));
  const ownerId = process.env['LOCAL_DURABLE_OWNER_ID'];
  const https = httpsListener(settings);
  const tls: LocalTls | undefined = https ? loadOrCreateLocalTls(localTlsDir()) : undefined;
  const host = await startHost({
    appRoot,
    entries: [...resolveEntries(appRoot), ...extra],
    port: settings.PORT,
    hostname: settings.HOST,
    clock: { now: () => clock.now(), onChange: (listener) => clock.onChange(listener) },
    ...(settings.LOCAL_MAX_BODY_BYTES ? { maxBodyBytes: settings.LOCAL_MAX_BODY_BYTES } : {}),
    log,
    ...(https && tls ? { https: { port: https.port, key: tls.key, cert: tls.cert, skipIfBusy: !https.explicit } } : {}),
    ...(storage
      ? {
          durable: {
            storage,
            prefix: settings.STORAGE_PREFIX ?? '',
            leaseMs: settings.LOCAL_DURABLE_LEASE_SECONDS * 1000,
            faults: crashFaults(crashPoints),
            ...(ownerId ? { ownerId } : {}),
          },
        }
      : {}),
  });

  const supervised = typeof process.send === 'function';
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    if (!supervised) console.log(`\n${why}: stopping the host...`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await host.close().catch((e: unknown) => console.error(e instanceof Error ? e.message : e));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT received'));
  process.on('SIGTERM', () => void stop('SIGTERM received'));
  // A supervised host never outlives its supervisor (even one killed with SIGKILL).
  if (supervised) process.on('disconnect', () => void stop('supervisor gone'));

  const shown = settings.HOST === '127.0.0.1' ? `http://localhost:${host.port}` : host.url;
  console.log(
    [
      '',
      `Marketplace backend listening on ${shown}`,
      `  storage:   ${storageNote}`,
      `  functions: ${describeFunctions(host.functions)}`,
      `  outbound:  ${describeOutboundPolicy(config().outbound)}`,
      ...httpsLines(host.httpsUrl, https, settings, tls),
      `  health:    curl ${shown}/api/health`,
      '  token:     npm run -s token -- --publisher contoso     (also: --customer --tenant T --user U, --operator)',
      `  try:       curl -H "Authorization: Bearer $(npm run -s token -- --publisher contoso)" ${shown}/api/me`,
      ...(host.hostKeysFile ? [`  durable:   the Durable HTTP API needs the system key (code= or x-functions-key): systemKeys[0].value in ${path.relative(process.cwd(), host.hostKeysFile)}`] : []),
      '',
    ].join('\n'),
  );
  if (!quiet) for (const route of host.routes) console.log(`  ${route}`);
  // A machine-readable line for tests and scripts that start the host.
  const ready = {
    url: host.url,
    port: host.port,
    pid: process.pid,
    ...(host.httpsUrl && tls ? { https: { url: host.httpsUrl, port: host.httpsPort, ca: tls.caFile } } : {}),
  };
  console.log(`LOCAL_HOST_READY ${JSON.stringify(ready)}`);
  process.send?.({ type: 'ready', ...ready });
}

/** The banner's HTTPS lines: where it listens, how Node code trusts the local CA, and the authority for MSAL. */
function httpsLines(httpsUrl: string | undefined, asked: { port: number } | undefined, settings: HostSettings, tls: LocalTls | undefined): string[] {
  if (!asked || !tls) return [];
  if (!httpsUrl) return [`  https:     not started: port ${asked.port} is in use (LOCAL_HTTPS_PORT: another port, 0 for any free one, or off)`];
  const shown = settings.HOST === '127.0.0.1' ? httpsUrl.replace('//127.0.0.1:', '//localhost:') : httpsUrl;
  // Absolute: ISV code runs from its own folder.
  const renewed = tls.outcome === 'ca-created' ? ' (new local CA)' : tls.outcome === 'server-issued' ? ' (certificate renewed)' : '';
  return [
    `  https:     ${shown}  certificate for localhost, 127.0.0.1, ::1 until ${tls.notAfter.toISOString().slice(0, 10)}${renewed}`,
    `  trust:     NODE_EXTRA_CA_CERTS=${tls.caFile} node your-app.js   (Node code; the local CA signs for localhost only)`,
    `  identity:  new ClientSecretCredential(tenantId, clientId, secret, { authorityHost: '${shown}', disableInstanceDiscovery: true })`,
  ];
}
