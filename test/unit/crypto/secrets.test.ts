import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, decodeKey, isSealed, loadOrCreateKeyFile, secretBoxFor } from '../../../shared/crypto/secrets';

describe('AES-256-GCM secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never shows the plaintext', () => {
    const sealed = box.seal('AccountKey=abc==', 'ctx');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('AccountKey');
    expect(box.open(sealed, 'ctx')).toBe('AccountKey=abc==');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'ctx')).not.toBe(box.seal('same', 'ctx'));
  });

  /** The sealed value with one bit of its body (`<ciphertext><16-byte tag>`, the 4th part) flipped at `at` (< 0: from the end). */
  const flipped = (sealed: string, at: number) => {
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    const i = at < 0 ? body.length + at : at;
    body.writeUInt8(body.readUInt8(i) ^ 0x01, i);
    return [...parts.slice(0, 3), body.toString('base64url')].join('.');
  };

  it.each([
    ['another context', (s: string) => box.open(s, 'other')],
    ['another key', (s: string) => createSecretBox(randomBytes(32)).open(s, 'ctx')],
    ['a flipped ciphertext byte', (s: string) => box.open(flipped(s, 0), 'ctx')],
    ['a flipped tag byte', (s: string) => box.open(flipped(s, -1), 'ctx')],
  ])('refuses to open with %s', (_case, attempt) => {
    expect(() => attempt(box.seal('secret', 'ctx'))).toThrow();
  });

  it('accepts only 32-byte base64 keys', () => {
    expect(decodeKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(decodeKey(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(decodeKey('not base64 !')).toBeUndefined();
  });
});

describe('the development key file', () => {
  it('is created once, privately, and every loader agrees on it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'secrets-key-')), 'nested', 'secrets-key');
    const keys = await Promise.all(Array.from({ length: 5 }, async () => loadOrCreateKeyFile(file)));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(decodeKey(readFileSync(file, 'utf8'))).toEqual(keys[0]);
  });

  it('is used only in local mode without SECRETS_KEY', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'secrets-key-')), 'secrets-key');
    const local = secretBoxFor({ localKeyFile: file, localMode: true });
    expect(secretBoxFor({ localKeyFile: file, localMode: true }).keyId).toBe(local.keyId);
    const configured = randomBytes(32).toString('base64');
    expect(secretBoxFor({ key: configured, localKeyFile: file, localMode: true }).keyId).not.toBe(local.keyId);
    expect(() => secretBoxFor({ localKeyFile: file, localMode: false })).toThrow(/SECRETS_KEY/);
  });
});
