/**
 * The local Functions host: loads the app the way the Node.js worker does (package.json `main`, which may be a
 * glob), collects what it registered through `@azure/functions-core`, and serves it: HTTP triggers on one port,
 * timer triggers on their schedules. Nothing here knows about the app's domain.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { registry, type RegisteredFunction } from './functions-core';
import { boundPort, createHttpHandler, listen } from './http-server';
import { installFunctionsCore } from './install-core';
import { sharedAppHookData } from './invoke';
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
}

export interface RunningHost {
  url: string;
  port: number;
  routes: string[];
  functions: RegisteredFunction[];
  timers: { name: string; schedule: string; next: string }[];
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

/** Core Tools copies `Values` of local.settings.json into the environment; so does the local host. */
export function applyLocalSettings(appRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    if (env[key] === undefined && value !== undefined && value !== null) {
      env[key] = typeof value === 'string' ? value : JSON.stringify(value);
      applied.push(key);
    }
  }
  return applied;
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

  const handler = createHttpHandler({ functions, routePrefix, maxBodyBytes: options.maxBodyBytes, log });
  const hostname = options.hostname ?? '127.0.0.1';
  const server: Server = await listen(handler, options.port ?? 7071, hostname);
  const port = boundPort(server);
  const scheduler = new TimerScheduler(functions, options.clock ?? systemClock, log);
  scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`,
    port,
    routes: handler.table.describe(),
    functions,
    timers: scheduler.describe(),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await scheduler.stop();
        for (const hook of registry.hooks.get('appTerminate') ?? []) {
          await (hook as (c: object) => unknown)({ hookData: {}, appHookData: sharedAppHookData() });
        }
      })();
      return closing;
    },
  };
}
