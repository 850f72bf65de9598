/**
 * The query management APIs (seed 004 ~20560–20640, ~21776–21932): create a user-defined query (checked before it
 * is stored), list the publisher's and the system queries with the documented filters, delete a user-defined one.
 * A publisher sees and deletes only its own queries; system queries cannot be deleted.
 */
import type { Clock } from '../../clock';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { QueryRecord } from '../model';
import type { QueryStore } from '../ports';
import { findSystemQuery, SYSTEM_QUERIES } from '../rules/datasets';
import { iso } from '../rules/recurrence';
import { planOf } from './checked-query';

export interface Caller {
  publisherId: string;
  /** The app (client) id of the token: the seed's `user`. */
  user: string;
}

export interface QueryFilters {
  queryId?: string;
  queryName?: string;
  includeSystemQueries?: boolean;
  includeOnlySystemQueries?: boolean;
}

export class QueryManagement {
  readonly #store: QueryStore;
  readonly #clock: Clock;
  readonly #newId: () => string;

  constructor(deps: { store: QueryStore; clock: Clock; newId: () => string }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#newId = deps.newId;
  }

  async create(caller: Caller, input: { name: string; description?: string; query: string }): Promise<QueryRecord> {
    planOf(input.query);
    const record: QueryRecord & { publisherId: string } = {
      queryId: this.#newId(),
      publisherId: caller.publisherId,
      name: input.name,
      description: input.description ?? '',
      query: input.query,
      type: 'userDefined',
      user: caller.user,
      createdTime: iso(this.#clock.now()),
      modifiedTime: null,
    };
    await this.#store.create(record);
    return record;
  }

  /** System and user-defined queries by default (the seed's default), filtered as asked; newest user query first. */
  async list(caller: Caller, filters: QueryFilters): Promise<QueryRecord[]> {
    const onlySystem = filters.includeOnlySystemQueries === true;
    const withSystem = onlySystem || filters.includeSystemQueries !== false;
    const own = onlySystem ? [] : (await this.#store.list(caller.publisherId)).sort((a, b) => b.createdTime.localeCompare(a.createdTime));
    const all = [...own, ...(withSystem ? SYSTEM_QUERIES : [])];
    return all.filter(
      (q) =>
        (filters.queryId === undefined || q.queryId.toLowerCase() === filters.queryId.toLowerCase()) &&
        (filters.queryName === undefined || q.name.toLowerCase() === filters.queryName.toLowerCase()),
    );
  }

  /** A query the caller may use in a report: its own or a system query. */
  async find(caller: Caller, queryId: string): Promise<QueryRecord | undefined> {
    return findSystemQuery(queryId) ?? (await this.#store.get(caller.publisherId, queryId.toLowerCase()));
  }

  async delete(caller: Caller, queryId: string): Promise<QueryRecord> {
    if (findSystemQuery(queryId)) throw new ForbiddenError('System queries cannot be deleted; only user-defined queries can.');
    const found = await this.#store.get(caller.publisherId, queryId.toLowerCase());
    if (!found) throw new NotFoundError(`No query with id ${queryId}.`, 'QueryNotFound');
    await this.#store.delete(caller.publisherId, found.queryId);
    return found;
  }
}
