/**
 * `npm start` with embedded storage: two processes under one supervisor, as the Functions host keeps its language
 * worker apart from Azure Storage. The storage process (Azurite with its write-ahead log) outlives a crash of the
 * host process, and a host that dies is started again against it, with the same Durable lease owner so that it
 * takes its predecessor's partitions at once. A storage process that dies is started again on the same ports and
 * data folder; what it answered is in its log. Ctrl+C and SIGTERM stop the host first, then the storage.
 * See docs/decisions/0009-embedded-storage-durability.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startAzurite, type AzuriteHandle } from './azurite';
import type { HostSettings } from './settings';

/** Stops a child: SIGTERM, then SIGKILL after the grace period. Resolves when it has exited. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function supervise(appRoot: string, settings: HostSettings, entry: string): Promise<void> {
  const inMemory = settings.LOCAL_STORAGE_IN_MEMORY === 'true';
  const location = path.resolve(appRoot, settings.LOCAL_STORAGE_LOCATION);
  const storageOptions = { ...(inMemory ? {} : { location }), detached: true };
  let storage: AzuriteHandle = await startAzurite(storageOptions);
  const ports = storage.ports;
  const note = `embedded Azurite in its own process (${inMemory ? 'in memory' : `${location}, write-ahead log`}; blob ${ports.blob}, queue ${ports.queue}, table ${ports.table})`;
  console.log(`LOCAL_STORAGE_READY ${JSON.stringify({ pid: storage.pid, ports })}`);

  let stopping = false;
  let host: ChildProcess | undefined;
  const crashes: number[] = [];

  const finish = async (code: number): Promise<never> => {
    stopping = true;
    if (host) await stopChild(host, 2_500);
    await storage.stop();
    process.exit(code);
  };

  const watchStorage = (handle: AzuriteHandle): void => {
    void handle.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      console.error(`storage process ${handle.pid} exited (${signal ?? `code ${code}`}); starting it again on the same ports${inMemory ? ' (in memory: its data is gone)' : ' and data'}`);
      try {
        storage = await startAzurite({ ...storageOptions, ports });
      } catch (error) {
        console.error(`storage could not be started again: ${error instanceof Error ? error.message : String(error)}`);
        return finish(1);
      }
      console.log(`LOCAL_STORAGE_READY ${JSON.stringify({ pid: storage.pid, ports })}`);
      watchStorage(storage);
    });
  };
  watchStorage(storage);

  const env = {
    ...process.env,
    STORAGE_CONNECTION_STRING: storage.connectionString,
    AzureWebJobsStorage: process.env['AzureWebJobsStorage'] || storage.connectionString,
    LOCAL_STORAGE_NOTE: note,
    // One lease owner across restarts: the supervisor knows the previous host is gone before it starts the next.
    LOCAL_DURABLE_OWNER_ID: randomUUID(),
  };

  const startHost = (): void => {
    let ready = false;
    // Its own process group: Ctrl+C reaches only the supervisor, which decides the order of the stop.
    const child = spawn(process.execPath, [...process.execArgv, entry], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
    host = child;
    child.on('message', (message: { type?: string }) => {
      if (message?.type === 'ready') ready = true;
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (!ready && signal === null) {
        // It stopped on its own before serving (a bad setting, a port in use): its message says why.
        void finish(code ?? 1);
        return;
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && (crashes[0] as number) < now - 60_000) crashes.shift();
      if (crashes.length > settings.LOCAL_HOST_RESTARTS) {
        console.error(`host process crashed ${crashes.length} times within a minute; giving up`);
        void finish(1);
        return;
      }
      console.error(`host process ${child.pid} exited (${signal ?? `code ${code}`}); starting it again (storage kept running)`);
      setTimeout(startHost, 100);
    });
  };
  startHost();

  const stop = (signal: string): void => {
    if (stopping) return;
    console.log(`\n${signal} received: stopping the host, then the storage...`);
    void finish(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
