/**
 * The local issuer's signing keys, kept in one JSON file so that the offline token command and every host,
 * started before or after, sign and verify with the same keys. The first key signs; older keys stay published
 * in the JWKS after a rotation so tokens already issued keep working until they expire.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';

export const SIGNING_ALG = 'RS256';
const KEEP_KEYS = 3;

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: JWK;
}

interface KeyFile {
  keys: StoredKey[];
}

async function newKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const privateJwk = await exportJWK(privateKey);
  return { kid: randomUUID().replace(/-/g, ''), createdAt: new Date().toISOString(), privateJwk };
}

function readKeyFile(file: string): KeyFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error(`The key file ${file} holds no keys.`);
  return parsed;
}

function writeTemp(file: string, content: KeyFile): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(content, null, 2));
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Reads the key file, creating it atomically if it does not exist (two racing creators agree on one file). */
export async function loadOrCreateKeyFile(file: string): Promise<KeyFile> {
  if (existsSync(file)) return readKeyFile(file);
  const temp = writeTemp(file, { keys: [await newKey()] });
  try {
    linkSync(temp, file); // fails with EEXIST if another process won the race; never replaces a file
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readKeyFile(file);
}

/** Adds a new signing key in front; the previous ones stay for verification. */
export async function rotateKeyFile(file: string): Promise<string> {
  const current = await loadOrCreateKeyFile(file);
  const key = await newKey();
  const temp = writeTemp(file, { keys: [key, ...current.keys].slice(0, KEEP_KEYS) });
  renameSync(temp, file);
  return key.kid;
}

function publicJwk(key: StoredKey): JWK {
  const { kty, n, e } = key.privateJwk;
  return { kty, n, e, kid: key.kid, alg: SIGNING_ALG, use: 'sig' };
}

type KeySetVerifier = ReturnType<typeof createLocalJWKSet>;

interface LoadedKeys {
  mtimeMs: number;
  file: KeyFile;
  signing?: SigningKey;
  verifier?: KeySetVerifier;
}

export interface SigningKey {
  kid: string;
  key: Awaited<ReturnType<typeof importJWK>>;
}

/** Loads keys from the file, and re-reads it when it changes (a rotation by the token command). */
export class LocalKeyStore {
  readonly #file: string;
  #loaded: LoadedKeys | undefined;
  #checkedAt = 0;

  constructor(file: string) {
    this.#file = file;
  }

  get file(): string {
    return this.#file;
  }

  async #current(): Promise<LoadedKeys> {
    // Look at the file at most once a second: a rotation is picked up quickly without a syscall per request.
    const now = Date.now();
    if (this.#loaded && now - this.#checkedAt < 1000) return this.#loaded;
    this.#checkedAt = now;
    const mtimeMs = existsSync(this.#file) ? statSync(this.#file).mtimeMs : -1;
    if (!this.#loaded || this.#loaded.mtimeMs !== mtimeMs) {
      const file = await loadOrCreateKeyFile(this.#file);
      this.#loaded = { mtimeMs: statSync(this.#file).mtimeMs, file };
    }
    return this.#loaded;
  }

  async signingKey(): Promise<SigningKey> {
    const current = await this.#current();
    if (!current.signing) {
      const first = current.file.keys[0] as StoredKey;
      current.signing = { kid: first.kid, key: await importJWK(first.privateJwk, SIGNING_ALG) };
    }
    return current.signing;
  }

  /** A key resolver for jose's jwtVerify, built once per version of the key file. */
  async verifier(): Promise<KeySetVerifier> {
    const current = await this.#current();
    current.verifier ??= createLocalJWKSet({ keys: current.file.keys.map(publicJwk) });
    return current.verifier;
  }

  async jwks(): Promise<JSONWebKeySet> {
    const current = await this.#current();
    return { keys: current.file.keys.map(publicJwk) };
  }
}
