/**
 * The one outbound HTTP client (architecture.md, Identity and security). Every call to a URL that a publisher
 * configured goes through here:
 * - address policy: the host name is resolved and every address checked; private, link-local, metadata and other
 *   special ranges are refused unless the host is allow-listed; loopback only when allowed (by default under
 *   AUTH_MODE=local, where an ISV's first webhook sink runs on localhost; decision 0006);
 * - https only, except http to an allowed loopback or allow-listed host in local mode (tests and first runs use a
 *   plain-HTTP sink); outside local mode (`httpsOnly`) every http URL is refused, as Microsoft requires https;
 * - a timeout for the whole exchange, redirects not followed (a 3xx is an answer, not a hop to an unchecked address);
 * - the response is kept only as a short excerpt with secrets masked, for the attempt log.
 * The address that is checked is the address that is connected to (decision 0420): the connection's own `lookup`
 * resolves, applies the policy and hands the socket only the addresses it approved, so a DNS-rebinding answer
 * between a check and the connect cannot reach loopback or the metadata endpoint.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  bareHost,
  checkDestination,
  DestinationRefusedError,
  guardedLookup,
  systemResolver,
  type OutboundPolicy,
  type Resolver,
} from './policy';

export interface OutboundRequest {
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

export type OutboundResult =
  | {
      kind: 'response';
      status: number;
      excerpt: string;
      durationMs: number;
      /** The answer's Retry-After header as sent (seconds or an HTTP-date), when it had one. */
      retryAfter?: string;
    }
  | { kind: 'error'; message: string; durationMs: number }
  | { kind: 'refused'; message: string };

/**
 * Any exchange with a raw body (a form post, an SDK pipeline's request): the body is sent as given, with its content
 * type; the answer keeps its headers and up to `keepBodyBytes` of its body (SDKs parse token and error answers).
 */
export interface OutboundSendRequest {
  method?: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  contentType?: string;
  /** This call's deadline instead of the policy's. */
  timeoutMs?: number;
  /** Bytes of the answer's body kept whole in `body` (default: only the excerpt's bytes); at most 1 MiB. */
  keepBodyBytes?: number;
}

export type OutboundSendResult =
  | {
      kind: 'response';
      status: number;
      /** Header names lower-cased; repeated headers joined with ", ". */
      headers: Record<string, string>;
      retryAfter?: string;
      /** The body as received (not redacted): for the caller to parse, never to store. */
      body: string;
      excerpt: string;
      durationMs: number;
    }
  | { kind: 'error'; message: string; durationMs: number; timedOut: boolean }
  | { kind: 'refused'; message: string };

const MAX_KEEP_BYTES = 1_048_576;

const EXCERPT_CHARS = 512;
/** Bytes read from a response at most: enough for EXCERPT_CHARS of UTF-8; the rest is never downloaded. */
const EXCERPT_BYTES = EXCERPT_CHARS * 4;

/** Masks bearer tokens, JWT-looking strings and `secret=`/`sig=`/`password=`-style values before storing. */
export function redact(text: string): string {
  return text
    .replace(/bearer\s+[\w.~+/=-]+/gi, 'Bearer ***')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '***')
    .replace(/((?:secret|sig|signature|password|token|key)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi, '$1***');
}

class OutboundTimeoutError extends Error {}

/** Node's connect errors name the cause (fetch hid it behind "fetch failed"); happy eyeballs wraps them in an AggregateError with an empty message. */
function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return [...new Set(error.errors.map(errorMessage))].join('; ');
  if (error instanceof Error) return error.message || String((error as NodeJS.ErrnoException).code ?? 'request failed');
  return String(error);
}

export class OutboundClient {
  readonly #policy: OutboundPolicy;
  readonly #resolve: Resolver;

  constructor(policy: OutboundPolicy, resolve: Resolver = systemResolver) {
    this.#policy = policy;
    this.#resolve = resolve;
  }

  async postJson(request: OutboundRequest): Promise<OutboundResult> {
    const result = await this.send({
      url: request.url,
      headers: request.headers,
      body: JSON.stringify(request.body) ?? 'null',
      contentType: 'application/json',
    });
    if (result.kind !== 'response') return result.kind === 'error' ? { kind: 'error', message: result.message, durationMs: result.durationMs } : result;
    const { status, excerpt, durationMs, retryAfter } = result;
    return { kind: 'response', status, excerpt, durationMs, ...(retryAfter === undefined ? {} : { retryAfter }) };
  }

  /** One exchange under the address policy: never throws; a refusal, an error or the answer. */
  async send(request: OutboundSendRequest): Promise<OutboundSendResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { kind: 'refused', message: 'the URL is not valid' };
    }
    const refusal = await checkDestination(url, this.#policy, this.#resolve);
    if (refusal) return { kind: 'refused', message: refusal };
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const answer = await this.#exchange(url, request);
      const retryAfter = answer.headers['retry-after'];
      return {
        kind: 'response',
        status: answer.status,
        headers: answer.headers,
        ...(retryAfter === undefined ? {} : { retryAfter }),
        body: answer.body,
        excerpt: redact(answer.body.slice(0, EXCERPT_CHARS)),
        durationMs: durationMs(),
      };
    } catch (error) {
      if (error instanceof DestinationRefusedError) return { kind: 'refused', message: error.message };
      const timedOut = error instanceof OutboundTimeoutError;
      const message = timedOut ? error.message : redact(errorMessage(error));
      return { kind: 'error', message, durationMs: durationMs(), timedOut };
    }
  }

  #exchange(url: URL, request: OutboundSendRequest): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const host = bareHost(url);
    const body = request.body ?? '';
    const https = url.protocol === 'https:';
    const timeoutMs = request.timeoutMs ?? this.#policy.timeoutMs;
    const keepBytes = Math.min(Math.max(request.keepBodyBytes ?? EXCERPT_BYTES, EXCERPT_BYTES), MAX_KEEP_BYTES);
    const headers: Record<string, string> = {
      ...(request.contentType ? { 'content-type': request.contentType } : {}),
      ...request.headers,
      'content-length': String(Buffer.byteLength(body)),
    };
    const options: RequestOptions = {
      method: request.method ?? 'POST',
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers,
      // A fresh connection per call: a pooled socket would skip the lookup (and carry another client's policy).
      agent: false,
      lookup: guardedLookup(this.#policy, !https, this.#resolve),
      // TLS stays verified against the name in the URL (default rejectUnauthorized), SNI included; never an IP.
      ...(https && !isIP(host) ? { servername: host } : {}),
      // Extra trusted roots (a test's local CA) add to the system's, never replace them.
      ...(https && this.#policy.extraCa ? { ca: [...rootCertificates, this.#policy.extraCa] } : {}),
    };
    return new Promise((resolve, reject) => {
      let response: IncomingMessage | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).subarray(0, keepBytes).toString('utf8');
        const received: Record<string, string> = {};
        for (const [name, value] of Object.entries(response?.headers ?? {})) {
          if (value !== undefined) received[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: response?.statusCode ?? 0, headers: received, body: keepBytes === EXCERPT_BYTES ? text.slice(0, EXCERPT_CHARS) : text });
        response?.destroy();
      };
      // One deadline for connect, send and body. Once the status line is in, it is the answer (as with fetch
      // before): a stalled or broken body only shortens the excerpt.
      const timer = setTimeout(() => {
        if (response) return answer();
        req.destroy(new OutboundTimeoutError(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const req = (https ? httpsRequest : httpRequest)(options, (res) => {
        response = res;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= keepBytes) answer();
        });
        res.on('end', answer);
        res.on('error', answer);
        res.on('close', answer);
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        if (response) return answer();
        reject(error);
      });
      req.end(body);
    });
  }
}
