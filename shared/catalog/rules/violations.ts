/**
 * Turns schema issues into field violations that name the field (a JSON path) and the rule, with the codes of
 * specs/publish.md 2.4 (`FieldTooLong`, `TooManyItems`, `InvalidEnumValue`, `InvalidGuid`, `InvalidUrl`,
 * `UnknownProperty`, ...). Messages never echo the submitted value (it may be a secret).
 */
import type { z } from 'zod';
import type { Violation } from '../../errors';
import { jsonPath } from '../../errors';

type Issue = z.core.$ZodIssue;

function describeType(expected: string): string {
  return expected === 'object' ? 'an object' : expected === 'array' ? 'an array' : `a ${expected}`;
}

function codeAndMessage(issue: Issue): { code: string; message: string } {
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return { code: 'FieldTooLong', message: `must be at most ${issue.maximum} characters` };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'TooManyItems', message: `must have at most ${issue.maximum} items` };
      return { code: 'OutOfRange', message: `must be at most ${issue.maximum}` };
    case 'too_small':
      if (issue.origin === 'string') return { code: 'FieldTooShort', message: `must be at least ${issue.minimum} characters` };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'TooFewItems', message: `must have at least ${issue.minimum} items` };
      return { code: 'OutOfRange', message: `must be at least ${issue.minimum}` };
    case 'invalid_value':
      return { code: 'InvalidEnumValue', message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'invalid_format':
      if (issue.format === 'email') return { code: 'InvalidEmail', message: 'must be an email address' };
      if (issue.format === 'url') return { code: 'InvalidUrl', message: 'must be an absolute URL' };
      if (issue.format === 'regex' && issue.message.includes('GUID')) return { code: 'InvalidGuid', message: issue.message };
      return { code: 'InvalidFormat', message: issue.message };
    case 'invalid_type':
      if (issue.expected === 'int') return { code: 'InvalidType', message: 'must be a whole number' };
      return {
        code: issue.message === 'is required' ? 'RequiredFieldMissing' : 'InvalidType',
        message: issue.message === 'is required' ? 'is required' : `must be ${describeType(issue.expected)}`,
      };
    case 'invalid_key':
      // Stryker disable next-line OptionalChaining,StringLiteral: zod always reports the key's own issues with invalid_key
      return { code: 'InvalidFormat', message: `has a key that ${issue.issues[0]?.message ?? 'is not valid'}` };
    case 'not_multiple_of':
      return { code: 'OutOfRange', message: `must be a multiple of ${issue.divisor}` };
    case 'custom': {
      const code = typeof issue.params?.['code'] === 'string' ? issue.params['code'] : 'InvalidValue';
      return { code, message: issue.message };
    }
    default:
      return { code: 'InvalidValue', message: issue.message };
  }
}

/** Violations for every issue, with paths below `base` (e.g. `['definition', 'offer', '<key>']`). */
export function violationsOf(error: z.ZodError, base: readonly PropertyKey[] = []): Violation[] {
  const out: Violation[] = [];
  for (const issue of error.issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: jsonPath([...path, key]), code: 'UnknownProperty', message: 'is not a known property' });
      continue;
    }
    const { code, message } = codeAndMessage(issue);
    out.push({ path: jsonPath(path), code, message });
  }
  return out;
}

export function violation(path: readonly PropertyKey[], code: string, message: string): Violation {
  return { path: jsonPath(path), code, message };
}
