/**
 * The local host's keys, as the Functions host keeps them: a JSON file in the shape of Azure's host secrets
 * (`systemKeys` with `{name, value}`), holding the Durable extension's system key `durabletask_extension`.
 * The Durable HTTP API requires it (`code=` in the query or the `x-functions-key` header), as in Azure.
 *
 * The file lies beside the local issuer's key file (`host-keys.json` in the folder of LOCAL_ISSUER_KEY_FILE,
 * default `.local/`), is created on first start with mode 0600, and is shared by every host using that folder
 * (two hosts on one task hub agree on one key, as the instances of a Function App do).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { DEFAULT_LOCAL_ISSUER_KEY_FILE } from '../shared/config';
import { createFileOnce } from '../shared/files';

/** The name under which the Functions host keeps the Durable extension's system key. */
export const DURABLE_SYSTEM_KEY = 'durabletask_extension';
export const HOST_KEYS_FILE_NAME = 'host-keys.json';
/** Azure's keys carry 40 bytes in URL-safe base64 with the padding kept (56 characters). */
const KEY_BYTES = 40;
const KEY_SHAPE = /^[A-Za-z0-9_-]{32,}={0,2}$/;

interface StoredKey {
  name: string;
  value: string;
}

interface HostKeysFile {
  systemKeys: StoredKey[];
}

/** Where the host keys live for these settings: beside LOCAL_ISSUER_KEY_FILE, resolved like shared/config.ts does. */
export function hostKeysFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const issuer = env['LOCAL_ISSUER_KEY_FILE'] || DEFAULT_LOCAL_ISSUER_KEY_FILE;
  return path.join(path.dirname(path.resolve(cwd, issuer)), HOST_KEYS_FILE_NAME);
}

/** A new key in Azure's format: random bytes, URL-safe base64, padding kept (safe in a query string as is). */
export function newKeyValue(): string {
  return randomBytes(KEY_BYTES).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The Durable extension's system key from an existing host key file (what a client with access to the file reads). */
export function readSystemKey(file: string): string {
  let parsed: Partial<HostKeysFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HostKeysFile>;
  } catch (error) {
    throw new Error(`The host key file ${file} is not valid JSON (${(error as Error).message}); delete it to get a new key.`);
  }
  const value = Array.isArray(parsed.systemKeys) ? parsed.systemKeys.find((k) => k?.name === DURABLE_SYSTEM_KEY)?.value : undefined;
  if (typeof value !== 'string' || !KEY_SHAPE.test(value)) {
    throw new Error(
      `The host key file ${file} holds no usable system key "${DURABLE_SYSTEM_KEY}" (URL-safe base64, at least 32 characters); delete it to get a new key.`,
    );
  }
  return value;
}

/**
 * Reads the Durable extension's system key, creating the file (mode 0600) on first start. Two hosts starting
 * together agree on one key: each writes a private temporary file and hard-links it into place, which fails
 * (EEXIST) for all but the first; a file already there is never replaced.
 */
export function loadOrCreateSystemKey(file: string): string {
  if (existsSync(file)) return readSystemKey(file);
  const content: HostKeysFile = { systemKeys: [{ name: DURABLE_SYSTEM_KEY, value: newKeyValue() }] };
  createFileOnce(file, `${JSON.stringify(content, null, 2)}\n`);
  return readSystemKey(file);
}

/**
 * The key a request presents, read as the Functions host reads it: the `x-functions-key` header takes precedence
 * over the `code` query parameter (whose name, like every query name of the Durable API, is case-insensitive).
 */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  for (const [name, value] of url.searchParams) if (name.toLowerCase() === 'code' && value) return value;
  return undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares in constant time (over fixed-length digests, so neither the content nor the length leaks). */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}
