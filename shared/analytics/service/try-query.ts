/**
 * The Try report queries API (seed 004 ~21934; walk-through ~21040): runs a query text (or a stored query by id)
 * now and answers its first rows as objects keyed by the selected names. At most `TRY_ROWS` rows: the API page
 * says 10, the walk-through shows 100; 100 is kept (decision 0900).
 */
import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Cell } from '../model';
import { dateWindow } from '../rules/timespan';
import { planOf } from './checked-query';
import type { Caller, QueryManagement } from './query-management';
import type { QueryEngine } from './run-query';

export const TRY_ROWS = 100;

export class TryQuery {
  readonly #queries: QueryManagement;
  readonly #engine: QueryEngine;
  readonly #clock: Clock;

  constructor(deps: { queries: QueryManagement; engine: QueryEngine; clock: Clock }) {
    this.#queries = deps.queries;
    this.#engine = deps.engine;
    this.#clock = deps.clock;
  }

  async run(caller: Caller, input: { exportQuery?: string; queryId?: string }): Promise<Record<string, Cell>[]> {
    let text = input.exportQuery;
    if (text === undefined && input.queryId !== undefined) {
      const found = await this.#queries.find(caller, input.queryId);
      if (!found) throw new NotFoundError(`No query with id ${input.queryId}.`, 'QueryNotFound');
      text = found.query;
    }
    if (text === undefined)
      throw new ValidationError('Give exportQuery (a query text) or queryId.', [{ path: 'exportQuery', message: 'is required' }]);
    const plan = planOf(text, 'exportQuery');
    const limited = { ...plan, limit: Math.min(plan.limit ?? TRY_ROWS, TRY_ROWS) };
    const rows: Record<string, Cell>[] = [];
    for await (const row of this.#engine.run(caller.publisherId, limited, dateWindow(plan.timespan, this.#clock.now()))) {
      rows.push(Object.fromEntries(plan.select.map((name, i) => [name, row[i] ?? null])));
    }
    return rows;
  }
}
