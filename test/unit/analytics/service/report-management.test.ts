import { describe, expect, it } from 'vitest';
import { QueryManagement } from '../../../../shared/analytics/service/query-management';
import { ReportManagement } from '../../../../shared/analytics/service/report-management';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../shared/errors';
import { FakeExecutions, FakeFiles, FakeQueries, FakeReports } from './fakes';

const caller = { publisherId: 'contoso', user: 'app-1' };
const ORDERS = 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d';

function setup() {
  let now = new Date('2031-03-10T08:00:00Z');
  const clock = { now: () => now };
  let n = 0;
  const newId = () => `id-${++n}`;
  const reports = new FakeReports();
  const executions = new FakeExecutions();
  const files = new FakeFiles();
  const queries = new QueryManagement({ store: new FakeQueries(), clock, newId });
  const management = new ReportManagement({ reports, executions, files, queries, clock, newId });
  return { management, queries, reports, executions, files, set: (iso: string) => (now = new Date(iso)) };
}

const body = { reportName: 'r', queryId: ORDERS, startTime: new Date('2031-03-10T12:00:00Z'), recurrenceInterval: 24 };

describe('QueryManagement', () => {
  it('stores a checked query for its publisher only; refuses a bad one; never deletes a system query', async () => {
    const { queries } = setup();
    const created = await queries.create(caller, { name: 'q', query: 'SELECT OrderId FROM ISVOrder' });
    expect(created).toEqual({
      queryId: 'id-1',
      publisherId: 'contoso',
      name: 'q',
      description: '',
      query: 'SELECT OrderId FROM ISVOrder',
      type: 'userDefined',
      user: 'app-1',
      createdTime: '2031-03-10T08:00:00Z',
      modifiedTime: null,
    });
    await expect(queries.create(caller, { name: 'bad', query: 'SELECT Nope FROM ISVOrder' })).rejects.toBeInstanceOf(ValidationError);
    expect((await queries.list(caller, {})).map((q) => q.queryId)).toEqual([
      'id-1',
      expect.any(String),
      ORDERS,
      expect.any(String),
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);
    expect(await queries.list(caller, { includeSystemQueries: false })).toHaveLength(1);
    expect((await queries.list(caller, { includeOnlySystemQueries: true })).every((q) => q.type === 'system')).toBe(true);
    expect(await queries.list(caller, { queryName: 'Q' })).toHaveLength(1);
    expect(await queries.list(caller, { queryId: ORDERS.toUpperCase() })).toHaveLength(1);
    expect(await queries.list({ publisherId: 'fabrikam', user: 'x' }, { includeSystemQueries: false })).toEqual([]);
    await expect(queries.delete(caller, ORDERS)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(queries.delete({ publisherId: 'fabrikam', user: 'x' }, 'id-1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await queries.delete(caller, 'id-1')).queryId).toBe('id-1');
    await expect(queries.delete(caller, 'id-1')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('ReportManagement', () => {
  it('creates an Active report whose first run is its start; names a system query’s text', async () => {
    const { management } = setup();
    const report = await management.create(caller, { ...body, recurrenceCount: 3, format: 'tsv', callbackUrl: 'https://x.example/cb' });
    expect(report).toMatchObject({
      reportId: 'id-1',
      queryId: ORDERS,
      reportStatus: 'Active',
      startTime: '2031-03-10T12:00:00Z',
      nextRunAt: '2031-03-10T12:00:00Z',
      recurrenceCount: 3,
      format: 'tsv',
      callbackUrl: 'https://x.example/cb',
      createdTime: '2031-03-10T08:00:00Z',
      modifiedTime: null,
      user: 'app-1',
      executeNow: false,
    });
    expect(report.query).toContain('FROM ISVOrder');
    expect(await management.create(caller, body)).toMatchObject({
      recurrenceCount: null,
      format: 'csv',
      callbackUrl: null,
      description: '',
    });
  });

  it.each([
    [{ ...body, queryId: 'unknown' }, 'Invalid QueryId: no query unknown is available to this account'],
    [{ reportName: 'r', queryId: ORDERS, recurrenceInterval: 24 }, 'StartTime is required'],
    [{ reportName: 'r', queryId: ORDERS, startTime: body.startTime }, 'RecurrenceInterval is required'],
    [
      { ...body, startTime: new Date('2031-03-10T11:59:59Z') },
      'Invalid report parameters for creation - Start time of report should at least be 4 hours from current UTC time',
    ],
    [{ ...body, recurrenceInterval: 91 }, 'Recurrence Interval must be between 4 and 90'],
  ])('refuses %j', async (input, message) => {
    const { management, reports } = setup();
    await expect(management.create(caller, input)).rejects.toThrow(message);
    expect(await reports.list('contoso')).toEqual([]);
  });

  it('ExecuteNow: one occurrence now, whatever the schedule said; the query window kept', async () => {
    const { management } = setup();
    const report = await management.create(caller, {
      reportName: 'now',
      queryId: ORDERS,
      executeNow: true,
      startTime: new Date('2020-01-01T00:00:00Z'),
      queryStartTime: new Date('2031-01-01T00:00:00Z'),
      queryEndTime: new Date('2031-02-01T00:00:00Z'),
    });
    expect(report).toMatchObject({
      executeNow: true,
      startTime: '2031-03-10T08:00:00Z',
      nextRunAt: '2031-03-10T08:00:00Z',
      recurrenceCount: 1,
      recurrenceInterval: 4,
      queryStartTime: '2031-01-01T00:00:00Z',
      queryEndTime: '2031-02-01T00:00:00Z',
    });
    await expect(
      management.create(caller, {
        reportName: 'x',
        queryId: ORDERS,
        executeNow: true,
        queryStartTime: new Date('2031-02-02T00:00:00Z'),
        queryEndTime: new Date('2031-02-01T00:00:00Z'),
      }),
    ).rejects.toThrow('QueryStartTime must not be after QueryEndTime');
  });

  it('pauses (no next run), resumes at the first occurrence not yet past, refuses to pause an Inactive report', async () => {
    const s = setup();
    const report = await s.management.create(caller, { ...body, recurrenceCount: 3 });
    expect(await s.management.pause(caller, report.reportId)).toMatchObject({
      reportStatus: 'Paused',
      nextRunAt: '',
      modifiedTime: '2031-03-10T08:00:00Z',
    });
    expect(await s.management.pause(caller, report.reportId)).toMatchObject({ reportStatus: 'Paused' });
    s.set('2031-03-11T13:00:00Z');
    expect(await s.management.resume(caller, report.reportId)).toMatchObject({
      reportStatus: 'Active',
      nextRunAt: '2031-03-12T12:00:00Z',
      modifiedTime: '2031-03-11T13:00:00Z',
    });
    expect(await s.management.resume(caller, report.reportId)).toMatchObject({ reportStatus: 'Active', nextRunAt: '2031-03-12T12:00:00Z' });
    await s.management.pause(caller, report.reportId);
    s.set('2031-03-12T12:00:01Z');
    expect(await s.management.resume(caller, report.reportId)).toMatchObject({ reportStatus: 'Inactive', nextRunAt: '' });
    await expect(s.management.pause(caller, report.reportId)).rejects.toBeInstanceOf(ConflictError);
    await expect(s.management.pause({ publisherId: 'fabrikam', user: 'x' }, report.reportId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates fields and moves the next run with a new start; refuses a bad interval', async () => {
    const s = setup();
    const report = await s.management.create(caller, body);
    s.set('2031-03-10T09:00:00Z');
    const updated = await s.management.update(caller, report.reportId, {
      reportName: 'renamed',
      startTime: new Date('2031-03-20T06:00:00Z'),
      format: 'tsv',
      callbackUrl: null,
    });
    expect(updated).toMatchObject({
      reportName: 'renamed',
      startTime: '2031-03-20T06:00:00Z',
      nextRunAt: '2031-03-20T06:00:00Z',
      format: 'tsv',
      callbackUrl: null,
      modifiedTime: '2031-03-10T09:00:00Z',
      reportStatus: 'Active',
    });
    await expect(s.management.update(caller, report.reportId, { recurrenceInterval: 2 })).rejects.toThrow(
      'Recurrence Interval must be between 4 and 90',
    );
    expect((await s.management.get(caller, report.reportId)).recurrenceInterval).toBe(24);
  });

  it('lists by id, name and query; deletes the report with its executions and files', async () => {
    const s = setup();
    const a = await s.management.create(caller, body);
    await s.management.create(caller, { ...body, reportName: 'other' });
    expect((await s.management.list(caller, { reportName: 'OTHER' })).map((r) => r.reportName)).toEqual(['other']);
    expect(await s.management.list(caller, { reportId: a.reportId })).toHaveLength(1);
    expect(await s.management.list(caller, { queryId: ORDERS })).toHaveLength(2);
    expect(await s.management.list({ publisherId: 'fabrikam', user: 'x' }, {})).toEqual([]);
    await s.executions.create({
      executionId: 'e1',
      reportId: a.reportId,
      publisherId: 'contoso',
      scheduledAt: 'x',
      status: 'Completed',
      recurrenceInterval: 24,
      recurrenceCount: null,
      callbackUrl: null,
      format: 'csv',
      attempts: 1,
    });
    await s.files.write(
      `contoso/${a.reportId}/e1.csv`,
      'text/csv',
      (async function* () {
        yield 'x';
      })(),
    );
    await s.management.delete(caller, a.reportId);
    expect(await s.executions.list(a.reportId)).toEqual([]);
    expect(s.files.files.size).toBe(0);
    await expect(s.management.get(caller, a.reportId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('ReportManagement outside local mode', () => {
  it('refuses a plain-http callback URL on create and update; https is fine', async () => {
    const reports = new FakeReports();
    const clock = { now: () => new Date('2031-03-10T08:00:00Z') };
    const queries = new QueryManagement({ store: new FakeQueries(), clock, newId: () => 'q' });
    let n = 0;
    const management = new ReportManagement({
      reports,
      executions: new FakeExecutions(),
      files: new FakeFiles(),
      queries,
      clock,
      newId: () => `r${++n}`,
      httpsCallbacks: true,
    });
    await expect(management.create(caller, { ...body, callbackUrl: 'http://isv.example/cb' })).rejects.toThrow(
      'CallbackUrl must be an https URL',
    );
    const created = await management.create(caller, { ...body, callbackUrl: 'HTTPS://isv.example/cb' });
    await expect(management.update(caller, created.reportId, { callbackUrl: 'http://isv.example/cb' })).rejects.toThrow(
      'CallbackUrl must be an https URL',
    );
    expect((await management.update(caller, created.reportId, { callbackUrl: null })).callbackUrl).toBeNull();
  });
});
