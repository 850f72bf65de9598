/**
 * What every benchmark suite gets: one Azurite child for the run (in memory), a way to start the real local host
 * against it, token minting with the host's key file, and the raw Azurite baseline measured in this same run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startAzurite, type AzuriteHandle } from '../local/azurite';
import { LOCAL_HOST_NODE_ARGS } from '../local/node-args';
import { measure, type Measurement } from './lib';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface BenchHost {
  url: string;
  pid: number;
  keyFile: string;
  stop(): Promise<void>;
}

export interface BenchContext {
  azurite: AzuriteHandle;
  startHost(env?: Record<string, string>): Promise<BenchHost>;
  /** Raw Azurite table point-insert and point-read at the given concurrency, measured now. */
  rawTable(concurrency: number, count: number): Promise<{ insert: Measurement; read: Measurement }>;
}

let prefixCounter = 0;
export function benchPrefix(): string {
  prefixCounter += 1;
  return `b${Date.now().toString(36)}${prefixCounter}`;
}

export async function createContext(): Promise<BenchContext> {
  // BENCH_AZURITE_DEBUG=<file> keeps Azurite's debug log (every request it served) to count a use case's round trips.
  const debug = process.env['BENCH_AZURITE_DEBUG'];
  const azurite = await startAzurite(debug ? { args: ['--debug', debug] } : {});
  return {
    azurite,
    async startHost(env = {}) {
      const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-keys-')), 'issuer-keys.json');
      // BENCH_HOST_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the host; NODE_OPTIONS refuses --cpu-prof.
      const nodeArgs = (process.env['BENCH_HOST_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
      const child = spawn(process.execPath, [...LOCAL_HOST_NODE_ARGS, ...nodeArgs, path.join(repoRoot, 'dist/local/main.js')], {
        cwd: repoRoot,
        env: {
          PATH: process.env['PATH'] ?? '',
          STORAGE_CONNECTION_STRING: azurite.connectionString,
          STORAGE_PREFIX: benchPrefix(),
          LOCAL_ISSUER_KEY_FILE: keyFile,
          PORT: '0',
          LOCAL_HTTPS_PORT: 'off',
          LOCAL_QUIET: 'true',
          TEST_CLOCK: 'true',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const info = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /LOCAL_HOST_READY (\{.*\})/.exec(out);
          if (m?.[1]) resolve(JSON.parse(m[1]) as { url: string; pid: number });
        });
        child.once('exit', (code) => reject(new Error(`bench host exited (${code}): ${out}`)));
      });
      return {
        ...info,
        keyFile,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    },
    async rawTable(concurrency, count) {
      const table = TableClient.fromConnectionString(azurite.connectionString, `raw${benchPrefix()}`, { allowInsecureConnection: true });
      await table.createTable();
      const payload = { quantity: 1.5, dimension: 'dim1', planId: 'plan1', effectiveStartTime: new Date().toISOString() };
      // The bench process is the raw baseline's client (the Azure SDK); Azurite does the storing.
      const cpu = { client: process.pid, azurite: azurite.pid };
      const insert = await measure(`raw table insert`, { concurrency, count, cpu }, (i) =>
        table.createEntity({ partitionKey: `p${i % 64}`, rowKey: `r${i}`, ...payload }),
      );
      const total = count + Math.min(200, Math.ceil(count / 10));
      const read = await measure(`raw table point read`, { concurrency, count, cpu }, (i) =>
        table.getEntity(`p${i % 64}`, `r${i % total}`),
      );
      await table.deleteTable();
      return { insert, read };
    },
  };
}
