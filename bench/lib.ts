/**
 * Benchmark helpers: run an operation at a fixed concurrency for a fixed count, after a warm-up, and report
 * ops/s with p50/p99 latency. Results are printed as a table and written as JSON under bench/results/.
 * Speed is judged as a ratio to raw Azurite figures taken in the same run, never against absolute numbers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface Measurement {
  name: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  [extra: string]: string | number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function measure(
  name: string,
  options: { concurrency: number; count: number; warmup?: number },
  op: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  const warmup = options.warmup ?? Math.min(200, Math.ceil(options.count / 10));
  let next = 0;
  const runWorkers = async (total: number, latencies?: number[]) => {
    next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= total) return;
          const started = process.hrtime.bigint();
          await op(i + (latencies ? warmup : 0));
          if (latencies) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  await runWorkers(warmup);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await runWorkers(options.count, latencies);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    name,
    concurrency: options.concurrency,
    ops: options.count,
    opsPerSec: round(options.count / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((c) => String(row[c] ?? ''))));
}

export function writeResults(suite: string, data: unknown): string {
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ suite, node: process.version, at: new Date().toISOString(), data }, null, 2));
  writeFileSync(
    path.join(dir, `${suite}-latest.json`),
    JSON.stringify({ suite, node: process.version, at: new Date().toISOString(), data }, null, 2),
  );
  return file;
}

/**
 * The load generator's HTTP client: node:http over one keep-alive agent, the way wrk or autocannon load a server.
 * The benchmarks run the client, the host and Azurite on the same 2 cores, so a heavy client takes CPU from the
 * system under test: `fetch` (undici) spent about 700 µs of CPU per POST here against about 170 µs for this one.
 * The raw Azurite baselines keep the Azure SDK client: that is the baseline the targets name.
 */
const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface LoadResponse {
  status: number;
  text: string;
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<LoadResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: loadAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
