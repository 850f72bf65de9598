/**
 * The analytics Table and Blob adapters against Azurite: insert-only executions (the exactly-once guard), If-Match
 * on reports and executions, the timer's due queries, values with quotes bound (never spliced) into filters, report
 * files streamed in and out, and the metering usage scan's day range.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord, ReportRecord } from '../../../shared/analytics/model';
import { BlobReportFiles } from '../../../shared/analytics/store/report-files';
import { TableExecutionStore, TableQueryStore, TableReportStore } from '../../../shared/analytics/store/tables';
import type { StoredUsage } from '../../../shared/metering/model';
import { TableUsageStore } from '../../../shared/metering/store/usage-table';
import { testStorage } from '../../fixtures/storage';

const report = (over: Partial<ReportRecord> = {}): ReportRecord => ({
  reportId: 'r1',
  publisherId: "o'brien",
  reportName: 'r',
  description: '',
  queryId: 'q',
  query: 'SELECT OrderId FROM ISVOrder',
  user: 'u',
  createdTime: '2031-01-01T00:00:00Z',
  modifiedTime: null,
  startTime: '2031-01-02T00:00:00Z',
  reportStatus: 'Active',
  recurrenceInterval: 24,
  recurrenceCount: null,
  callbackUrl: null,
  format: 'csv',
  executeNow: false,
  nextRunAt: '2031-01-02T00:00:00Z',
  ...over,
});

const execution = (over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  executionId: 'e1',
  reportId: 'r1',
  publisherId: "o'brien",
  scheduledAt: '2031-01-02T00:00:00Z',
  status: 'Pending',
  recurrenceInterval: 24,
  recurrenceCount: null,
  callbackUrl: null,
  format: 'csv',
  attempts: 0,
  ...over,
});

describe('analytics Table stores', () => {
  it('an execution is created once; replaces need the current etag; due work is found by its time', async () => {
    const storage = testStorage();
    const store = new TableExecutionStore(() => storage.table('AnalyticsExecutions'));
    expect(await store.create(execution())).toBe(true);
    expect(await store.create(execution({ status: 'Completed' }))).toBe(false);
    const found = await store.get('r1', 'e1');
    expect(found?.value.status).toBe('Pending');
    expect((await store.due(new Date('2031-01-01T23:59:59Z'))).length).toBe(0);
    expect((await store.due(new Date('2031-01-02T00:00:00Z'))).map((e) => e.value.executionId)).toEqual(['e1']);
    expect(await store.replace(execution({ status: 'Completed' }), found?.etag as string)).toBe(true);
    expect(await store.replace(execution({ status: 'Failed' }), found?.etag as string)).toBe(false);
    expect((await store.due(new Date('2031-02-01T00:00:00Z'))).length).toBe(0);
    expect((await store.list('r1')).map((e) => e.status)).toEqual(['Completed']);
    await store.deleteAll('r1');
    expect(await store.list('r1')).toEqual([]);
  });

  it('reports: due only while Active with a next run, publisher ids with quotes bound, If-Match', async () => {
    const storage = testStorage();
    const store = new TableReportStore(() => storage.table('AnalyticsReports'));
    await store.create(report());
    await store.create(report({ reportId: 'r2', reportStatus: 'Paused', nextRunAt: '2031-01-02T00:00:00Z' }));
    await store.create(report({ reportId: 'r3', publisherId: "o'brien' or PartitionKey ne '", nextRunAt: '2031-01-05T00:00:00Z' }));
    expect((await store.due(new Date('2031-01-03T00:00:00Z'))).map((r) => r.value.reportId)).toEqual(['r1']);
    expect((await store.list("o'brien")).map((r) => r.reportId)).toEqual(['r1', 'r2']);
    const stored = await store.get("o'brien", 'r1');
    expect(await store.replace(report({ nextRunAt: '', reportStatus: 'Inactive' }), stored?.etag as string)).toBe(true);
    expect(await store.replace(report(), stored?.etag as string)).toBe(false);
    expect(await store.due(new Date('2031-01-03T00:00:00Z'))).toEqual([]);
    expect(await store.delete("o'brien", 'r1')).toBe(true);
    expect(await store.delete("o'brien", 'r1')).toBe(false);
    expect(await store.get("o'brien", 'r1')).toBeUndefined();
  });

  it('queries: insert-only per publisher', async () => {
    const storage = testStorage();
    const store = new TableQueryStore(() => storage.table('AnalyticsQueries'));
    const query = {
      queryId: 'q1',
      publisherId: 'p',
      name: 'n',
      description: '',
      query: 'SELECT OrderId FROM ISVOrder',
      type: 'userDefined' as const,
      user: 'u',
      createdTime: 't',
      modifiedTime: null,
    };
    expect(await store.create(query)).toBe(true);
    expect(await store.create(query)).toBe(false);
    expect((await store.list('p')).map((q) => q.queryId)).toEqual(['q1']);
    expect(await store.list('other')).toEqual([]);
    expect(await store.delete('p', 'q1')).toBe(true);
    expect(await store.get('p', 'q1')).toBeUndefined();
  });
});

describe('report files', () => {
  it('writes a stream of lines and reads it back as a stream; deletes by prefix', async () => {
    const storage = testStorage();
    const files = new BlobReportFiles(() => storage.container('analytics-reports'));
    async function* lines() {
      yield 'a,b\r\n';
      for (let i = 0; i < 20_000; i += 1) yield `${i},${'x'.repeat(10)}\r\n`;
    }
    await files.write('p/r1/e1.csv', 'text/csv; charset=utf-8', lines());
    const read = await files.read('p/r1/e1.csv');
    expect(read?.contentType).toBe('text/csv; charset=utf-8');
    let text = '';
    for await (const chunk of read?.stream as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    expect(text.split('\r\n')).toHaveLength(20_002);
    expect(read?.length).toBe(Buffer.byteLength(text));
    await files.deleteAll('p/r1/');
    expect(await files.read('p/r1/e1.csv')).toBeUndefined();
  });
});

describe('metering usage scan', () => {
  it('streams one publisher’s usage of the days asked for, and no other publisher’s', async () => {
    const storage = testStorage();
    const usage = new TableUsageStore(
      () => storage.table('UsageEvents'),
      () => storage.table('UsageDays'),
    );
    const row = (publisherId: string, at: string): StoredUsage => ({
      usageEventId: `${publisherId}-${at}`,
      messageTime: at,
      quantity: 1,
      dimension: 'd',
      effectiveStartTime: at,
      planId: 'p',
      publisherId,
      resourceKey: 'res',
      offerId: 'o',
      effectiveAt: at,
      resourceKind: 'saas',
    });
    await usage.insertMany([
      row('pub', '2031-01-01T23:00:00.000Z'),
      row('pub', '2031-01-02T00:00:00.000Z'),
      row('pub', '2031-01-03T05:00:00.000Z'),
      row('pub2', '2031-01-02T00:00:00.000Z'),
    ]);
    const ids = async (from: string | undefined, to: string) => {
      const out: string[] = [];
      for await (const u of usage.scan('pub', from, to)) out.push(u.usageEventId);
      return out;
    };
    expect(await ids('2031-01-02', '2031-01-02')).toEqual(['pub-2031-01-02T00:00:00.000Z']);
    expect(await ids(undefined, '2031-01-02')).toEqual(['pub-2031-01-01T23:00:00.000Z', 'pub-2031-01-02T00:00:00.000Z']);
    expect(await ids('2031-01-01', '2031-01-03')).toHaveLength(3);
  });
});
