/**
 * The semantic checks of a parsed query against the datasets (seed 004 ~21562–21640): the dataset, every column
 * and metric, each filter's value against its column's type, the LIMIT and the time span. Every refusal points at
 * its own token. A valid query becomes a plan with canonical names and values converted to the columns' types
 * ("the values can always be given as a literal string and they will be converted to the native types").
 */
import { DEFAULT_TIME_SPAN, TIME_SPANS, type ColumnType, type DatasetDefinition, type TimeSpan } from '../model';
import { findDataset } from './datasets';
import { parseQuery, type FilterAst, type Literal, type Located, type Operator, type QueryError } from './query-parser';

export type Scalar = string | number;

export interface Filter {
  name: string;
  /** Metrics are compared per group, after summing (decision 0902); columns per row. */
  on: 'column' | 'metric';
  type: ColumnType;
  operator: Operator;
  /** One value, or the list of IN / NOT IN. Strings are compared case-insensitively (lower-cased here). */
  values: Scalar[];
}

export interface QueryPlan {
  dataset: DatasetDefinition;
  distinct: boolean;
  /** The selected names, canonical, in the query's order. */
  select: string[];
  /** The selected metrics (summed per distinct combination of the other selected columns). */
  metrics: string[];
  filters: Filter[];
  orderBy: { name: string; direction: 'ASC' | 'DESC' }[];
  limit?: number;
  timespan: TimeSpan;
}

export type CheckResult = { ok: true; plan: QueryPlan } | { ok: false; error: QueryError };

const fail = (message: string, token: Located): CheckResult => ({ ok: false, error: { message, token } });

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A literal converted to the column's type, or undefined when it cannot be. */
export function convert(literal: Literal, type: ColumnType): Scalar | undefined {
  if (type === 'number') {
    if (literal.kind === 'number') return literal.value;
    const text = literal.value.trim();
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
  }
  const text = String(literal.value);
  if (type === 'date') return DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? text : undefined;
  return text.toLowerCase();
}

function checkFilter(dataset: DatasetDefinition, filter: FilterAst): { ok: true; filter: Filter } | { ok: false; error: QueryError } {
  const name = resolveName(dataset, filter.column.text);
  if (!name)
    return {
      ok: false,
      error: { message: `Unknown column or metric '${filter.column.text}' in ${dataset.datasetName}.`, token: filter.column },
    };
  const metric = dataset.metrics.includes(name);
  const type: ColumnType = metric ? 'number' : (dataset.columns[name] as ColumnType);
  const list = Array.isArray(filter.value);
  const wantsList = filter.operator === 'IN' || filter.operator === 'NOT IN';
  if (list !== wantsList) {
    const message = wantsList
      ? `${filter.operator} takes a list of values in parentheses.`
      : `${filter.operator} takes one value; a list is only for IN and NOT IN.`;
    return { ok: false, error: { message, token: filter.valueToken } };
  }
  const literals = Array.isArray(filter.value) ? filter.value : [filter.value];
  const like = filter.operator === 'LIKE' || filter.operator === 'NOT LIKE';
  if (like && type !== 'string') {
    return { ok: false, error: { message: `${filter.operator} compares text; ${name} is a ${type}.`, token: filter.column } };
  }
  const values: Scalar[] = [];
  for (const literal of literals) {
    const value = convert(literal, type);
    if (value === undefined) {
      const expected = type === 'date' ? 'a date written yyyy-MM-dd' : 'a number';
      return { ok: false, error: { message: `${name} compares with ${expected}.`, token: filter.valueToken } };
    }
    values.push(value);
  }
  return { ok: true, filter: { name, on: metric ? 'metric' : 'column', type, operator: filter.operator, values } };
}

/** A column or metric of the dataset by name, case-insensitively; its canonical spelling. */
export function resolveName(dataset: DatasetDefinition, text: string): string | undefined {
  const wanted = text.toLowerCase();
  return [...Object.keys(dataset.columns), ...dataset.metrics].find((name) => name.toLowerCase() === wanted);
}

export function checkQuery(text: string): CheckResult {
  const parsed = parseQuery(text);
  if (!parsed.ok) return parsed;
  const { ast } = parsed;
  const dataset = findDataset(ast.from.text);
  if (!dataset) return fail(`Unknown dataset '${ast.from.text}'. The Get all datasets API lists the datasets.`, ast.from);
  const select: string[] = [];
  for (const token of ast.select) {
    const name = resolveName(dataset, token.text);
    if (!name) return fail(`Unknown column or metric '${token.text}' in ${dataset.datasetName}.`, token);
    if (select.includes(name)) return fail(`'${token.text}' is selected twice.`, token);
    select.push(name);
  }
  const filters: Filter[] = [];
  for (const filter of ast.where) {
    const checked = checkFilter(dataset, filter);
    if (!checked.ok) return checked;
    filters.push(checked.filter);
  }
  const orderBy: QueryPlan['orderBy'] = [];
  for (const order of ast.orderBy) {
    const name = resolveName(dataset, order.column.text);
    if (!name) return fail(`Unknown column or metric '${order.column.text}' in ${dataset.datasetName}.`, order.column);
    if (!select.includes(name)) return fail(`ORDER BY ${name}: only selected columns and metrics can order the rows.`, order.column);
    orderBy.push({ name, direction: order.direction });
  }
  if (ast.limit && (!Number.isInteger(ast.limit.value) || ast.limit.value < 1)) {
    return fail('LIMIT takes a positive whole number.', ast.limit.token);
  }
  let timespan = DEFAULT_TIME_SPAN;
  if (ast.timespan) {
    const wanted = ast.timespan.text.toUpperCase();
    const known = TIME_SPANS.find((span) => span === wanted);
    if (!known) return fail(`Unknown time span '${ast.timespan.text}'. Allowed: ${TIME_SPANS.join(', ')}.`, ast.timespan);
    if (!dataset.availableDateRanges.includes(known)) {
      return fail(`${dataset.datasetName} has no time span ${known}. Allowed: ${dataset.availableDateRanges.join(', ')}.`, ast.timespan);
    }
    timespan = known;
  }
  return {
    ok: true,
    plan: {
      dataset,
      distinct: ast.distinct,
      select,
      metrics: select.filter((name) => dataset.metrics.includes(name)),
      filters,
      orderBy,
      ...(ast.limit ? { limit: ast.limit.value } : {}),
      timespan,
    },
  };
}
