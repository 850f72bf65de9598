/**
 * `npm start`: runs the backend without Azure Functions Core Tools. Applies local.settings.json like Core Tools.
 * With storage configured (STORAGE_CONNECTION_STRING, AzureWebJobsStorage or service URIs) this process is the host.
 * Without, it supervises two processes (local/supervisor.ts): an embedded Azurite (data under .azurite/, with a
 * write-ahead log) and the host, which it starts again if it dies. Serves on PORT (default 7071).
 */
import path from 'node:path';
import { applyLocalSettings } from './local-settings';
import { runHost } from './host-process';
import { appRootFrom, parseHostSettings, storageConfigured } from './settings';
import { supervise } from './supervisor';

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  applyLocalSettings(repoRoot);
  const settings = parseHostSettings(process.env);
  const appRoot = appRootFrom(settings, repoRoot);
  if (!storageConfigured(process.env)) return supervise(repoRoot, settings, __filename);
  const note =
    process.env['LOCAL_STORAGE_NOTE'] ??
    (process.env['STORAGE_CONNECTION_STRING'] || process.env['AzureWebJobsStorage']
      ? 'the configured connection string'
      : `service URIs with a token credential, no keys (${process.env['STORAGE_TABLE_ENDPOINT'] ?? process.env['AzureWebJobsStorage__tableServiceUri'] ?? process.env['AzureWebJobsStorage__accountName']})`);
  return runHost(appRoot, settings, note);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
