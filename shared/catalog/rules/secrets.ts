/**
 * Write-only secrets inside offer settings (lead destinations, test drive; specs/publish.md 1.3, A33; leads.md
 * 3.0.3). On PUT a secret string is sealed (AES-GCM, shared/crypto/secrets.ts) and stored as `{"$sealed": "…"}`;
 * a secret that is omitted, `null` or the placeholder keeps the stored value, `""` clears it. On GET a sealed value
 * reads as the placeholder and its container lists it in `secretsSet`. Secrets are never echoed, not even in errors.
 */
import type { Violation } from '../../errors';
import { SECRET_CONTAINER_KEYS, SECRET_FIELD_NAMES } from '../model/fields/listing';
import type { Json, JsonObject } from '../model/offer';
import { violation } from './violations';

export const SECRET_PLACEHOLDER = '********';
const SEALED = '$sealed';
const SECRETS_SET = 'secretsSet';

type Sealed = { [SEALED]: string };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSealedValue(value: Json | undefined): value is Sealed {
  return isObject(value) && typeof value[SEALED] === 'string' && Object.keys(value).length === 1;
}

const isSecretName = (name: string) => SECRET_FIELD_NAMES.has(name.toLowerCase());

export type Seal = (plaintext: string, context: string) => string;

/**
 * Seals the secrets of `offer` (canonical keys), carrying over stored ones from `previous`. `context` identifies
 * the offer incarnation; each value is bound to it and to its field path.
 */
export function sealSecrets(
  offer: JsonObject,
  previous: JsonObject | undefined,
  seal: Seal,
  context: string,
): { offer: JsonObject; violations: Violation[] } {
  const violations: Violation[] = [];
  const out: JsonObject = { ...offer };

  const walk = (node: Json, prev: Json | undefined, path: PropertyKey[]): Json => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, Array.isArray(prev) ? prev[i] : undefined, [...path, i]));
    if (!isObject(node)) return node;
    const result: JsonObject = {};
    for (const [name, value] of Object.entries(node)) {
      if (name === SECRETS_SET) continue; // read-only, emitted by GET
      if (!isSecretName(name)) {
        result[name] = walk(value, isObject(prev) ? prev[name] : undefined, [...path, name]);
        continue;
      }
      const stored = isObject(prev) ? prev[name] : undefined;
      if (value === null || value === SECRET_PLACEHOLDER) {
        if (isSealedValue(stored)) result[name] = stored;
      } else if (value === '') {
        // cleared
      } else if (typeof value === 'string') {
        result[name] = { [SEALED]: seal(value, `${context}|${[...path, name].join('.')}`) };
      } else {
        violations.push(violation(['definition', 'offer', ...path, name], 'InvalidType', 'is a secret and must be a string'));
      }
    }
    // An omitted secret keeps its stored value (A33).
    if (isObject(prev)) {
      for (const [name, stored] of Object.entries(prev)) {
        if (isSecretName(name) && !Object.hasOwn(node, name) && isSealedValue(stored)) result[name] = stored;
      }
    }
    return result;
  };

  for (const key of SECRET_CONTAINER_KEYS) {
    const value = out[key];
    // Stryker disable next-line ConditionalExpression: walking an absent container sets it to undefined, which JSON (stored document and response) drops
    if (value !== undefined) out[key] = walk(value, previous?.[key], [key]);
  }
  return { offer: out, violations };
}

/** The offer as clients see it: sealed values become the placeholder, and each object lists its set secrets. */
export function maskSecrets(offer: JsonObject): JsonObject {
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const result: JsonObject = {};
    const set: string[] = [];
    for (const [name, value] of Object.entries(node)) {
      if (isSealedValue(value)) {
        result[name] = SECRET_PLACEHOLDER;
        set.push(name);
      } else {
        result[name] = walk(value);
      }
    }
    if (set.length > 0) result[SECRETS_SET] = set;
    return result;
  };
  const out: JsonObject = { ...offer };
  for (const key of SECRET_CONTAINER_KEYS) {
    const value = out[key];
    // Stryker disable next-line ConditionalExpression: walking an absent container sets it to undefined, which JSON (the response) drops
    if (value !== undefined) out[key] = walk(value);
  }
  return out;
}

/** Opens one sealed value for a capability that needs the plaintext (lead delivery, test drive deployment). */
export function openSecret(
  offer: JsonObject,
  path: readonly (string | number)[],
  open: (sealed: string, context: string) => string,
  context: string,
): string | undefined {
  let node: Json | undefined = offer;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isObject(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return isSealedValue(node) ? open(node[SEALED], `${context}|${path.join('.')}`) : undefined;
}
