/**
 * Runs a checked query over a publisher's data (decision 0901): builds the dataset's rows from the SaaS orders,
 * the accepted usage or the customers, keeps those in the time window, and hands them to the query runner. Rows
 * come out as they are answered: a streaming query (no metric, ORDER BY or DISTINCT) reads usage page by page and
 * stops at its LIMIT, so memory stays flat whatever the number of rows.
 */
import type { DataRow, OfferFacts, OrderFacts } from '../model';
import type { OfferSource, OrderSource, UsageSource } from '../ports';
import { createRunner, type OutRow } from '../rules/evaluate';
import type { QueryPlan } from '../rules/query-check';
import { customerRow, firstPurchases, lossDates, orderRow, usageRow } from '../rules/rows';
import { inWindow, type DateWindow } from '../rules/timespan';

export interface QueryEngineDeps {
  orders: OrderSource;
  usage: UsageSource;
  offers: OfferSource;
}

export class QueryEngine {
  readonly #deps: QueryEngineDeps;

  constructor(deps: QueryEngineDeps) {
    this.#deps = deps;
  }

  /** The answered rows, each the selected values in the query's order. */
  async *run(publisherId: string, plan: QueryPlan, window: DateWindow): AsyncIterable<OutRow> {
    const runner = createRunner(plan);
    const dateColumn = plan.dataset.dateColumn;
    for await (const row of this.#rows(publisherId, plan, window)) {
      if (!inWindow((row[dateColumn] as string | null) ?? null, window)) continue;
      yield* runner.accept(row);
      if (runner.done) return;
    }
    yield* runner.finish();
  }

  async *#rows(publisherId: string, plan: QueryPlan, window: DateWindow): AsyncIterable<DataRow> {
    const offers = this.#offerCache(publisherId);
    const orders: OrderFacts[] = [];
    for await (const order of this.#deps.orders.orders(publisherId)) orders.push(order);
    const name = plan.dataset.datasetName;
    if (name === 'ISVUsage') {
      const byId = new Map(orders.map((order) => [order.subscriptionId.toLowerCase(), order]));
      for await (const usage of this.#deps.usage.usage(publisherId, window.from, window.to)) {
        yield usageRow(usage, await offers(usage.offerId), byId.get(usage.resourceKey.toLowerCase()));
      }
      return;
    }
    const first = firstPurchases(orders);
    if (name === 'ISVCustomer') {
      const lost = lossDates(orders);
      for (const order of orders) yield customerRow(order, first.get(order.beneficiary.tenantId), lost.get(order.beneficiary.tenantId));
      return;
    }
    for (const order of orders) yield orderRow(order, await offers(order.offerId), first.get(order.beneficiary.tenantId));
  }

  /** One catalog read per offer and run. */
  #offerCache(publisherId: string): (offerId: string) => Promise<OfferFacts | undefined> {
    const cache = new Map<string, Promise<OfferFacts | undefined>>();
    return (offerId) => {
      let found = cache.get(offerId);
      if (!found) {
        found = this.#deps.offers.offer(publisherId, offerId);
        cache.set(offerId, found);
      }
      return found;
    };
  }
}
