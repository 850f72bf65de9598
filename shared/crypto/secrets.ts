/**
 * Secrets at rest (lead destination keys, test drive app secrets): AES-256-GCM with a 32-byte key from the
 * SECRETS_KEY setting (a Key Vault reference in Azure, see infra/app/function.bicep). In local mode without
 * SECRETS_KEY a development key is read from a file (default `.local/secrets-key`), created atomically on first use
 * like the issuer key file, so every process on the machine agrees on one key.
 *
 * A sealed value is `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts). The caller passes a context string (for
 * example `contoso/offer-1/$.definition.offer["…"].connectionString`) that is bound as additional authenticated
 * data: a sealed value copied to another offer or field does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createFileOnce } from '../files';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export interface SecretBox {
  /** A short fingerprint of the key, stored with each sealed value so a later key rotation can tell keys apart. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && /^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new SecretError(`The secrets key must be ${KEY_BYTES} bytes, not ${key.length}.`);
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [FORMAT, keyId, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [format, id, ivText, bodyText] = sealed.split('.');
      if (format !== FORMAT || !ivText || !bodyText) throw new SecretError('The sealed value is not in a known format.');
      if (id !== keyId) throw new SecretError(`The value was sealed with key ${id ?? '?'}, not the configured key ${keyId}.`);
      const body = Buffer.from(bodyText, 'base64url');
      if (body.length < TAG_BYTES) throw new SecretError('The sealed value is truncated.');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretError('The sealed value does not open with this key and context.');
      }
    },
  };
}

/** Decodes a base64 key setting; undefined when it is not exactly 32 bytes. */
export function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

function readKeyFile(file: string): Buffer {
  const key = decodeKey(readFileSync(file, 'utf8'));
  if (!key) throw new SecretError(`The secrets key file ${file} does not hold a base64-encoded ${KEY_BYTES}-byte key.`);
  return key;
}

/**
 * Reads the development key file, creating it if absent. Two processes racing to create it agree on one key: each
 * writes a private temporary file and hard-links it into place, which fails (EEXIST) for all but the first.
 */
export function loadOrCreateKeyFile(file: string): Buffer {
  if (existsSync(file)) return readKeyFile(file);
  createFileOnce(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
  return readKeyFile(file);
}

export interface SecretsSettings {
  /** SECRETS_KEY, base64; required outside local mode (the config check enforces it). */
  key?: string;
  /** The development key file, used only in local mode when SECRETS_KEY is unset. */
  localKeyFile: string;
  localMode: boolean;
}

/** The box for the configured key: SECRETS_KEY when set, else (local mode only) the development key file. */
export function secretBoxFor(settings: SecretsSettings): SecretBox {
  if (settings.key !== undefined) {
    const key = decodeKey(settings.key);
    if (!key) throw new SecretError(`SECRETS_KEY must be a base64-encoded ${KEY_BYTES}-byte key.`);
    return createSecretBox(key);
  }
  if (!settings.localMode) throw new SecretError('SECRETS_KEY is required outside local mode.');
  return createSecretBox(loadOrCreateKeyFile(settings.localKeyFile));
}
