/**
 * Runs Azurite in its own process with a write-ahead log under its databases (storage-wal.ts), so that what it
 * answered survives a kill of this process. It exits when its parent goes away (even after SIGKILL), so an embedded
 * Azurite is never left holding its ports and data folder; the log is written out first. Arguments are Azurite's
 * own; `LOCAL_STORAGE_FSYNC=true` also flushes the disk on every answered write.
 */
import path from 'node:path';
import { installSelectiveLookups } from './storage-lookup';
import { installWal } from './storage-wal';

const azuriteRoot = path.dirname(require.resolve('azurite/package.json'));
// The LokiJS module Azurite itself resolves, patched before Azurite loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loki = require(require.resolve('lokijs', { paths: [azuriteRoot] })) as Parameters<typeof installWal>[0];
// Entity lookups by the more selective index (decision 0017): a point operation no longer scans its partition.
installSelectiveLookups(loki as unknown as Parameters<typeof installSelectiveLookups>[0]);
// LOCAL_STORAGE_WAL=false runs Azurite as shipped (autosave every 5 s only): the bench measures that window with it.
const wal = process.env['LOCAL_STORAGE_WAL'] === 'false' ? { flushAll: () => undefined, saveAll: () => Promise.resolve() } : installWal(loki, { fsync: process.env['LOCAL_STORAGE_FSYNC'] === 'true' });

process.on('disconnect', () => {
  wal.flushAll();
  process.exit(0);
});
// A clean stop writes every database out (emptying the log) and exits; Azurite alone would keep the process alive.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    wal.flushAll();
    void wal.saveAll().finally(() => process.exit(0));
  });
}
process.argv = [process.argv[0] as string, 'azurite', ...process.argv.slice(2)];
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('azurite/dist/src/azurite.js');
