/** Response helpers: handlers return these instead of hand-serialised JSON. */
import type { HttpResponseInit } from '@azure/functions';

type Headers = Record<string, string>;

export function ok(body: unknown, headers: Headers = {}): HttpResponseInit {
  return { status: 200, jsonBody: body, headers };
}

export function created(body: unknown, headers: Headers = {}): HttpResponseInit {
  return { status: 201, jsonBody: body, headers };
}

export function accepted(body?: unknown, headers: Headers = {}): HttpResponseInit {
  return body === undefined ? { status: 202, headers } : { status: 202, jsonBody: body, headers };
}

export function noContent(headers: Headers = {}): HttpResponseInit {
  return { status: 204, headers };
}
