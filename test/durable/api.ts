/**
 * Helpers for durable tests that drive a local host over the Durable HTTP API, plus a reader of the raw history
 * rows (to check invariants the API does not show, such as "no task id scheduled twice"). The API requires the
 * host's system key: the helpers send it in `x-functions-key`, read from the host key file as a client would.
 */
import { TableClient } from '@azure/data-tables';
import { expect } from 'vitest';
import { hostKeysFile, readSystemKey } from '../../local/host-keys';

export const WEBHOOK = '/runtime/webhooks/durabletask';
const RUNNING = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

/** The system key of a host started with these settings (the host creates the file on start). */
export function systemKey(env: Record<string, string>): string {
  return readSystemKey(hostKeysFile(env));
}

export function durableApi(baseUrl: string, key: string) {
  const api = `${baseUrl}${WEBHOOK}`;
  /** A request to `path` under the Durable HTTP API, with the system key. */
  const call = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${api}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), 'x-functions-key': key } });
  return {
    fetch: call,
    async start(name: string, id?: string, input?: unknown): Promise<Response> {
      return call(`/orchestrators/${name}${id ? `/${encodeURIComponent(id)}` : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(input !== undefined ? { body: JSON.stringify(input) } : {}),
      });
    },
    async status(id: string, query = ''): Promise<Response> {
      return call(`/instances/${encodeURIComponent(id)}${query}`);
    },
    async raise(id: string, event: string, data: unknown): Promise<Response> {
      return call(`/instances/${encodeURIComponent(id)}/raiseEvent/${event}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(data),
      });
    },
    async post(id: string, operation: string, reason = ''): Promise<Response> {
      return call(`/instances/${encodeURIComponent(id)}/${operation}?reason=${encodeURIComponent(reason)}`, { method: 'POST' });
    },
    /** Polls the status until the instance leaves the running states (or `until` holds), with a deadline. */
    async waitFor(id: string, until: (s: Status) => boolean = (s) => !RUNNING.has(s.runtimeStatus), deadlineMs = 20_000, query = '?showHistory=true&showHistoryOutput=true'): Promise<Status> {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const res = await call(`/instances/${encodeURIComponent(id)}${query}`);
        if (res.status !== 404) {
          const status = (await res.json()) as Status;
          if (until(status)) return status;
          if (Date.now() > deadline) {
            expect.fail(`instance ${id} still ${status.runtimeStatus} after ${deadlineMs} ms: ${JSON.stringify(status).slice(0, 2000)}`);
          }
        } else if (Date.now() > deadline) expect.fail(`instance ${id} not found after ${deadlineMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Event types of a projected history, in order: the "shape" conformance tests compare. */
export function shape(status: Status): string[] {
  return (status.historyEvents ?? []).map((e) => String(e['EventType']));
}

export interface RawEvent {
  EventType: number;
  EventId: number;
  TaskScheduledId?: number;
  TimerId?: number;
  Name?: string;
}

/** Every committed history event of the instance's current execution, read straight from the History table (rows, then the sentinel's tail). */
export async function rawHistory(connectionString: string, prefix: string, instanceId: string, hub = 'TestHubName'): Promise<RawEvent[]> {
  const table = TableClient.fromConnectionString(connectionString, `${prefix}${hub}History`, { allowInsecureConnection: true });
  const rows: Record<string, unknown>[] = [];
  for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${instanceId.replace(/'/g, "''")}'` } })) rows.push(row);
  const sentinel = rows.find((r) => r['rowKey'] === 'sentinel');
  if (!sentinel) return [];
  const generation = `h${String(sentinel['Generation']).padStart(6, '0')}-`;
  const last = `${generation}${String(sentinel['HistoryRows']).padStart(6, '0')}`;
  const text = (row: Record<string, unknown>) => {
    const n = typeof row['Events_n'] === 'number' ? row['Events_n'] : 1;
    let out = String(row['Events']);
    for (let i = 1; i < n; i++) out += String(row[`Events_${i}`]);
    return out;
  };
  const tail = typeof sentinel['Tail'] === 'string' ? (JSON.parse(String(sentinel['Tail'])) as RawEvent[]) : [];
  return [
    ...rows
      .filter((r) => String(r['rowKey']).startsWith(generation) && String(r['rowKey']) < last)
      .sort((a, b) => String(a['rowKey']).localeCompare(String(b['rowKey'])))
      .flatMap((r) => JSON.parse(text(r)) as RawEvent[]),
    ...tail,
  ];
}

/** The exactly-once invariant: no task id is scheduled twice, and no task completes twice. */
export function duplicateTasks(events: RawEvent[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const e of events) {
    let key: string | undefined;
    if (e.EventType === 4 || e.EventType === 7 || e.EventType === 10) key = `scheduled:${e.EventId}`;
    else if (e.EventType === 5 || e.EventType === 6 || e.EventType === 8 || e.EventType === 9) key = `completed:${e.TaskScheduledId}`;
    else if (e.EventType === 11) key = `fired:${e.TimerId}`;
    if (key === undefined) continue;
    if (seen.has(key)) dups.push(key);
    seen.add(key);
  }
  return dups;
}
