/**
 * Starts Azurite (blob, queue, table) as a child process on free loopback ports and waits until every service
 * answers. A child process keeps the host's own memory measurable and lets tests kill either side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Folder for Azurite's data; omitted = in memory (lost when the child stops). */
  location?: string;
  /** Ports to use; omitted = free ports chosen at start. */
  ports?: { blob: number; queue: number; table: number };
  startTimeoutMs?: number;
  /**
   * Its own process group: a Ctrl+C in the terminal then reaches only the parent, which stops the host before the
   * storage it writes to (local/supervisor.ts).
   */
  detached?: boolean;
  /** Settings for the storage process on top of this process's environment (LOCAL_STORAGE_WAL, LOCAL_STORAGE_FSYNC). */
  env?: Record<string, string>;
  /** More Azurite arguments, e.g. `--oauth basic --cert <file> --key <file>` (HTTPS with bearer tokens, test/e2e/deploy-no-keys.test.ts). */
  args?: string[];
}

export interface AzuriteHandle {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  pid: number | undefined;
  /** Resolves when the process ends, however it ends (a stop, a crash, a kill). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export function azuriteConnectionString(ports: { blob: number; queue: number; table: number }): string {
  const base = 'http://127.0.0.1';
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${base}:${ports.blob}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=${base}:${ports.queue}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=${base}:${ports.table}/${AZURITE_ACCOUNT}`,
  ].join(';');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const attempts = options.ports ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const ports = options.ports ?? { blob: await freePort(), queue: await freePort(), table: await freePort() };
    try {
      return await startOnce(options, ports);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function startOnce(options: AzuriteOptions, ports: { blob: number; queue: number; table: number }): Promise<AzuriteHandle> {
  const args = [
    require.resolve('./azurite-child'),
    '--silent',
    '--skipApiVersionCheck',
    '--disableProductStyleUrl',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(ports.blob),
    '--queueHost',
    '127.0.0.1',
    '--queuePort',
    String(ports.queue),
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(ports.table),
  ];
  if (options.args) args.push(...options.args);
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // An IPC channel lets the child notice when this process dies and exit with it.
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: options.detached ?? false,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`Azurite exited during start-up: ${output.trim()}`);
    const ready = await Promise.all([canConnect(ports.blob), canConnect(ports.queue), canConnect(ports.table)]);
    if (ready.every(Boolean)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Azurite did not start within the deadline: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    connectionString: azuriteConnectionString(ports),
    ports,
    pid: child.pid,
    exited: exitedPromise,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        // Azurite closes its servers and writes its databases out; every answered write is in its log already, so a
        // kill after the grace period loses nothing (local/storage-wal.ts).
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
