/**
 * One email address as lead destinations accept it (specs/leads.md 1.4 Email rule, used by 3.0.2 contact emails and
 * the Dynamics Office365 user name): an RFC 5321 practical addr-spec of at most 254 characters, a dot-atom local part
 * of at most 64, exactly one `@`, and a domain of at least two LDH labels; the domain is lower-cased and converted
 * to punycode, the local part kept as given. No display names, quoted local parts, comments or `[ip]` literals.
 */
import { domainToASCII } from 'node:url';

export type EmailCheck = { ok: true; address: string } | { ok: false; reason: string };

const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const BAD_HOST = 'the domain is not a valid host name';
/**
 * Characters `domainToASCII` reads as URL syntax rather than refusing: it drops a path, query or fragment after them
 * (`b.com/x` → `b.com`) and decodes `%41` → `a`, so an address would be changed silently instead of refused.
 */
export function hasUrlSyntax(domain: string): boolean {
  return /[/?#\\%]/.test(domain);
}

export function checkEmailAddress(input: string): EmailCheck {
  const text = input.trim();
  const at = text.indexOf('@');
  if (at === -1 || at !== text.lastIndexOf('@')) return { ok: false, reason: 'it needs exactly one @' };
  const local = text.slice(0, at);
  const domainInput = text.slice(at + 1);
  if (local.length === 0 || local.length > 64) return { ok: false, reason: 'the part before @ must be 1 to 64 characters' };
  if (!local.split('.').every((atom) => ATOM.test(atom)))
    return { ok: false, reason: 'the part before @ has characters that are not allowed' };
  if (!/^[\x21-\x7e\u00a0-\uffff]+$/.test(domainInput) || /[[\]]/.test(domainInput) || hasUrlSyntax(domainInput)) {
    return { ok: false, reason: BAD_HOST };
  }
  // domainToASCII lower-cases; it gives "" for a domain it cannot convert (one label, refused below).
  const domain = domainToASCII(domainInput);
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return { ok: false, reason: BAD_HOST };
  const address = `${local}@${domain}`;
  if (address.length > 254) return { ok: false, reason: 'it must be at most 254 characters' };
  return { ok: true, address };
}
