/**
 * In-memory fakes of the analytics ports with the stores' guarantees: insert-only creates (false on a second
 * create), If-Match replaces (false on a stale etag), and an await before every answer so concurrent callers
 * interleave as they would against Table storage.
 */
import type { ExecutionRecord, OfferFacts, OrderFacts, QueryRecord, ReportRecord, UsageFacts } from '../../../../shared/analytics/model';
import type {
  CallbackOutcome,
  Callbacks,
  ExecutionStore,
  LinkSigner,
  OfferSource,
  OrderSource,
  QueryStore,
  ReportFiles,
  ReportStore,
  UsageSource,
  Versioned,
} from '../../../../shared/analytics/ports';
import { executionDueAt } from '../../../../shared/analytics/store/tables';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

class VersionedMap<T> {
  readonly rows = new Map<string, Versioned<T>>();
  #etag = 0;

  async insert(key: string, value: T): Promise<boolean> {
    await tick();
    if (this.rows.has(key)) return false;
    this.rows.set(key, { value: structuredClone(value), etag: String(++this.#etag) });
    return true;
  }

  async get(key: string): Promise<Versioned<T> | undefined> {
    await tick();
    const found = this.rows.get(key);
    return found ? { value: structuredClone(found.value), etag: found.etag } : undefined;
  }

  async replace(key: string, value: T, etag: string): Promise<boolean> {
    await tick();
    const found = this.rows.get(key);
    if (!found || found.etag !== etag) return false;
    this.rows.set(key, { value: structuredClone(value), etag: String(++this.#etag) });
    return true;
  }

  values(): Versioned<T>[] {
    return [...this.rows.values()].map((v) => ({ value: structuredClone(v.value), etag: v.etag }));
  }
}

export class FakeQueries implements QueryStore {
  readonly map = new VersionedMap<QueryRecord>();
  create(query: QueryRecord & { publisherId: string }) {
    return this.map.insert(`${query.publisherId}|${query.queryId}`, query);
  }
  async list(publisherId: string) {
    await tick();
    return this.map
      .values()
      .map((v) => v.value)
      .filter((q) => q.publisherId === publisherId);
  }
  async get(publisherId: string, queryId: string) {
    return (await this.map.get(`${publisherId}|${queryId}`))?.value;
  }
  async delete(publisherId: string, queryId: string) {
    await tick();
    return this.map.rows.delete(`${publisherId}|${queryId}`);
  }
}

export class FakeReports implements ReportStore {
  readonly map = new VersionedMap<ReportRecord>();
  async create(report: ReportRecord) {
    if (!(await this.map.insert(`${report.publisherId}|${report.reportId}`, report))) throw new Error('exists');
  }
  get(publisherId: string, reportId: string) {
    return this.map.get(`${publisherId}|${reportId}`);
  }
  async list(publisherId: string) {
    await tick();
    return this.map
      .values()
      .map((v) => v.value)
      .filter((r) => r.publisherId === publisherId);
  }
  replace(report: ReportRecord, etag: string) {
    return this.map.replace(`${report.publisherId}|${report.reportId}`, report, etag);
  }
  async delete(publisherId: string, reportId: string) {
    await tick();
    return this.map.rows.delete(`${publisherId}|${reportId}`);
  }
  async due(now: Date) {
    await tick();
    const at = `${now.toISOString().slice(0, 19)}Z`;
    return this.map.values().filter((r) => r.value.reportStatus === 'Active' && r.value.nextRunAt !== '' && r.value.nextRunAt <= at);
  }
}

export class FakeExecutions implements ExecutionStore {
  readonly map = new VersionedMap<ExecutionRecord>();
  create(execution: ExecutionRecord) {
    return this.map.insert(`${execution.reportId}|${execution.executionId}`, execution);
  }
  get(reportId: string, executionId: string) {
    return this.map.get(`${reportId}|${executionId}`);
  }
  async list(reportId: string) {
    await tick();
    return this.map
      .values()
      .map((v) => v.value)
      .filter((e) => e.reportId === reportId);
  }
  replace(execution: ExecutionRecord, etag: string) {
    return this.map.replace(`${execution.reportId}|${execution.executionId}`, execution, etag);
  }
  async deleteAll(reportId: string) {
    await tick();
    for (const key of [...this.map.rows.keys()]) if (key.startsWith(`${reportId}|`)) this.map.rows.delete(key);
  }
  async due(now: Date) {
    await tick();
    const at = `${now.toISOString().slice(0, 19)}Z`;
    return this.map.values().filter((e) => {
      const due = executionDueAt(e.value);
      return due !== '' && due <= at;
    });
  }
  all(): ExecutionRecord[] {
    return this.map.values().map((v) => v.value);
  }
}

export class FakeFiles implements ReportFiles {
  readonly files = new Map<string, { contentType: string; body: string }>();
  readonly writes: string[] = [];
  async write(name: string, contentType: string, lines: AsyncIterable<string>) {
    let body = '';
    for await (const line of lines) body += line;
    this.writes.push(name);
    this.files.set(name, { contentType, body });
  }
  async read() {
    await tick();
    return undefined;
  }
  async deleteAll(prefix: string) {
    await tick();
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
  }
}

export class FakeCallbacks implements Callbacks {
  readonly calls: { url: string; body: unknown; executionId: string }[] = [];
  constructor(private readonly answers: CallbackOutcome[] = []) {}
  async notify(url: string, body: unknown, executionId: string): Promise<CallbackOutcome> {
    await tick();
    this.calls.push({ url, body, executionId });
    return this.answers.shift() ?? { ok: true, status: 200 };
  }
}

export class FakeSources implements OrderSource, UsageSource, OfferSource {
  constructor(
    readonly orderList: OrderFacts[] = [],
    readonly usageList: UsageFacts[] = [],
    readonly offerMap: Record<string, OfferFacts> = {},
  ) {}
  async *orders(publisherId: string) {
    await tick();
    if (publisherId === 'contoso') yield* this.orderList;
  }
  async *usage(publisherId: string, fromDay: string | undefined, toDay: string) {
    await tick();
    if (publisherId !== 'contoso') return;
    for (const u of this.usageList) {
      const day = u.effectiveAt.slice(0, 10);
      if ((fromDay === undefined || day >= fromDay) && day <= toDay) yield u;
    }
  }
  async offer(_publisherId: string, offerId: string) {
    await tick();
    return this.offerMap[offerId];
  }
}

export const plainLinks: LinkSigner = {
  sign: (payload) => Buffer.from(JSON.stringify(payload)).toString('base64url'),
  open: (token) => {
    try {
      return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ReturnType<LinkSigner['open']>;
    } catch {
      return undefined;
    }
  },
};
