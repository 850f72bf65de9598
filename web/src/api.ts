/**
 * Calls to the public APIs with the signed-in principal's token, and the one reader of every surface's error body
 * (problem+json, SaaS, offers, metering, Partner Center, Entra), so a form can show the API's own message next to
 * the field it names.
 */
import { currentToken, refreshToken } from './auth';

export interface ApiError {
  status: number;
  message: string;
  code?: string;
  /** Field path (`UserDetails.Email`, `quantity`) → the API's message for it. */
  fields: Record<string, string>;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `$.UserDetails.Email`, `UserDetails.Email`, `userDetails.email` (and `$.a['b-c']` as `a.b-c`) name the same field. */
export function fieldKey(path: string): string {
  return path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\[['"]([^'"\]]+)['"]\]/g, '.$1')
    .toLowerCase();
}

/** The message and per-field messages of an error answer, whatever surface it came from. */
export function errorOf(status: number, body: unknown): ApiError {
  const fields: Record<string, string> = {};
  const add = (path: unknown, message: unknown) => {
    const p = text(path);
    const m = text(message);
    if (p && m) fields[fieldKey(p)] ??= m;
  };
  if (!isObject(body)) return { status, message: `The request failed with ${status}.`, fields };
  const inner = isObject(body['error']) ? body['error'] : isObject(body['Error']) ? body['Error'] : body;
  const message =
    text(body['detail']) ??
    text(inner['message']) ??
    text(inner['Message']) ??
    text(body['description']) ??
    text(body['error_description']) ??
    `The request failed with ${status}.`;
  for (const e of Array.isArray(body['errors']) ? body['errors'] : []) if (isObject(e)) add(e['path'], e['message']);
  for (const d of Array.isArray(inner['details']) ? inner['details'] : []) if (isObject(d)) add(d['target'], d['message']);
  if (Object.keys(fields).length === 0) add(inner['target'], message);
  const code = text(body['code']) ?? text(inner['code']) ?? text(inner['Code']) ?? text(body['error']);
  return { status, message, fields, ...(code ? { code } : {}) };
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function send(method: string, path: string, token: string | undefined, body: unknown, headers: Record<string, string>) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (token) (init.headers as Record<string, string>)['authorization'] = `Bearer ${token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return fetch(path, init);
}

/** One call with the current token; a 401/403 for an expired token signs in again once (the clock may have moved). */
export async function call<T = Json>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  let res = await send(method, path, await currentToken(), body, headers);
  if ((res.status === 401 || res.status === 403) && (await refreshToken())) res = await send(method, path, await currentToken(), body, headers);
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = raw === '' ? {} : JSON.parse(raw);
  } catch {
    // CSV and other text answers stay text
  }
  if (!res.ok) throw new ApiFailure(errorOf(res.status, parsed));
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const get = <T = Json>(path: string) => call<T>('GET', path).then((r) => r.body);
export const post = <T = Json>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers).then((r) => r.body);

/** The rows of a list answer: the array itself, or its first array property (`value`, `items`, `deliveries`, ...). */
export function rowsOf(body: unknown): Json[] {
  if (Array.isArray(body)) return body.filter(isObject);
  if (isObject(body)) for (const v of Object.values(body)) if (Array.isArray(v)) return v.filter(isObject);
  return [];
}

export const SAAS_VERSION = 'api-version=2018-08-31';
export const OFFERS_VERSION = 'api-version=2017-10-31';
export const enc = encodeURIComponent;
