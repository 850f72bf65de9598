/**
 * The Durable Functions HTTP API on the local host, under `/runtime/webhooks/durabletask/` as the extension serves
 * it (status codes and bodies as the extension's HttpApiHandler answers them). The durable client binding's
 * creation and management URLs point here (with the key, and no `rpcBaseUrl`), so `df.getClient(context)` and the
 * URLs of `createCheckStatusResponse` work unchanged. `taskHub` and `connection` query parameters are accepted. Every
 * route requires the host's system key, as the Functions host requires it in Azure (`code=` in the query or the
 * `x-functions-key` header, decision 0204); without it the answer is an empty 401 and nothing is read or changed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { keyMatches, presentedKey } from '../host-keys';
import { type DurableClientOps, type StatusPayload } from './client';
import { runtimeStatuses, type RuntimeStatus } from './types';

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';

export interface ApiDeps {
  ops: DurableClientOps;
  hubName: string;
  /** The host's system key for the Durable extension: required on every request, and carried by the URLs handed out. */
  systemKey: string;
  maxBodyBytes: number;
  stats(): unknown;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const bool = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const lower = v.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false` });
      return z.NEVER;
    });
const dateTime = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an ISO 8601 date-time` });
        return z.NEVER;
      }
      return new Date(ms).toISOString();
    });
const statusList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const out: RuntimeStatus[] = [];
    for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
      const match = runtimeStatuses.find((s) => s.toLowerCase() === item.toLowerCase());
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `runtimeStatus: unknown status "${item}" (one of ${runtimeStatuses.join(', ')})` });
        return z.NEVER;
      }
      out.push(match);
    }
    return out;
  });

const statusQuery = z.object({
  showHistory: bool('showHistory'),
  showHistoryOutput: bool('showHistoryOutput'),
  showInput: bool('showInput'),
  returnInternalServerErrorOnFailure: bool('returnInternalServerErrorOnFailure'),
});
const listQuery = z.object({
  instanceIdPrefix: z.string().optional(),
  createdTimeFrom: dateTime('createdTimeFrom'),
  createdTimeTo: dateTime('createdTimeTo'),
  runtimeStatus: statusList,
  showInput: bool('showInput'),
  top: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        ctx.addIssue({ code: 'custom', message: 'top must be an integer from 1 to 1000' });
        return z.NEVER;
      }
      return n;
    }),
});

/** Query parameters by lower-cased name (the extension reads them case-insensitively). */
function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) out[key.toLowerCase()] = value;
  return out;
}

function parseQuery<T extends z.ZodObject>(schema: T, url: URL): z.output<T> {
  const raw = queryOf(url);
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = raw[key.toLowerCase()];
    if (value !== undefined) picked[key] = value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) throw new HttpProblem(400, parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.setHeader('Content-Length', 0);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new HttpProblem(413, 'The request body is too large.')) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Body text that must be JSON when present; returns the JSON text (or undefined for an empty body). */
function jsonBody(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'Invalid JSON content');
  }
  return text;
}

/** The query every URL handed out carries, in Azure's order: `taskHub=...&connection=Storage&code=<system key>`. */
export function requiredQuery(hubName: string, systemKey: string): string {
  // The key is URL-safe base64 (host-keys.ts checks its shape); Azure puts it in the query as is, padding included.
  return `taskHub=${encodeURIComponent(hubName)}&connection=Storage&code=${systemKey}`;
}

/** The management URLs of one instance, on the origin the caller used (as the extension builds them). */
export function managementUrls(origin: string, hubName: string, instanceId: string, systemKey: string) {
  const base = `${origin}${WEBHOOK_PATH}/instances/${encodeURIComponent(instanceId)}`;
  const query = requiredQuery(hubName, systemKey);
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${query}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${base}/terminate?reason={text}&${query}`,
    rewindPostUri: `${base}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${base}?${query}`,
    restartPostUri: `${base}/restart?${query}`,
    suspendPostUri: `${base}/suspend?reason={text}&${query}`,
    resumePostUri: `${base}/resume?reason={text}&${query}`,
  };
}

function statusCode(status: StatusPayload, failureIs500: boolean): number {
  switch (status.runtimeStatus) {
    case 'Running':
    case 'Pending':
    case 'ContinuedAsNew':
    case 'Suspended':
      return 202;
    case 'Failed':
      return failureIs500 ? 500 : 200;
    default:
      return 200;
  }
}

export function createDurableApi(deps: ApiDeps) {
  const { ops, hubName, systemKey } = deps;

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = `${url.protocol}//${url.host}`;
    let segments: string[];
    try {
      segments = url.pathname.slice(WEBHOOK_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw new HttpProblem(400, 'The path is not correctly encoded.');
    }
    const hub = queryOf(url)['taskhub'];
    if (hub && hub.toLowerCase() !== hubName.toLowerCase()) throw new HttpProblem(400, `The local host serves task hub "${hubName}" only (taskHub=${hub}).`);
    const [controller, a, b, c] = segments;

    if (controller === 'orchestrators' && a !== undefined && segments.length <= 3) {
      if (method !== 'POST') return send(res, 404);
      const input = jsonBody(await readBody(req, deps.maxBodyBytes));
      const started = await ops.start(a, b, input);
      if (!started.ok) return send(res, started.status, { Message: started.message });
      const urls = managementUrls(origin, hubName, started.instanceId, systemKey);
      return send(res, 202, urls, { Location: urls.statusQueryGetUri, 'Retry-After': '10' });
    }

    if (controller === 'instances') {
      if (a === undefined) {
        if (method === 'GET') {
          const q = parseQuery(listQuery, url);
          const token = req.headers['x-ms-continuation-token'];
          const page = await ops.query({
            ...(q.instanceIdPrefix ? { prefix: q.instanceIdPrefix } : {}),
            ...(q.createdTimeFrom ? { createdFrom: q.createdTimeFrom } : {}),
            ...(q.createdTimeTo ? { createdTo: q.createdTimeTo } : {}),
            ...(q.runtimeStatus ? { statuses: q.runtimeStatus } : {}),
            pageSize: q.top ?? 100,
            ...(typeof token === 'string' && token !== '' ? { continuation: token } : {}),
            showInput: q.showInput ?? true,
          });
          return send(res, 200, page.items, page.continuation ? { 'x-ms-continuation-token': page.continuation } : {});
        }
        if (method === 'DELETE') {
          const q = parseQuery(listQuery, url);
          if (!q.createdTimeFrom) throw new HttpProblem(400, "Please provide value for 'createdTimeFrom' parameter.");
          const deleted = await ops.purgeWhere({ createdFrom: q.createdTimeFrom, ...(q.createdTimeTo ? { createdTo: q.createdTimeTo } : {}), ...(q.runtimeStatus ? { statuses: q.runtimeStatus } : {}) });
          return deleted === 0 ? send(res, 404) : send(res, 200, { instancesDeleted: deleted });
        }
        return send(res, 404);
      }
      if (b === undefined) {
        if (method === 'GET') {
          const q = parseQuery(statusQuery, url);
          const status = await ops.status(a, { showHistory: q.showHistory ?? false, showHistoryOutput: q.showHistoryOutput ?? false, showInput: q.showInput ?? true });
          if (!status) return send(res, 404);
          const code = statusCode(status, q.returnInternalServerErrorOnFailure ?? false);
          return send(res, code, status, code === 202 ? { Location: url.toString(), 'Retry-After': '5' } : {});
        }
        if (method === 'DELETE') {
          const result = await ops.purge(a);
          if (result === 'notFound') return send(res, 404);
          if (result !== 'purged') return send(res, 412, { Message: `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${a} has status ${result}` });
          return send(res, 200, { instancesDeleted: 1 });
        }
        return send(res, 404);
      }
      if (method !== 'POST') return send(res, 404);
      const reason = url.searchParams.get('reason') ?? undefined;
      if (b.toLowerCase() === 'raiseevent' && c !== undefined && segments.length === 4) {
        const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        const text = await readBody(req, deps.maxBodyBytes);
        if (text.trim() !== '' && type !== 'application/json') throw new HttpProblem(400, 'Only application/json request content is supported');
        const input = jsonBody(text);
        return answer(res, await ops.send(a, { kind: 'event', name: c, ...(input !== undefined ? { input } : {}) }));
      }
      if (segments.length !== 3) return send(res, 404);
      switch (b.toLowerCase()) {
        case 'terminate':
          return answer(res, await ops.send(a, { kind: 'terminate', ...(reason !== undefined ? { reason } : {}) }));
        case 'suspend':
          return answer(res, await ops.send(a, { kind: 'suspend', ...(reason !== undefined ? { reason } : {}) }));
        case 'resume':
          return answer(res, await ops.send(a, { kind: 'resume', ...(reason !== undefined ? { reason } : {}) }));
        case 'rewind':
        case 'restart':
          return send(res, 501, { Message: `${b} is not supported by the local host.` });
        default:
          return send(res, 404);
      }
    }

    if (controller === 'entities') return send(res, 501, { Message: 'Durable entities are not supported by the local host.' });
    if (controller === 'local' && a === 'stats' && method === 'GET') return send(res, 200, deps.stats());
    return send(res, 404);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // Before anything else (the taskHub check included): a request without the key learns nothing.
    if (!keyMatches(presentedKey(req, url), systemKey)) return send(res, 401);
    try {
      await route(req, res, url);
    } catch (error) {
      if (error instanceof HttpProblem) return send(res, error.status, { Message: error.message });
      throw error;
    }
  };
}

function answer(res: ServerResponse, result: 'accepted' | 'notFound' | 'gone'): void {
  send(res, result === 'accepted' ? 202 : result === 'notFound' ? 404 : 410);
}
