/**
 * The host's shared view of a pool's ready index (decision 0706): concurrent requests in one host read one page of
 * the index together (one read in flight per range) and each is handed a different instance id, so 32 customers at
 * once make one small read and 32 claims on 32 different instances, instead of 32 reads and 32 races on the
 * oldest few. The list is only a hint: every claim is still one conditional transaction (another host, or a drain,
 * may have taken the instance), and an id is handed out once: it leaves the list whatever the claim's outcome.
 * A request reloads a range at most once, so a range whose rows all fail to claim ends its search.
 */
import { rotate } from '../rules/selection';

interface Range {
  ids: string[];
  loading?: Promise<void>;
}

export class ReadyList {
  readonly #ranges = new Map<string, Range>();
  /** Ids handed to a request whose claim has not finished: a reload never hands them out again. */
  readonly #out = new Set<string>();

  /**
   * The next instance id of `range` for one request, undefined when the range has none left: from the list, else
   * from one reload (`load`, the index's first page, `limit` rows more than the host holds) shared with every request waiting on the same range. `reloaded`
   * is the request's own record of the ranges it has reloaded (once each).
   */
  async take(range: string, load: (limit: number) => Promise<string[]>, spread: number, reloaded: Set<string>): Promise<string | undefined> {
    const state = this.#ranges.get(range) ?? { ids: [] };
    this.#ranges.set(range, state);
    if (state.ids.length === 0 && !reloaded.has(range)) {
      reloaded.add(range);
      state.loading ??= (async () => {
        try {
          // The page is read past the ids this host has handed out, so they never hide the rows behind them.
          const fresh = (await load(this.#out.size)).filter((id) => !this.#out.has(id));
          // Hosts start at different places of the page, so two hosts do not race for its first row.
          state.ids = rotate(fresh, spread);
        } finally {
          state.loading = undefined;
        }
      })();
      await state.loading;
    }
    const id = state.ids.shift();
    if (id !== undefined) this.#out.add(id);
    return id;
  }

  /** The request is done with `id` (claimed or lost); `keep` puts it back (the claim failed for the customer's sake). */
  settle(range: string, id: string, keep = false): void {
    this.#out.delete(id);
    if (keep) this.#ranges.get(range)?.ids.unshift(id);
  }
}
