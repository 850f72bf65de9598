/** A query text checked for the use cases: its plan, or the 400 that points at the offending token. */
import { ValidationError } from '../../errors';
import { checkQuery, type QueryPlan } from '../rules/query-check';
import { position } from '../rules/query-parser';

export function planOf(text: string, field = 'Query'): QueryPlan {
  const checked = checkQuery(text);
  if (checked.ok) return checked.plan;
  const { message, token } = checked.error;
  const where = position(token);
  throw new ValidationError(
    `Invalid query: ${message} (${where})`,
    [{ path: field, message: `${message} (${where})`, code: 'InvalidQuery' }],
    'InvalidQuery',
    field,
  );
}
