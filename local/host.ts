/**
 * The local Functions host: loads the app the way the Node.js worker does (package.json `main`, which may be a
 * glob), collects what it registered through `@azure/functions-core`, and serves it: HTTP triggers on one port,
 * timer triggers on their schedules. Nothing here knows about the app's domain.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { startDurableRuntime, usesDurable, WEBHOOK_PATH, type DurableRuntime, type DurableStorage } from './durable';
import type { Faults } from './durable/faults';
import { registry, type RegisteredFunction } from './functions-core';
import { hostKeysFile, loadOrCreateSystemKey } from './host-keys';
import { boundPort, createHttpHandler, listen } from './http-server';
import { installFunctionsCore } from './install-core';
import { setInputBindingProvider, sharedAppHookData } from './invoke';
import { systemClock, TimerScheduler, type HostClock } from './timers';

export interface HostOptions {
  /** Folder holding package.json and host.json. */
  appRoot: string;
  /** Entry files to load instead of package.json `main` (tests use this for fixture apps). */
  entries?: string[];
  port?: number;
  hostname?: string;
  clock?: HostClock;
  maxBodyBytes?: number;
  log?: (line: string) => void;
  /** Storage for Durable Functions (required when the app uses them), as Core Tools reads AzureWebJobsStorage. */
  durable?: {
    storage: DurableStorage;
    prefix: string;
    leaseMs?: number;
    faults?: Faults;
    /** The lease owner id; a host restarted by the supervisor keeps its predecessor's and takes its partitions at once. */
    ownerId?: string;
  };
  /**
   * The file holding the host's system key for the Durable HTTP API (created on first start, mode 0600). Default:
   * `host-keys.json` beside LOCAL_ISSUER_KEY_FILE (local/host-keys.ts).
   */
  hostKeysFile?: string;
  /**
   * An HTTPS listener beside the HTTP one, same hostname and handler (local/tls.ts makes the certificate). With
   * `skipIfBusy`, a port in use only leaves HTTPS off (logged); otherwise it stops the start like a busy HTTP port.
   */
  https?: { port: number; key: string; cert: string; skipIfBusy?: boolean };
}

export interface RunningHost {
  url: string;
  port: number;
  /** The HTTPS listener's URL and port, when one was asked for and is listening. */
  httpsUrl: string | undefined;
  httpsPort: number | undefined;
  routes: string[];
  functions: RegisteredFunction[];
  timers: { name: string; schedule: string; next: string }[];
  durable: DurableRuntime | undefined;
  /** Where the Durable HTTP API's system key is kept (`systemKeys[0].value`); set when the app uses Durable Functions. */
  hostKeysFile: string | undefined;
  close(): Promise<void>;
}

export interface HostJson {
  version?: string;
  extensions?: { http?: { routePrefix?: string }; durableTask?: Record<string, unknown> };
  [key: string]: unknown;
}

export function readHostJson(appRoot: string): HostJson {
  const file = path.join(appRoot, 'host.json');
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as HostJson;
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function walk(dir: string, base: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...walk(path.join(dir, entry.name), rel));
    } else out.push(rel);
  }
  return out;
}

/** Resolves package.json `main` (a path or a glob, as the worker accepts) to absolute entry files. */
export function resolveEntries(appRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { main?: string };
  const main = (pkg.main ?? 'index.js').replace(/^\.\//, '');
  if (!/[*?]/.test(main)) return [path.join(appRoot, main)];
  const firstGlob = main.search(/[*?]/);
  const staticDir = main.slice(0, main.lastIndexOf('/', firstGlob) + 1);
  const matcher = globToRegExp(main);
  return walk(path.join(appRoot, staticDir), staticDir.replace(/\/$/, ''))
    .filter((rel) => matcher.test(rel) && !rel.endsWith('.map') && !rel.endsWith('.d.ts'))
    .sort()
    .map((rel) => path.join(appRoot, rel));
}

/** Loads the app's entry files and returns what they registered. */
export async function loadApp(appRoot: string, entries?: string[], options: { runAppStart?: boolean } = {}): Promise<RegisteredFunction[]> {
  installFunctionsCore();
  const files = entries ?? resolveEntries(appRoot);
  if (files.length === 0) throw new Error(`No entry files found for the app in ${appRoot} (check "main" in package.json).`);
  // Entry files are plain CommonJS modules, loaded the way the Node.js worker loads them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of files) require(file);
  const model = registry.programmingModel;
  if (!model) throw new Error('The app registered no functions (no programming model was set).');
  await model.getCapabilities?.({});
  if (options.runAppStart === false) return [...registry.functions.values()];
  for (const hook of registry.hooks.get('appStart') ?? []) {
    await (hook as (c: object) => unknown)({ hookData: {}, appHookData: sharedAppHookData(), functionAppDirectory: appRoot });
  }
  return [...registry.functions.values()];
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const hostJson = readHostJson(options.appRoot);
  const routePrefix = hostJson.extensions?.http?.routePrefix ?? 'api';
  const functions = await loadApp(options.appRoot, options.entries);

  let durable: DurableRuntime | undefined;
  const handler = createHttpHandler({
    functions,
    routePrefix,
    maxBodyBytes: options.maxBodyBytes,
    log,
    systemRoutes: [
      {
        prefix: WEBHOOK_PATH,
        handle: async (req, res, url) => {
          if (durable) return durable.handle(req, res, url);
          res.statusCode = 404;
          res.end();
        },
      },
    ],
  });
  const hostname = options.hostname ?? '127.0.0.1';
  const server: Server = await listen(handler, options.port ?? 7071, hostname);
  const port = boundPort(server);
  const shownHost = hostname === '0.0.0.0' ? 'localhost' : hostname;
  const url = `http://${shownHost}:${port}`;
  let secure: Server | undefined;
  if (options.https) {
    try {
      secure = await listen(handler, options.https.port, hostname, options.https);
    } catch (error) {
      // The default port busy (another host running): this host serves HTTP only, and its banner says why.
      if (!(options.https.skipIfBusy && (error as NodeJS.ErrnoException).code === 'EADDRINUSE')) {
        await closeServer(server);
        throw error;
      }
    }
  }
  const httpsPort = secure ? boundPort(secure) : undefined;
  const httpsUrl = secure ? `https://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${httpsPort}` : undefined;
  const clock = options.clock ?? systemClock;
  let keysFile: string | undefined;
  if (usesDurable(functions)) {
    try {
      // The Durable extension's system key, as the Functions host creates it when the extension registers its webhook.
      keysFile = options.hostKeysFile ?? hostKeysFile();
      const systemKey = loadOrCreateSystemKey(keysFile);
      durable = await startDurable(options, functions, hostJson, clock, url, systemKey, log);
    } catch (error) {
      await closeServer(server);
      if (secure) await closeServer(secure);
      throw error;
    }
  }
  const scheduler = new TimerScheduler(functions, clock, log);
  scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    httpsUrl,
    httpsPort,
    routes: handler.table.describe(),
    functions,
    timers: scheduler.describe(),
    durable,
    hostKeysFile: keysFile,
    close() {
      closing ??= (async () => {
        // Durable first: it finishes running episodes and releases its partition leases for the next host.
        await durable?.stop();
        setInputBindingProvider('durableClient', undefined);
        setInputBindingProvider('orchestrationClient', undefined);
        await Promise.all([closeServer(server), ...(secure ? [closeServer(secure)] : [])]);
        await scheduler.stop();
        for (const hook of registry.hooks.get('appTerminate') ?? []) {
          await (hook as (c: object) => unknown)({ hookData: {}, appHookData: sharedAppHookData() });
        }
      })();
      return closing;
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function startDurable(
  options: HostOptions,
  functions: RegisteredFunction[],
  hostJson: HostJson,
  clock: HostClock,
  url: string,
  systemKey: string,
  log: (line: string) => void,
): Promise<DurableRuntime> {
  if (!options.durable) throw new Error('The app uses Durable Functions: configure storage (STORAGE_CONNECTION_STRING or AzureWebJobsStorage).');
  // The durable client builds its URLs for this host; without WEBSITE_HOSTNAME the SDK rewrites them to
  // localhost:7071 (Core Tools sets it the same way).
  process.env['WEBSITE_HOSTNAME'] ??= new URL(url).host;
  const durable = await startDurableRuntime({
    functions,
    section: hostJson.extensions?.durableTask,
    storage: options.durable.storage,
    prefix: options.durable.prefix,
    clock,
    baseUrl: url,
    systemKey,
    ...(options.durable.faults ? { faults: options.durable.faults } : {}),
    ...(options.durable.leaseMs ? { leaseMs: options.durable.leaseMs } : {}),
    ...(options.durable.ownerId ? { ownerId: options.durable.ownerId } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    log,
  });
  setInputBindingProvider('durableClient', () => durable.clientBinding());
  setInputBindingProvider('orchestrationClient', () => durable.clientBinding());
  return durable;
}
