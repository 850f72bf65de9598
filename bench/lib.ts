/**
 * Benchmark helpers: run an operation at a fixed concurrency for a fixed count, after a warm-up, and report
 * ops/s with p50/p99 latency. Results are printed as a table and written as JSON under bench/results/.
 * Speed is judged as a ratio to raw Azurite figures taken in the same run, never against absolute numbers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Cumulative CPU time (user + system) of a process in ms, from /proc (Linux); NaN where it cannot be read. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    // Fields after the command name: state is 3rd, utime 14th and stime 15th of the whole line (clock ticks).
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * `cpu` names processes whose CPU time is read around the timed part (not the warm-up): each becomes a
 * `cpuUs/op <name>` column, the CPU it spent per operation. On these shared 2-core machines it shows which
 * process bounds the rate.
 */
export async function measure(
  name: string,
  options: { concurrency: number; count: number; warmup?: number; cpu?: Record<string, number | undefined> },
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
  const processes = Object.entries(options.cpu ?? {});
  const cpuBefore = processes.map(([, pid]) => processCpuMs(pid));
  const started = process.hrtime.bigint();
  await runWorkers(options.count, latencies);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const result: Measurement = {
    name,
    concurrency: options.concurrency,
    ops: options.count,
    opsPerSec: round(options.count / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
  processes.forEach(([label, pid], i) => {
    result[`cpuUs/op ${label}`] = Math.round(((processCpuMs(pid) - (cpuBefore[i] as number)) * 1000) / options.count);
  });
  return result;
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
