/**
 * Serves the app's HTTP triggers: routes a request by template and method, hands the function the same RPC
 * HTTP data the Functions host sends (so `@azure/functions` builds a real HttpRequest), and writes back whatever
 * the function returned (status, headers, cookies, body) after the library's own conversion.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './core-types';
import type { RegisteredFunction } from './functions-core';
import { describeError, invokeFunction } from './invoke';
import { RouteTable, type RouteDefinition } from './routes';

/** Azure's front end refuses request bodies over 100 MB and URLs over 4 KB; the local host does the same. */
export const DEFAULT_MAX_BODY_BYTES = 104_857_600;
export const MAX_URL_LENGTH = 4096;

export interface HttpTriggerOptions {
  functions: RegisteredFunction[];
  routePrefix: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
  /** Routes the host serves itself (the Durable HTTP API under /runtime/webhooks/durabletask), ahead of the app's. */
  systemRoutes?: SystemRoute[];
}

export interface SystemRoute {
  /** A path prefix such as `/runtime/webhooks/durabletask`; matched case-insensitively, on a segment boundary. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export function httpRoutes(functions: RegisteredFunction[]): RouteDefinition[] {
  const routes: RouteDefinition[] = [];
  for (const fn of functions) {
    const trigger = Object.values(fn.metadata.bindings).find((b) => b.type?.toLowerCase() === 'httptrigger');
    if (!trigger) continue;
    const route = typeof trigger['route'] === 'string' ? trigger['route'] : fn.metadata.name;
    const methods = Array.isArray(trigger['methods']) ? (trigger['methods'] as string[]).map((m) => m.toUpperCase()) : [];
    routes.push({ functionName: fn.metadata.name, route, methods });
  }
  return routes;
}

export function createHttpHandler(options: HttpTriggerOptions) {
  const byName = new Map(options.functions.map((fn) => [fn.metadata.name, fn]));
  const table = new RouteTable(httpRoutes(options.functions), options.routePrefix);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => console.log(line));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH) return sendPlain(res, 414, 'URI Too Long');
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host ?? 'localhost';
    // The function sees the scheme it was called on (the issuer's discovery documents name their endpoints by it).
    const scheme = (req.socket as TLSSocket).encrypted === true ? 'https' : 'http';
    const url = new URL(rawUrl, `${scheme}://${host}`);
    const path = url.pathname.toLowerCase();
    const system = options.systemRoutes?.find((r) => path === r.prefix.toLowerCase() || path.startsWith(`${r.prefix.toLowerCase()}/`));
    if (system) {
      await system.handle(req, res, url);
      log(`${method} ${url.pathname} -> ${res.statusCode} (host)`);
      return;
    }
    const result = table.match(method, url.pathname);
    if (result.kind === 'notFound') return sendPlain(res, 404, 'Not Found');
    if (result.kind === 'methodNotAllowed') {
      res.setHeader('Allow', result.allowed.join(', '));
      return sendPlain(res, 405, 'Method Not Allowed');
    }
    const fn = byName.get(result.match.functionName);
    if (!fn) return sendPlain(res, 404, 'Not Found');

    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBodyBytes) return sendPlain(res, 413, 'Payload Too Large', true);
    const body = await readBody(req, maxBodyBytes);
    if (body === 'tooLarge') return sendPlain(res, 413, 'Payload Too Large', true);

    const triggerName = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'httptrigger')?.[0];
    const http: RpcHttpData = {
      method,
      url: url.toString(),
      headers: flattenHeaders(req),
      params: result.match.params,
      body: { bytes: body },
    };
    const started = process.hrtime.bigint();
    const outcome = await invokeFunction(fn, { inputData: [{ name: triggerName ?? 'httpTrigger', data: { http } }] });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (outcome.error !== undefined) {
      // The Functions host answers an unhandled exception with an empty 500.
      log(`[error] ${fn.metadata.name} (${outcome.invocationId}) failed: ${describeError(outcome.error)}`);
      sendPlain(res, 500, '');
      return;
    }
    const data = outcome.response?.returnValue?.http ?? findHttpOutput(fn, outcome.response?.outputData);
    writeResponse(res, data);
    log(`${method} ${url.pathname} -> ${res.statusCode} ${fn.metadata.name} (${outcome.invocationId}) ${elapsedMs.toFixed(1)} ms`);
  }

  return {
    table,
    listener: (req: IncomingMessage, res: ServerResponse): void => {
      handle(req, res).catch((error: unknown) => {
        log(`[error] local host failed on ${req.method} ${req.url}: ${describeError(error)}`);
        if (!res.headersSent) sendPlain(res, 500, '');
        else res.destroy();
      });
    },
  };
}

/**
 * Listens with the handler: over HTTP, or over HTTPS with `tls` (the local host's certificate, local/tls.ts). The
 * same handler serves both, so every route answers on either.
 */
export async function listen(
  handler: ReturnType<typeof createHttpHandler>,
  port: number,
  hostname: string,
  tls?: { key: string; cert: string },
): Promise<Server> {
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler.listener) : createServer(handler.listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function findHttpOutput(fn: RegisteredFunction, outputs: { name?: string | null; data?: RpcTypedData | null }[] | null | undefined) {
  const httpOut = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'http' && b.direction === 'out');
  if (!httpOut || !outputs) return undefined;
  return outputs.find((o) => o.name === httpOut[0])?.data?.http ?? undefined;
}

function writeResponse(res: ServerResponse, data: RpcHttpData | null | undefined): void {
  if (!data) {
    res.statusCode = 204;
    res.end();
    return;
  }
  res.statusCode = Number(data.statusCode ?? '200') || 200;
  for (const [name, value] of Object.entries(data.headers ?? {})) res.setHeader(name, value);
  const cookies = (data.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  const body = typedDataToBuffer(data.body);
  if (!res.hasHeader('content-length') && res.statusCode !== 204 && res.statusCode !== 304) {
    res.setHeader('Content-Length', body.length);
  }
  res.end(res.statusCode === 204 || res.statusCode === 304 ? undefined : body);
}

function typedDataToBuffer(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string);
  if (typeof data.json === 'string') return Buffer.from(data.json);
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

export function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires && typeof expires.seconds === 'number') {
    parts.push(`Expires=${new Date(expires.seconds * 1000 + Math.floor((expires.nanos ?? 0) / 1e6)).toUTCString()}`);
  }
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}

function sendPlain(res: ServerResponse, status: number, text: string, closeConnection = false): void {
  res.statusCode = status;
  if (closeConnection) res.setHeader('Connection', 'close');
  if (text) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
