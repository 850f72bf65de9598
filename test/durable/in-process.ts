/**
 * In-process access to the built local host (dist/, what `npm start` runs): the runtime modules, and the sample
 * app loaded through the host's `@azure/functions-core` shim so the SDK registers its functions in the host's
 * registry. Vitest runs each test file in its own process, so loading the app here affects this file only.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { inject } from 'vitest';
import type * as FunctionsCore from '../../local/functions-core';
import type { RegisteredFunction } from '../../local/functions-core';
import type * as InstallCore from '../../local/install-core';

export const repoRoot = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));

/** A module of the built host, typed by its source: `dist<T>('local/durable/store')`. */
export function dist<T>(modulePath: string): T {
  return requireFromRoot(path.join(repoRoot, 'dist', `${modulePath}.js`)) as T;
}

let loaded: RegisteredFunction[] | undefined;

/** Loads test/fixtures/apps/durable-samples into the host registry (once per process) and returns its functions. */
export function loadSamples(): RegisteredFunction[] {
  if (loaded) return loaded;
  dist<typeof InstallCore>('local/install-core').installFunctionsCore();
  requireFromRoot(path.join(repoRoot, 'dist/test/fixtures/apps/durable-samples.js'));
  const { registry } = dist<typeof FunctionsCore>('local/functions-core');
  loaded = [...registry.functions.values()];
  return loaded;
}

export function sample(name: string): RegisteredFunction {
  const fn = loadSamples().find((f) => f.metadata.name === name);
  if (!fn) throw new Error(`sample ${name} is not registered`);
  return fn;
}

export function storageConnection(): string {
  return inject('storageConnectionString');
}

/** The SDK's own modules (its testing utilities and history event classes), by path inside the package. */
export function sdk<T>(modulePath: string): T {
  return requireFromRoot(`durable-functions/lib/src/${modulePath}`) as T;
}
