/**
 * The capture request (specs/leads.md 1.4, 2.7; decision 0500): `POST /api/storefront/leads` with a JSON body of at
 * most 32 KiB (413 above, judged on Content-Length before reading when it is sent), `application/json` (415
 * otherwise), a strict schema (an unknown property is 400, as are `__proto__`, `constructor` and `prototype` keys
 * anywhere), and the optional `Idempotency-Key` header. Violations name the wire path (`UserDetails.Phone`) and a
 * code (`invalid_type`, `unknown_property`, `invalid_json`, ...).
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type Violation } from '../../errors';
import { LEAD_SOURCES, STOREFRONTS, TRIGGERS } from '../model';
import { isIdempotencyKey } from '../rules/dedupe';
import type { CaptureInput } from '../service/capture';

export const MAX_LEAD_BODY_BYTES = 32 * 1024;

const str = z.string();
const userDetailsSchema = z.strictObject({
  FirstName: str.optional(),
  LastName: str.optional(),
  Email: str.optional(),
  Phone: str.optional(),
  Country: str.optional(),
  Company: str.optional(),
  Title: str.optional(),
});

export const captureSchema = z.strictObject({
  publisherId: z.string().min(1).max(50),
  offerId: z.string().min(1).max(50),
  trigger: z.enum(TRIGGERS),
  storefront: z.enum(STOREFRONTS),
  planId: z.string().min(1).max(50).optional(),
  source: z.enum(LEAD_SOURCES).optional(),
  UserDetails: userDetailsSchema,
  Description: str.optional(),
  /** Accepted and ignored: the title comes from the catalog, never from the client (spec 2.1). */
  OfferTitle: str.optional(),
  Consent: z.strictObject({ Given: z.boolean().optional(), At: str.optional() }).optional(),
});

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `a.b[0].c` → `a.b.0.c`; the body itself is `body`. */
function wirePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(String).join('.');
}

/** Keys that could reach an object's prototype, wherever they sit in the body. */
export function forbiddenKeys(value: unknown, path: string[] = []): Violation[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => forbiddenKeys(v, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) =>
    FORBIDDEN_KEYS.has(key)
      ? [{ path: wirePath([...path, key]), code: 'forbidden_property', message: 'is not allowed' }]
      : forbiddenKeys((value as Record<string, unknown>)[key], [...path, key]),
  );
}

/** The value at a path of the body (zod's issues do not carry the input). */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let node = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function schemaViolations(error: z.ZodError, body: unknown): Violation[] {
  return error.issues.flatMap((issue): Violation[] => {
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path: wirePath([...issue.path, key]), code: 'unknown_property', message: 'is not a known property' }));
      case 'invalid_type': {
        const missing = valueAt(body, issue.path) === undefined;
        return [
          {
            path: wirePath(issue.path),
            code: missing ? 'field_required' : 'invalid_type',
            message: missing ? 'is required' : `must be a ${issue.expected}`,
          },
        ];
      }
      case 'too_big':
        return [{ path: wirePath(issue.path), code: 'field_too_long', message: issue.message }];
      case 'too_small':
        return [{ path: wirePath(issue.path), code: 'field_required', message: 'must not be empty' }];
      case 'invalid_value':
        return [{ path: wirePath(issue.path), code: 'invalid_value', message: issue.message }];
      default:
        return [{ path: wirePath(issue.path), code: 'invalid_value', message: issue.message }];
    }
  });
}

function isJson(contentType: string | null): boolean {
  const media = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json';
}

/** Reads the body: 415, 413, 400 `invalid_json`, 400 for the schema; returns the parsed body too (replays hash it). */
export async function readCapture(request: HttpRequest): Promise<CaptureInput> {
  const contentType = request.headers.get('content-type');
  if (!isJson(contentType)) throw UnsupportedMediaTypeError.contentType(contentType);
  if (Number(request.headers.get('content-length') ?? '0') > MAX_LEAD_BODY_BYTES) throw new PayloadTooLargeError(MAX_LEAD_BODY_BYTES);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_LEAD_BODY_BYTES) throw new PayloadTooLargeError(MAX_LEAD_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    const message = `is not valid JSON: ${(error as Error).message}`;
    throw new ValidationError('The request body is not valid JSON.', [{ path: 'body', code: 'invalid_json', message }], 'invalid_json');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object.', [{ path: 'body', code: 'invalid_type', message: 'must be an object' }], 'invalid_type');
  }
  const forbidden = forbiddenKeys(body);
  if (forbidden.length > 0) throw new ValidationError('The request body is not valid.', forbidden, 'forbidden_property');
  const result = captureSchema.safeParse(body);
  if (!result.success) {
    const violations = schemaViolations(result.error, body);
    throw new ValidationError('The request body is not valid.', violations, violations[0]?.code ?? 'invalid_value');
  }
  const key = request.headers.get('idempotency-key');
  if (key !== null && !isIdempotencyKey(key)) {
    throw new ValidationError(
      'The Idempotency-Key header is not valid.',
      [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key', message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' }],
      'invalid_idempotency_key',
    );
  }
  const b = result.data;
  return {
    publisherId: b.publisherId,
    offerId: b.offerId,
    trigger: b.trigger,
    storefront: b.storefront,
    ...(b.planId !== undefined ? { planId: b.planId } : {}),
    ...(b.source !== undefined ? { source: b.source } : {}),
    userDetails: Object.fromEntries(Object.entries(b.UserDetails).filter(([, v]) => v !== undefined)),
    ...(b.Description !== undefined ? { description: b.Description } : {}),
    ...(b.Consent !== undefined ? { consent: Object.fromEntries(Object.entries(b.Consent).filter(([, v]) => v !== undefined)) } : {}),
    ...(key !== null ? { idempotencyKey: key } : {}),
    body,
  };
}
