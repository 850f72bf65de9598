/**
 * The ARM template rules of a test drive ([L3352]–[L3641]): every parameter carries `metadata.type` of a supported
 * kind, typed as documented; the values each instance gets; the outputs as the customer sees them (all strings).
 */
import type { ParameterKind, TemplateParameter } from '../model';

export interface Violation {
  path: string;
  message: string;
}

/** `metadata.type` spellings ([L3433]–[L3437]); the table's "session id" and the sample's `sessionid` are both accepted (G9). */
const KINDS: Record<string, ParameterKind> = {
  baseuri: 'baseuri',
  username: 'username',
  password: 'password',
  sessionid: 'sessionid',
  'session id': 'sessionid',
};

/** The ARM parameter type each kind must be declared with ([L3434]–[L3437]). */
const DECLARED: Record<ParameterKind, string> = { baseuri: 'string', username: 'string', password: 'securestring', sessionid: 'string' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The template's parameters with their kinds, or what is wrong with them (a template without parameters is valid, L3429). */
export function templateParameters(template: unknown, base: string): { parameters: TemplateParameter[]; violations: Violation[] } {
  if (!isObject(template)) return { parameters: [], violations: [{ path: base, message: 'must be the main template (a JSON object)' }] };
  const declared = template['parameters'];
  if (declared === undefined) return { parameters: [], violations: [] };
  if (!isObject(declared)) return { parameters: [], violations: [{ path: `${base}.parameters`, message: 'must be an object' }] };
  const parameters: TemplateParameter[] = [];
  const violations: Violation[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    const path = `${base}.parameters.${name}`;
    const metadata = isObject(spec) ? spec['metadata'] : undefined;
    const raw = isObject(metadata) ? metadata['type'] : undefined;
    if (typeof raw !== 'string') {
      violations.push({ path: `${path}.metadata.type`, message: 'is required: every test drive template parameter names its metadata.type' });
      continue;
    }
    const kind = KINDS[raw.toLowerCase()];
    if (!kind) {
      violations.push({ path: `${path}.metadata.type`, message: `"${raw}" is not supported (baseuri, username, password or sessionid)` });
      continue;
    }
    const type = isObject(spec) ? spec['type'] : undefined;
    if (typeof type !== 'string' || type.toLowerCase() !== DECLARED[kind]) {
      violations.push({ path: `${path}.type`, message: `must be ${DECLARED[kind]} for a ${kind} parameter` });
      continue;
    }
    parameters.push({ name, kind });
  }
  return { parameters, violations };
}

/** The values one instance's deployment gets (one fresh user name, password and session id per instance, L3468–L3521). */
export function parameterValues(
  parameters: readonly TemplateParameter[],
  values: { baseUri: string; username: string; password: string; sessionId: string },
): Record<string, { value: string }> {
  const byKind: Record<ParameterKind, string> = {
    baseuri: values.baseUri,
    username: values.username,
    password: values.password,
    sessionid: values.sessionId,
  };
  const out: Record<string, { value: string }> = {};
  for (const p of parameters) out[p.name] = { value: byKind[p.kind] };
  return out;
}

/** Outputs as shown to the customer: every value a string, objects and arrays as JSON (L3605). */
export function outputsAsStrings(outputs: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(outputs)) {
    const value = isObject(raw) && 'value' in raw ? raw['value'] : raw;
    out[name] = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  }
  return out;
}

/** A user name like the seed's `admin68876` (L3468) from 5 random digits. */
export function userNameOf(digits: number): string {
  return `admin${String(Math.abs(Math.trunc(digits)) % 100_000).padStart(5, '0')}`;
}

const PASSWORD_SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*-_+='] as const;

/**
 * A 16-character password from random bytes with a character of every class (upper, lower, digit, symbol), as Azure
 * VM password rules require; `bytes` needs at least 16 entries.
 */
export function passwordOf(bytes: Uint8Array): string {
  const chars: string[] = [];
  for (let i = 0; i < 16; i += 1) {
    const set = PASSWORD_SETS[i % PASSWORD_SETS.length] as string;
    chars.push(set[(bytes[i] ?? 0) % set.length] as string);
  }
  return chars.join('');
}
