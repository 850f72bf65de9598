/**
 * The local host's HTTPS certificate: a local CA and a server certificate for `localhost`, 127.0.0.1 and ::1 that it
 * signs, created on first start and kept in a folder (`tls/` beside LOCAL_ISSUER_KEY_FILE, default `.local/tls/`).
 * MSAL and `@azure/identity` accept only an https authority; Node code trusts this CA with
 * `NODE_EXTRA_CA_CERTS=<folder>/ca.pem` (decision 0012).
 *
 * Files: `ca-bundle.pem` (the CA's key and certificate, mode 0600, created once: two hosts starting together agree on
 * one CA), `ca.pem` (the CA certificate alone, what clients trust), `localhost.pem` (the server's key and
 * certificate, mode 0600). A server certificate that is missing, unreadable, not signed by the CA, not for every
 * local name, or within RENEW_BEFORE_MS of its end is issued again by the same CA, so a trusted CA stays trusted;
 * a CA that is missing, unreadable or near its end is replaced (and must be trusted again: same path).
 *
 * node-forge builds and signs the certificates; keys come from Node's crypto (OpenSSL); reading and checking the
 * kept files uses Node's X509Certificate.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { DEFAULT_LOCAL_ISSUER_KEY_FILE } from '../shared/config';
import { createFileOnce } from '../shared/files';

export const TLS_DIR_NAME = 'tls';
export const CA_FILE = 'ca.pem';
export const CA_BUNDLE_FILE = 'ca-bundle.pem';
export const SERVER_FILE = 'localhost.pem';
/** The names the server certificate covers (the local host listens on loopback by default). */
export const LOCAL_DNS_NAMES = ['localhost'];
export const LOCAL_IPS = ['127.0.0.1', '::1'];

const DAY_MS = 86_400_000;
export const CA_LIFETIME_MS = 3650 * DAY_MS;
/** 397 days: the longest server certificate lifetime browsers accept, should one ever be used there. */
export const SERVER_LIFETIME_MS = 397 * DAY_MS;
/** A certificate this close to its end is replaced at start-up rather than left to expire while the host runs. */
export const RENEW_BEFORE_MS = 7 * DAY_MS;
/** Backdated so that a client whose clock is slightly behind still accepts a certificate made just now. */
const BACKDATE_MS = 60 * 60 * 1000;
const CA_NAME = 'marketplace-backend local development CA';

export interface LocalTls {
  /** The folder holding the files. */
  dir: string;
  /** The CA certificate clients trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** PEM of the CA certificate. */
  ca: string;
  /** PEM of the server's private key and certificate, for https.createServer. */
  key: string;
  cert: string;
  /** When the server certificate ends. */
  notAfter: Date;
  /** What this start did: `reused` both, issued a new server certificate, or created a new CA (and certificate). */
  outcome: 'reused' | 'server-issued' | 'ca-created';
}

export interface TlsOptions {
  /** The time to judge and issue certificates at (tests); certificates always use the real clock otherwise. */
  now?: Date;
}

/** Where the certificates live for these settings: `tls/` beside LOCAL_ISSUER_KEY_FILE, resolved like shared/config.ts. */
export function localTlsDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const issuer = env['LOCAL_ISSUER_KEY_FILE'] || DEFAULT_LOCAL_ISSUER_KEY_FILE;
  return path.join(path.dirname(path.resolve(cwd, issuer)), TLS_DIR_NAME);
}

interface Pair {
  key: string;
  cert: string;
  x509: X509Certificate;
}

/** Splits a PEM bundle into its private key and its certificate, checking that they belong together. */
function parseBundle(text: string): Pair | undefined {
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  if (!key || !cert) return undefined;
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    return { key: key.endsWith('\n') ? key : `${key}\n`, cert: cert.endsWith('\n') ? cert : `${cert}\n`, x509 };
  } catch {
    return undefined;
  }
}

function readBundle(file: string): Pair | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return parseBundle(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Valid at `now` and not within RENEW_BEFORE_MS of its end. */
function fresh(x509: X509Certificate, now: Date): boolean {
  const from = new Date(x509.validFrom).getTime();
  const to = new Date(x509.validTo).getTime();
  return from <= now.getTime() && now.getTime() < to - RENEW_BEFORE_MS;
}

function usableCa(pair: Pair | undefined, now: Date): pair is Pair {
  return pair !== undefined && pair.x509.ca && pair.x509.checkIssued(pair.x509) && fresh(pair.x509, now);
}

function usableServer(pair: Pair | undefined, ca: Pair, now: Date): pair is Pair {
  if (!pair || pair.x509.ca || !fresh(pair.x509, now)) return false;
  if (!pair.x509.checkIssued(ca.x509) || !pair.x509.verify(ca.x509.publicKey)) return false;
  return LOCAL_DNS_NAMES.every((name) => pair.x509.checkHost(name) !== undefined) && LOCAL_IPS.every((ip) => pair.x509.checkIP(ip) !== undefined);
}

/** node-forge writes PEM with CRLF; the kept files use LF like Node's own PEM. */
const lf = (pem: string) => pem.replace(/\r\n/g, '\n');

/** Writes a file whole (temporary file, then rename), so that a reader never sees half of it. */
function writeWhole(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, file);
}

/** A positive serial number of 16 random bytes, as hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function newKeyPair(): { privatePem: string; keys: { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    privatePem,
    keys: {
      privateKey: forge.pki.privateKeyFromPem(privatePem),
      publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    },
  };
}

/**
 * RFC 5280 name constraints (critical): the CA may vouch only for the local names, so that trusting it (even
 * system-wide) never lets it stand in for another host.
 */
function nameConstraints(): { id: string; critical: true; value: forge.asn1.Asn1 } {
  const { asn1 } = forge;
  const ctx = (tag: number, constructed: boolean, value: string | forge.asn1.Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, constructed, value);
  const subtree = (name: forge.asn1.Asn1) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [name]);
  const ipWithMask = (ip: string) => {
    // bytesFromIP (IPv4 and IPv6) is in node-forge but missing from its type definitions.
    const bytes = (forge.util as unknown as { bytesFromIP(ip: string): string | null }).bytesFromIP(ip);
    if (!bytes) throw new Error(`not an IP address: ${ip}`);
    return ctx(7, false, bytes + '\xff'.repeat(bytes.length));
  };
  const permitted = [...LOCAL_DNS_NAMES.map((name) => subtree(ctx(2, false, name))), ...LOCAL_IPS.map((ip) => subtree(ipWithMask(ip)))];
  return { id: '2.5.29.30', critical: true, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [ctx(0, true, permitted)]) };
}

function createCa(now: Date): string {
  const { privatePem, keys } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + CA_LIFETIME_MS);
  const subject = [
    { name: 'commonName', value: CA_NAME },
    { name: 'organizationName', value: 'marketplace-backend (local only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    nameConstraints(),
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return `${privatePem}${lf(forge.pki.certificateToPem(cert))}`;
}

function issueServer(ca: Pair, now: Date): string {
  const { privatePem, keys } = newKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  // Never beyond the CA's own end.
  cert.validity.notAfter = new Date(Math.min(now.getTime() + SERVER_LIFETIME_MS, new Date(ca.x509.validTo).getTime()));
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...LOCAL_DNS_NAMES.map((value) => ({ type: 2, value })), ...LOCAL_IPS.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return `${privatePem}${lf(forge.pki.certificateToPem(cert))}`;
}

/**
 * The CA and the server certificate in `dir`, created or renewed as needed (see the file comment). Synchronous:
 * it runs once at start-up, before the host listens.
 */
export function loadOrCreateLocalTls(dir: string, options: TlsOptions = {}): LocalTls {
  const now = options.now ?? new Date();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const bundleFile = path.join(dir, CA_BUNDLE_FILE);
  const caFile = path.join(dir, CA_FILE);
  const serverFile = path.join(dir, SERVER_FILE);

  let outcome: LocalTls['outcome'] = 'reused';
  let ca = readBundle(bundleFile);
  if (!usableCa(ca, now)) {
    // Replaced, then created once: hosts starting together read back the one that won.
    rmSync(bundleFile, { force: true });
    createFileOnce(bundleFile, createCa(now));
    ca = readBundle(bundleFile);
    if (!usableCa(ca, now)) throw new Error(`The local CA in ${bundleFile} could not be created; delete ${dir} and start again.`);
    outcome = 'ca-created';
  }
  const caPem = ca.cert;
  if (!existsSync(caFile) || readFileSync(caFile, 'utf8') !== caPem) writeWhole(caFile, caPem, 0o644);

  let server = readBundle(serverFile);
  if (!usableServer(server, ca, now)) {
    const content = issueServer(ca, now);
    writeWhole(serverFile, content, 0o600);
    server = parseBundle(content);
    if (!usableServer(server, ca, now)) throw new Error('The local server certificate could not be issued.');
    if (outcome === 'reused') outcome = 'server-issued';
  }
  return { dir, caFile, ca: caPem, key: server.key, cert: server.cert, notAfter: new Date(server.x509.validTo), outcome };
}
