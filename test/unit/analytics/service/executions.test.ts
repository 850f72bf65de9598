import { describe, expect, it } from 'vitest';
import type { DirectLinkTerms, ExecutionRecord, ReportRecord } from '../../../../shared/analytics/model';
import type { DirectLinks, ReportFiles } from '../../../../shared/analytics/ports';
import { Executions, NO_EXECUTIONS } from '../../../../shared/analytics/service/executions';
import { ForbiddenError, NotFoundError } from '../../../../shared/errors';
import { FakeExecutions, FakeFiles, FakeReports, plainLinks } from './fakes';

const caller = { publisherId: 'contoso', user: 'app' };

const execution = (id: string, scheduledAt: string, status: ExecutionRecord['status']): ExecutionRecord => ({
  executionId: id,
  reportId: 'r1',
  publisherId: 'contoso',
  scheduledAt,
  status,
  recurrenceInterval: 24,
  recurrenceCount: null,
  callbackUrl: null,
  format: 'csv',
  attempts: 1,
});

async function setup() {
  let now = new Date('2031-06-01T00:00:00Z');
  const reports = new FakeReports();
  await reports.create({ reportId: 'r1', publisherId: 'contoso' } as ReportRecord);
  const executions = new FakeExecutions();
  for (const e of [
    execution('e1', '2031-01-01T00:00:00Z', 'Completed'),
    execution('e2', '2031-05-01T00:00:00Z', 'Completed'),
    execution('e3', '2031-05-02T00:00:00Z', 'Failed'),
    execution('e4', '2031-05-03T00:00:00Z', 'Pending'),
  ]) {
    await executions.create(e);
  }
  const read: string[] = [];
  const files: ReportFiles = {
    write: () => Promise.resolve(),
    deleteAll: () => Promise.resolve(),
    read: (name) => {
      read.push(name);
      return Promise.resolve(name.endsWith('e2.csv') ? { stream: process.stdin, contentType: 'text/csv', length: 3 } : undefined);
    },
  };
  const service = new Executions({ reports, executions, files, links: plainLinks, clock: { now: () => now }, linkTtlMs: 3_600_000 });
  return { service, reports, executions, read, set: (iso: string) => (now = new Date(iso)) };
}

describe('Executions.list', () => {
  it('by default the latest Completed execution, with a link that expires after the configured time', async () => {
    const { service } = await setup();
    const [only, ...rest] = await service.list(caller, { reportIds: ['R1'] });
    expect(rest).toEqual([]);
    expect(only?.execution.executionId).toBe('e2');
    expect(only?.link?.expiresAt).toBe('2031-06-01T01:00:00Z');
    expect(plainLinks.open((only?.link as { token: string }).token)).toEqual({
      reportId: 'r1',
      executionId: 'e2',
      publisherId: 'contoso',
      expiresAt: '2031-06-01T01:00:00Z',
    });
  });

  it('filters by statuses and ids; the last 90 days without getLatestExecution; no link unless Completed', async () => {
    const { service } = await setup();
    expect((await service.list(caller, { reportIds: ['r1'], latestOnly: false })).map((e) => e.execution.executionId)).toEqual(['e2']);
    const all = await service.list(caller, { reportIds: ['r1'], statuses: ['Pending', 'Failed', 'Completed'], latestOnly: false });
    expect(all.map((e) => [e.execution.executionId, e.link !== undefined])).toEqual([
      ['e4', false],
      ['e3', false],
      ['e2', true],
    ]);
    expect(
      (await service.list(caller, { reportIds: ['r1'], executionIds: ['E3'], statuses: ['Failed'] })).map((e) => e.execution.executionId),
    ).toEqual(['e3']);
  });

  it('404 with the FAQ’s message when nothing matches, and for another publisher’s report', async () => {
    const { service } = await setup();
    await expect(service.list(caller, { reportIds: ['r1'], statuses: ['Running'] })).rejects.toThrow(NO_EXECUTIONS);
    await expect(service.list({ publisherId: 'fabrikam', user: 'x' }, { reportIds: ['r1'] })).rejects.toThrow(
      'No item found with given filters.',
    );
  });
});

describe('Executions.list with direct links (decision 0907)', () => {
  it('gives completed executions a URL from the direct links, with terms on the wall clock and reportExpiryTime on the project clock', async () => {
    const { reports, executions } = await setup();
    const asked: { name: string; terms: DirectLinkTerms }[] = [];
    const links: DirectLinks = {
      url: (name, terms) => {
        asked.push({ name, terms });
        return Promise.resolve(`https://blob.example/${name}?sig=x`);
      },
    };
    const service = new Executions({
      reports,
      executions,
      files: new FakeFiles(),
      links: plainLinks,
      // The project clock moved years ahead of real time (the test clock).
      clock: { now: () => new Date('2031-06-01T00:00:00Z') },
      linkTtlMs: 3_600_000,
      direct: { links, wallClock: () => new Date('2026-12-06T23:00:00Z'), httpsOnly: true },
    });
    const all = await service.list(caller, { reportIds: ['r1'], statuses: ['Failed', 'Completed'], latestOnly: false });
    expect(all.map((e) => [e.execution.executionId, e.link])).toEqual([
      ['e3', undefined],
      ['e2', { url: 'https://blob.example/contoso/r1/e2.csv?sig=x', expiresAt: '2031-06-01T01:00:00Z' }],
    ]);
    expect(asked).toEqual([
      {
        name: 'contoso/r1/e2.csv',
        terms: {
          startsOn: new Date('2026-12-06T22:55:00Z'),
          expiresOn: new Date('2026-12-07T00:00:00Z'),
          permissions: 'r',
          protocol: 'https',
          contentDisposition: 'attachment; filename="e2.csv"',
        },
      },
    ]);
    // The sealed links are not minted in this mode.
    const latest = await service.list(caller, { reportIds: ['r1'] });
    expect(latest[0]?.link).toEqual({ url: 'https://blob.example/contoso/r1/e2.csv?sig=x', expiresAt: '2031-06-01T01:00:00Z' });
  });
});

describe('Executions.download', () => {
  it('serves the file of a valid link until it expires; refuses an altered, foreign or expired one', async () => {
    const { service, read, set } = await setup();
    const token = plainLinks.sign({ reportId: 'r1', executionId: 'e2', publisherId: 'contoso', expiresAt: '2031-06-01T01:00:00Z' });
    expect(await service.download(token)).toMatchObject({ contentType: 'text/csv', length: 3, fileName: 'e2.csv' });
    expect(read).toEqual(['contoso/r1/e2.csv']);
    await expect(service.download('not-a-token')).rejects.toBeInstanceOf(ForbiddenError);
    const foreign = plainLinks.sign({ reportId: 'r1', executionId: 'e2', publisherId: 'fabrikam', expiresAt: '2031-06-01T01:00:00Z' });
    await expect(service.download(foreign)).rejects.toBeInstanceOf(NotFoundError);
    const pending = plainLinks.sign({ reportId: 'r1', executionId: 'e4', publisherId: 'contoso', expiresAt: '2031-06-01T01:00:00Z' });
    await expect(service.download(pending)).rejects.toBeInstanceOf(NotFoundError);
    const gone = plainLinks.sign({ reportId: 'r1', executionId: 'e1', publisherId: 'contoso', expiresAt: '2031-06-01T01:00:00Z' });
    await expect(service.download(gone)).rejects.toBeInstanceOf(NotFoundError);
    set('2031-06-01T00:59:59Z');
    expect(await service.download(token)).toMatchObject({ fileName: 'e2.csv' });
    set('2031-06-01T01:00:00Z');
    await expect(service.download(token)).rejects.toThrow('The download link has expired; get a new one from the executions API.');
  });
});
