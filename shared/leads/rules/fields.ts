/**
 * The field rules of a captured lead (specs/leads.md 1.4): every string trimmed and NFC-normalised, whitespace only
 * counts as absent; single-line fields refuse control characters, line separators, bidi controls and lone
 * surrogates; lengths in code points; the Email rule (dot-atom local part, LDH domain in punycode); Phone as 4–20
 * digits; Country as ISO alpha-2 (alpha-3 accepted); Description multi-line with `\r\n` → `\n`; Email or Phone
 * required. Each violation names its wire path (`UserDetails.Email`) and a code; `status` says whether it is a
 * malformed value (400) or a well-formed one the capture cannot use (422).
 */
import { domainToASCII } from 'node:url';
import type { UserDetails } from '../model';
import { hasUrlSyntax } from './contact-emails';
import { countryAlpha2 } from './countries';

export interface FieldViolation {
  /** The wire path: `UserDetails.Email`, `Description`, `Consent.At`. */
  path: string;
  code: string;
  message: string;
  /** 400: the value is malformed; 422: well-formed, but the capture cannot use it. */
  status: 400 | 422;
}

export type UserDetailsInput = Partial<Record<keyof UserDetails, string>>;

export const USER_DETAIL_FIELDS = ['FirstName', 'LastName', 'Email', 'Phone', 'Country', 'Company', 'Title'] as const;

/** Code-point limits (spec 1.4). */
export const LIMITS = { FirstName: 100, LastName: 100, Company: 200, Title: 128, Description: 2000 } as const;
export const EMAIL_MAX = 254;
export const EMAIL_LOCAL_MAX = 64;
export const PHONE_DIGITS_MIN = 4;
export const PHONE_DIGITS_MAX = 20;
/** A phone number as typed (digits plus separators) longer than this is not a phone number. */
export const PHONE_INPUT_MAX = 40;

// U+0000–U+001F, U+007F–U+009F, U+2028/U+2029.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// The same, but tab and line feed allowed (Description).
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PHONE_CHARS = /^[0-9 +().\-/]+$/;

/** Trimmed and NFC-normalised; whitespace only becomes "". */
export function clean(value: string | undefined): string {
  return (value ?? '').normalize('NFC').trim();
}

/** The number of code points (what "chars" means in the limits). */
export function codePoints(value: string): number {
  return [...value].length;
}

function violation(path: string, code: string, message: string, status: 400 | 422 = 400): FieldViolation {
  return { path, code, message, status };
}

/** Characters no field may hold; `multiline` lets tab and line feed through. */
export function characterViolation(path: string, value: string, multiline: boolean): FieldViolation | undefined {
  if (LONE_SURROGATE.test(value)) return violation(path, 'invalid_characters', 'must not contain lone surrogates');
  if (BIDI.test(value)) return violation(path, 'invalid_characters', 'must not contain bidirectional control characters');
  if ((multiline ? CONTROL_MULTILINE : CONTROL).test(value)) {
    return violation(path, 'invalid_characters', multiline ? 'must not contain control characters' : 'must be a single line without control characters');
  }
  return undefined;
}

function lengthViolation(path: string, value: string, max: number): FieldViolation | undefined {
  return codePoints(value) > max ? violation(path, 'field_too_long', `must be at most ${max} characters`) : undefined;
}

/** A single-line text field (names, company, title): cleaned, checked, or a violation. */
export function text(path: string, raw: string | undefined, max: number): { value: string; violation?: FieldViolation } {
  const value = clean(raw);
  const problem = characterViolation(path, value, false) ?? lengthViolation(path, value, max);
  return problem ? { value, violation: problem } : { value };
}

/** The Email rule (spec 1.4): the domain lower-cased and in punycode, the local part as given. */
export function email(path: string, raw: string | undefined): { value: string; violation?: FieldViolation } {
  const value = clean(raw);
  if (value === '') return { value };
  const chars = characterViolation(path, value, false);
  if (chars) return { value, violation: chars };
  const bad = (message: string) => ({ value, violation: violation(path, 'invalid_email', message) });
  const parts = value.split('@');
  if (parts.length !== 2) return bad('must contain exactly one @');
  const [local, domain] = parts as [string, string];
  if (local.length > EMAIL_LOCAL_MAX) return bad(`must have a local part of at most ${EMAIL_LOCAL_MAX} characters`);
  if (!DOT_ATOM.test(local)) return bad('must have a plain local part (no quotes, spaces, comments or display names)');
  if (hasUrlSyntax(domain)) return bad('must have a domain name of at least two labels (letters, digits and hyphens)');
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  // domainToASCII gives "" for a domain it cannot convert: one label, refused here.
  if (labels.length < 2 || !labels.every((l) => LDH_LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1] as string)) {
    return bad('must have a domain name of at least two labels (letters, digits and hyphens)');
  }
  const normalised = `${local}@${ascii}`;
  if (normalised.length > EMAIL_MAX) {
    return { value, violation: violation(path, 'field_too_long', `must be at most ${EMAIL_MAX} characters`) };
  }
  return { value: normalised };
}

/** Phone: digits and `+ ( ) - . /` and spaces as typed, 4–20 digits; emitted as the digits only. */
export function phone(path: string, raw: string | undefined): { value: string; violation?: FieldViolation } {
  const value = clean(raw);
  if (value === '') return { value };
  const chars = characterViolation(path, value, false);
  if (chars) return { value, violation: chars };
  if (value.length > PHONE_INPUT_MAX) return { value, violation: violation(path, 'field_too_long', `must be at most ${PHONE_INPUT_MAX} characters`) };
  if (!PHONE_CHARS.test(value)) {
    return { value, violation: violation(path, 'invalid_phone', 'may contain only digits, spaces and + ( ) - . /') };
  }
  const digits = value.replace(/[^0-9]/g, '');
  if (digits.length < PHONE_DIGITS_MIN || digits.length > PHONE_DIGITS_MAX) {
    return { value, violation: violation(path, 'invalid_phone', `must have ${PHONE_DIGITS_MIN} to ${PHONE_DIGITS_MAX} digits`) };
  }
  return { value: digits };
}

/** Country: ISO 3166-1 alpha-2 or alpha-3, any case → upper-case alpha-2. An unknown code is 422 (spec 4 case 17). */
export function country(path: string, raw: string | undefined): { value: string; violation?: FieldViolation } {
  const value = clean(raw);
  if (value === '') return { value };
  const chars = characterViolation(path, value, false);
  if (chars) return { value, violation: chars };
  const alpha2 = countryAlpha2(value);
  if (!alpha2) return { value, violation: violation(path, 'invalid_country', 'must be an ISO 3166-1 alpha-2 or alpha-3 country code', 422) };
  return { value: alpha2 };
}

/** Description: multi-line, `\r\n` → `\n`, at most 2000 characters. */
export function description(path: string, raw: string | undefined): { value: string; violation?: FieldViolation } {
  const value = clean(raw).replace(/\r\n/g, '\n');
  const problem = characterViolation(path, value, true) ?? lengthViolation(path, value, LIMITS.Description);
  return problem ? { value, violation: problem } : { value };
}

/**
 * The customer's details, normalised, with every violation (in field order). Email or Phone must remain: without
 * either the lead cannot be followed up (422 `contact_channel_required`), reported only when the fields are
 * otherwise valid.
 */
export function userDetails(input: UserDetailsInput, base = 'UserDetails'): { value: UserDetails; violations: FieldViolation[] } {
  const at = (field: string) => `${base}.${field}`;
  const results = {
    FirstName: text(at('FirstName'), input.FirstName, LIMITS.FirstName),
    LastName: text(at('LastName'), input.LastName, LIMITS.LastName),
    Email: email(at('Email'), input.Email),
    Phone: phone(at('Phone'), input.Phone),
    Country: country(at('Country'), input.Country),
    Company: text(at('Company'), input.Company, LIMITS.Company),
    Title: text(at('Title'), input.Title, LIMITS.Title),
  };
  const violations = USER_DETAIL_FIELDS.flatMap((f) => (results[f].violation ? [results[f].violation] : []));
  const value: UserDetails = {
    FirstName: results.FirstName.value,
    LastName: results.LastName.value,
    Email: results.Email.value,
    Phone: results.Phone.value,
    Country: results.Country.value,
    Company: results.Company.value,
    Title: results.Title.value,
  };
  if (violations.length === 0 && value.Email === '' && value.Phone === '') {
    violations.push(violation(base, 'contact_channel_required', 'must have an Email or a Phone so the lead can be followed up', 422));
  }
  return { value, violations };
}

/** Consent (spec 2.2): `Given` must be true and `At` a date-time; otherwise 422 `consent_required`. */
export function consent(input: { Given?: boolean; At?: string } | undefined): { value?: { given: true; at: string }; violation?: FieldViolation } {
  const at = clean(input?.At);
  // Stryker disable next-line Regex: Date.parse refuses the junk before or after a date-time that either anchor lets through
  if (input?.Given !== true || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at) || Number.isNaN(Date.parse(at))) {
    return { violation: violation('Consent', 'consent_required', 'the customer must consent to share their details: Consent.Given true and Consent.At a date-time', 422) };
  }
  return { value: { given: true, at: new Date(Date.parse(at)).toISOString() } };
}

/** The violations to report: the malformed ones (400) if any, otherwise the unusable ones (422). */
export function firstClass(violations: readonly FieldViolation[]): { status: 400 | 422; violations: FieldViolation[] } | undefined {
  const malformed = violations.filter((v) => v.status === 400);
  if (malformed.length > 0) return { status: 400, violations: malformed };
  return violations.length > 0 ? { status: 422, violations: [...violations] } : undefined;
}
