/**
 * GUIDs as .NET's `Guid` and the marketplace accept them (issue 17; decision 0312): any 8-4-4-4-12 hexadecimal
 * string, in either case, whatever its version and variant nibbles, so test ids such as
 * `11111111-1111-1111-1111-111111111111` are GUIDs. zod's `z.uuid()` follows RFC 9562 and refuses them; every
 * GUID field of the API uses `guidSchema` (or `isGuid`) instead.
 */
import { z } from 'zod';

/** 8-4-4-4-12 hexadecimal digits, nothing else (no braces, no surrounding spaces). */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_PATTERN.test(value);
}

/** A zod string that must be a GUID in the sense above; `message` is the surface's wording of the refusal. */
export function guidSchema(message = 'must be a GUID') {
  return z.string({ error: message }).regex(GUID_PATTERN, message);
}
