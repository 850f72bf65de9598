/**
 * Runs a checked query over rows as they arrive (decision 0902). Column filters apply to each row; with metrics
 * selected, rows are summed per distinct combination of the selected columns and metric filters apply to the sums.
 * A query with no metric, no ORDER BY and no DISTINCT streams: each row is answered as it arrives and LIMIT stops
 * the reading early. Otherwise rows are held until the end (ORDER BY with LIMIT keeps only the best LIMIT rows).
 * Text compares case-insensitively ("the specification is completely case insensitive"); a null matches no filter.
 */
import type { Cell, DataRow } from '../model';
import type { Filter, QueryPlan, Scalar } from './query-check';

export type OutRow = Cell[];

/** SQL LIKE: `%` any run of characters, `_` one character; the whole value must match; case-insensitive. */
export function like(value: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is').test(value);
}

function comparable(cell: Cell, filter: Filter): Scalar | undefined {
  if (cell === null) return undefined;
  if (filter.type === 'number') return Number(cell);
  return String(cell).toLowerCase();
}

export function matches(cell: Cell, filter: Filter): boolean {
  const value = comparable(cell, filter);
  if (value === undefined) return false;
  const [first] = filter.values as [Scalar];
  switch (filter.operator) {
    case '=':
      return value === first;
    case '!=':
      return value !== first;
    case '>':
      return value > first;
    case '<':
      return value < first;
    case '>=':
      return value >= first;
    case '<=':
      return value <= first;
    case 'LIKE':
      return like(String(value), String(first));
    case 'NOT LIKE':
      return !like(String(value), String(first));
    case 'IN':
      return filter.values.includes(value);
    case 'NOT IN':
      return !filter.values.includes(value);
  }
}

/** Orders two answered rows by the plan's ORDER BY; nulls last whatever the direction. */
export function compareRows(plan: QueryPlan, a: OutRow, b: OutRow): number {
  for (const order of plan.orderBy) {
    const index = plan.select.indexOf(order.name);
    const x = a[index] ?? null;
    const y = b[index] ?? null;
    const sign = order.direction === 'ASC' ? 1 : -1;
    const cmp =
      x === y
        ? 0
        : x === null
          ? 1
          : y === null
            ? -1
            : sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    if (cmp !== 0) return cmp;
  }
  return 0;
}

export interface Runner {
  /** Feeds one row; returns the rows that can be answered already (streaming queries only). */
  accept(row: DataRow): OutRow[];
  /** True once LIMIT rows have been answered by a streaming query: no more input is needed. */
  readonly done: boolean;
  /** The remaining rows, in order, once the input has ended. */
  finish(): OutRow[];
}

/** Whether the plan answers rows as they arrive. */
export function streams(plan: QueryPlan): boolean {
  return plan.metrics.length === 0 && plan.orderBy.length === 0 && !plan.distinct;
}

function keyOf(row: OutRow): string {
  return JSON.stringify(row);
}

/** Keeps rows sorted (ties in arrival order) and at most `limit` of them; without ORDER BY every row ties, so rows keep their arrival order. */
function insertSorted(rows: OutRow[], row: OutRow, plan: QueryPlan): void {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareRows(plan, rows[mid] as OutRow, row) <= 0) low = mid + 1;
    else high = mid;
  }
  rows.splice(low, 0, row);
  if (rows.length > (plan.limit ?? Infinity)) rows.pop();
}

export function createRunner(plan: QueryPlan): Runner {
  const rowFilters = plan.filters.filter((f) => f.on === 'column');
  const groupFilters = plan.filters.filter((f) => f.on === 'metric');
  const columns = plan.select.filter((name) => !plan.metrics.includes(name));
  const groups = new Map<string, { keys: Cell[]; sums: number[] }>();
  const seen = new Set<string>();
  const held: OutRow[] = [];
  let answered = 0;
  const streaming = streams(plan);

  const project = (row: DataRow): OutRow => plan.select.map((name) => row[name] ?? null);
  const keep = (row: OutRow) => {
    if (plan.distinct) {
      const key = keyOf(row);
      if (seen.has(key)) return;
      seen.add(key);
    }
    insertSorted(held, row, plan);
  };

  return {
    get done() {
      return answered >= (plan.limit ?? Infinity);
    },
    accept(row) {
      if (!rowFilters.every((f) => matches(row[f.name] ?? null, f))) return [];
      if (plan.metrics.length === 0) {
        const out = project(row);
        if (!streaming) {
          keep(out);
          return [];
        }
        if (answered >= (plan.limit ?? Infinity)) return [];
        answered += 1;
        return [out];
      }
      const keys = columns.map((name) => row[name] ?? null);
      const key = keyOf(keys);
      let group = groups.get(key);
      if (!group) {
        group = { keys, sums: plan.metrics.map(() => 0) };
        groups.set(key, group);
      }
      const sums = group.sums;
      plan.metrics.forEach((metric, i) => {
        sums[i] = (sums[i] as number) + Number(row[metric] ?? 0);
      });
      return [];
    },
    finish() {
      for (const group of groups.values()) {
        const sums = new Map(plan.metrics.map((metric, i) => [metric, roundSum(group.sums[i] as number)]));
        if (!groupFilters.every((f) => matches(sums.get(f.name) ?? null, f))) continue;
        const byName = new Map(columns.map((name, i) => [name, group.keys[i] ?? null]));
        keep(plan.select.map((name) => (sums.has(name) ? (sums.get(name) as number) : (byName.get(name) ?? null))));
      }
      return held;
    },
  };
}

/** Sums of decimal quantities keep 6 decimals: 0.1 + 0.2 answers 0.3, not 0.30000000000000004. */
export function roundSum(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
