/**
 * Starts one in-memory Azurite for the whole run on free ports (readiness-probed) and hands its connection
 * string to tests. Tests isolate their data with a unique STORAGE_PREFIX each.
 */
import type { TestProject } from 'vitest/node';
import type * as AzuriteModule from '../local/azurite';

declare module 'vitest' {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The built host code is used (npm test builds first), the same code `npm start` runs.
  const built = '../dist/local/azurite.js';
  const { startAzurite } = (await import(built)) as typeof AzuriteModule;
  const azurite = await startAzurite();
  project.provide('storageConnectionString', azurite.connectionString);
  return () => azurite.stop();
}
