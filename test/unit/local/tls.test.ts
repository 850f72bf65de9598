/**
 * The local HTTPS certificate (local/tls.ts): created on first start, kept, issued again by the same CA when the
 * server certificate is missing, damaged or near its end, and a new CA only when the CA itself is. Times are passed
 * in, so nothing here depends on when it runs.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer as createTlsServer } from 'node:tls';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import {
  CA_BUNDLE_FILE,
  CA_FILE,
  CA_LIFETIME_MS,
  loadOrCreateLocalTls,
  localTlsDir,
  RENEW_BEFORE_MS,
  SERVER_FILE,
  SERVER_LIFETIME_MS,
} from '../../../local/tls';

const NOW = new Date('2030-03-01T12:00:00Z');
const DAY = 86_400_000;
const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'mkt-tls-')), 'tls');

describe('loadOrCreateLocalTls', () => {
  it('creates a CA and a server certificate for localhost, 127.0.0.1 and ::1 that the CA signed', () => {
    const dir = freshDir();
    const tls = loadOrCreateLocalTls(dir, { now: NOW });
    expect(tls.outcome).toBe('ca-created');
    expect(tls.caFile).toBe(path.join(dir, CA_FILE));
    expect(readFileSync(tls.caFile, 'utf8')).toBe(tls.ca);

    const ca = new X509Certificate(tls.ca);
    const server = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(new Date(server.validTo).getTime()).toBe(Math.floor((NOW.getTime() + SERVER_LIFETIME_MS) / 1000) * 1000);
    expect(new Date(ca.validTo).getTime()).toBe(Math.floor((NOW.getTime() + CA_LIFETIME_MS) / 1000) * 1000);
    expect(tls.notAfter).toEqual(new Date(server.validTo));
    expect(server.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
  });

  it('keeps the private keys readable by their owner only', () => {
    const dir = freshDir();
    loadOrCreateLocalTls(dir, { now: NOW });
    expect(statSync(path.join(dir, CA_BUNDLE_FILE)).mode & 0o077).toBe(0);
    expect(statSync(path.join(dir, SERVER_FILE)).mode & 0o077).toBe(0);
  });

  it('reuses both on the next start', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    const again = loadOrCreateLocalTls(dir, { now: new Date(NOW.getTime() + 30 * DAY) });
    expect(again.outcome).toBe('reused');
    expect(again.ca).toBe(first.ca);
    expect(again.cert).toBe(first.cert);
    expect(again.key).toBe(first.key);
  });

  it('issues a new server certificate from the same CA once the old one is within the renewal margin or expired', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    const stillFine = loadOrCreateLocalTls(dir, { now: new Date(first.notAfter.getTime() - RENEW_BEFORE_MS - 1000) });
    expect(stillFine.outcome).toBe('reused');

    const nearEnd = loadOrCreateLocalTls(dir, { now: new Date(first.notAfter.getTime() - RENEW_BEFORE_MS + 1000) });
    expect(nearEnd.outcome).toBe('server-issued');
    expect(nearEnd.ca).toBe(first.ca);
    expect(nearEnd.cert).not.toBe(first.cert);
    expect(new X509Certificate(nearEnd.cert).verify(new X509Certificate(first.ca).publicKey)).toBe(true);

    const expired = loadOrCreateLocalTls(dir, { now: new Date(nearEnd.notAfter.getTime() + DAY) });
    expect(expired.outcome).toBe('server-issued');
    expect(expired.ca).toBe(first.ca);
    expect(readFileSync(path.join(dir, SERVER_FILE), 'utf8')).toBe(`${expired.key}${expired.cert}`);
  });

  it('issues a new server certificate when its file is missing or damaged', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    rmSync(path.join(dir, SERVER_FILE));
    const missing = loadOrCreateLocalTls(dir, { now: NOW });
    expect(missing.outcome).toBe('server-issued');
    expect(missing.ca).toBe(first.ca);

    writeFileSync(path.join(dir, SERVER_FILE), 'not a certificate');
    expect(loadOrCreateLocalTls(dir, { now: NOW }).outcome).toBe('server-issued');

    // A key that does not belong to the certificate is damage too.
    const other = loadOrCreateLocalTls(freshDir(), { now: NOW });
    writeFileSync(path.join(dir, SERVER_FILE), `${other.key}${missing.cert}`);
    expect(loadOrCreateLocalTls(dir, { now: NOW }).outcome).toBe('server-issued');
  });

  it('rewrites ca.pem from the kept CA when it was deleted or edited', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    rmSync(first.caFile);
    expect(loadOrCreateLocalTls(dir, { now: NOW }).outcome).toBe('reused');
    expect(readFileSync(first.caFile, 'utf8')).toBe(first.ca);
    writeFileSync(first.caFile, 'edited');
    loadOrCreateLocalTls(dir, { now: NOW });
    expect(readFileSync(first.caFile, 'utf8')).toBe(first.ca);
  });

  it('creates a new CA, and a server certificate from it, when the CA is missing, damaged or near its end', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    rmSync(path.join(dir, CA_BUNDLE_FILE));
    const missing = loadOrCreateLocalTls(dir, { now: NOW });
    expect(missing.outcome).toBe('ca-created');
    expect(missing.ca).not.toBe(first.ca);
    // The old server certificate is not the new CA's: it is replaced too.
    expect(missing.cert).not.toBe(first.cert);
    expect(new X509Certificate(missing.cert).verify(new X509Certificate(missing.ca).publicKey)).toBe(true);

    writeFileSync(path.join(dir, CA_BUNDLE_FILE), 'damaged');
    expect(loadOrCreateLocalTls(dir, { now: NOW }).outcome).toBe('ca-created');

    const caEnd = new Date(new X509Certificate(readFileSync(path.join(dir, CA_FILE), 'utf8')).validTo).getTime();
    const late = loadOrCreateLocalTls(dir, { now: new Date(caEnd - RENEW_BEFORE_MS + 1000) });
    expect(late.outcome).toBe('ca-created');
    expect(new X509Certificate(late.ca).checkIssued(new X509Certificate(late.ca))).toBe(true);
  });

  it('never issues a server certificate beyond the CA’s own end', () => {
    const dir = freshDir();
    const first = loadOrCreateLocalTls(dir, { now: NOW });
    const caEnd = new Date(new X509Certificate(first.ca).validTo).getTime();
    const now = new Date(caEnd - RENEW_BEFORE_MS - 2 * DAY);
    rmSync(path.join(dir, SERVER_FILE));
    // The CA is still usable here, so the server certificate is cut at the CA's end rather than the CA replaced.
    const tls = loadOrCreateLocalTls(dir, { now });
    expect(tls.outcome).toBe('server-issued');
    expect(tls.notAfter.getTime()).toBe(caEnd);
  });
});

describe('localTlsDir', () => {
  it('is tls/ beside LOCAL_ISSUER_KEY_FILE (default .local/tls)', () => {
    expect(localTlsDir({}, '/repo')).toBe(path.join('/repo', '.local', 'tls'));
    expect(localTlsDir({ LOCAL_ISSUER_KEY_FILE: '/keys/issuer.json' }, '/repo')).toBe(path.join('/keys', 'tls'));
  });
});

describe('the local CA', () => {
  it('is constrained to the local names: a TLS client trusting it refuses a certificate it signed for another host', async () => {
    const dir = freshDir();
    const tls = loadOrCreateLocalTls(dir, { now: new Date() });
    const bundle = readFileSync(path.join(dir, CA_BUNDLE_FILE), 'utf8');
    const rogue = signFor('example.com', bundle);

    const accepted = await handshake({ key: tls.key, cert: tls.cert }, tls.ca, 'localhost');
    expect(accepted).toBe('ok');
    const refused = await handshake(rogue, tls.ca, 'example.com');
    expect(refused).toMatch(/name constraint|permitted subtree/i);
  });
});

/** A certificate for `host` signed with the local CA's key, as a misuse of that key would make one. */
function signFor(host: string, caBundle: string): { key: string; cert: string } {
  const caKey = forge.pki.privateKeyFromPem(caBundle);
  const caCert = forge.pki.certificateFromPem(caBundle.slice(caBundle.indexOf('-----BEGIN CERTIFICATE-----')));
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * DAY);
  cert.setSubject([{ name: 'commonName', value: host }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: host }] }]);
  cert.sign(caKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

/** One TLS handshake on loopback: `ok`, or the client's error message. */
async function handshake(server: { key: string; cert: string }, ca: string, servername: string): Promise<string> {
  const listener = createTlsServer(server, (socket) => socket.end());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername }, () => {
        socket.end();
        resolve('ok');
      });
      socket.on('error', (error: Error) => resolve(error.message));
    });
  } finally {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}
