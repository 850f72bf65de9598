/**
 * The publisher's reports over the analytics API (`/insights/v1/cmp/...`, decisions 0900–0906; decision 1006): try
 * a query and see its first rows, save it, the scheduled queries (the system ones and the publisher's own), the
 * scheduled reports with pause and resume, and a report's executions with their download links. A query the API
 * refuses shows the API's own message (which names the line, column and token) next to the query field. The chosen
 * report is in the URL (`?report=`); the lists that change in flight (reports, executions) are polled.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { call, enc, get, post, rowsOf, type ApiError } from '../api';
import { ErrorNote, Field, Section, Table, str, textColumns, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;
const BASE = '/insights/v1/cmp';
const ALL_EXECUTIONS = 'executionStatus=Pending;Running;Completed;Paused;Failed&getLatestExecution=false';

/** The analytics envelope's message names no field; it is about the query, so the form shows it by the query field. */
const onQuery = (e: ApiError | undefined): ApiError | undefined => (e ? { ...e, fields: { ...e.fields, query: e.message } } : undefined);

function columnsOf(rows: Row[]) {
  return textColumns(Object.keys(rows[0] ?? {}));
}

function TryQuery({ onSaved }: { onSaved: () => void }) {
  const [query, setQuery] = useState('SELECT MeterId, MeteredUsage, EstimatedExtendedChargePC FROM ISVUsage TIMESPAN LAST_MONTH');
  const [name, setName] = useState('');
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { error, busy, run } = useAction();
  const tryIt = (e: Event) => {
    e.preventDefault();
    setSaved(undefined);
    void run(async () => {
      setRows(undefined);
      setRows(rowsOf(await get(`${BASE}/ScheduledQueries/testQueryResult?exportQuery=${enc(query)}`)));
    });
  };
  const save = () =>
    void run(async () => {
      const created = await post(`${BASE}/ScheduledQueries`, { Name: name, Query: query });
      setSaved(str(rowsOf(created)[0]?.['queryId']));
      onSaved();
    });
  const shown = onQuery(error);
  const datasets = useResource<Row>(`${BASE}/ScheduledDataset`);
  const names = rowsOf(datasets.data).map((d) => str(d['datasetName']));
  return (
    <Section title="Try a query">
      <form onSubmit={tryIt}>
        <Field wide label="Query" path="Query" value={query} onInput={setQuery} error={shown} hint={names.length > 0 ? `SELECT columns FROM a dataset (${names.join(', ')}) [WHERE …] [ORDER BY …] [TIMESPAN …]` : undefined} />
        <button type="submit" disabled={busy}>
          Run the query
        </button>{' '}
        <Field label="Name to save it under" path="Name" value={name} onInput={setName} />
        <button type="button" disabled={busy} onClick={save}>
          Save as a scheduled query
        </button>
      </form>
      {saved ? <p role="status">Saved as query {saved}.</p> : null}
      {rows ? <Table caption="Query result (first rows)" rows={rows} empty="The query found no rows." columns={columnsOf(rows)} /> : null}
    </Section>
  );
}

function Queries({ list }: { list: Row[] }) {
  return (
    <Section title="Scheduled queries">
      <Table
        caption="System queries and your own"
        rows={list}
        columns={[
          { label: 'Name', cell: (r) => str(r['name']) },
          { label: 'Type', cell: (r) => str(r['type']) },
          { label: 'Query id', cell: (r) => <code class="wrap">{str(r['queryId'])}</code> },
          { label: 'Query', cell: (r) => <code class="wrap">{str(r['query'])}</code> },
        ]}
      />
    </Section>
  );
}

function NewReport({ queries, onCreated }: { queries: Row[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [queryId, setQueryId] = useState('');
  const [interval, setInterval] = useState('24');
  const [now, setNow] = useState(true);
  const [start, setStart] = useState('');
  const { error, busy, run } = useAction();
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await post(`${BASE}/ScheduledReport`, {
        ReportName: name,
        QueryId: queryId || str(queries[0]?.['queryId']),
        RecurrenceInterval: Number(interval),
        Format: 'csv',
        ...(now ? { ExecuteNow: true } : { StartTime: start }),
      });
      onCreated();
    });
  };
  return (
    <form onSubmit={create} aria-label="Schedule a report">
      <Field label="Report name" path="ReportName" value={name} onInput={setName} error={error} />
      <div class="field">
        <label for="report-query">Scheduled query</label>
        <select id="report-query" value={queryId || str(queries[0]?.['queryId'])} onChange={(e) => setQueryId((e.target as HTMLSelectElement).value)}>
          {queries.map((q) => (
            <option key={str(q['queryId'])} value={str(q['queryId'])}>
              {str(q['name'])}
            </option>
          ))}
        </select>
      </div>
      <Field label="Every (hours)" path="RecurrenceInterval" value={interval} onInput={setInterval} error={error} inputMode="numeric" />
      <div class="field">
        <label>
          <input type="checkbox" checked={now} onChange={(e) => setNow((e.target as HTMLInputElement).checked)} /> Run once now
        </label>
      </div>
      {now ? null : <Field label="Start time (UTC, ISO 8601)" path="StartTime" value={start} onInput={setStart} error={error} />}
      <button type="submit" disabled={busy}>
        Schedule the report
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function Executions({ reportId }: { reportId: string }) {
  const executions = useResource<Row>(`${BASE}/ScheduledReport/execution/${enc(reportId)}?${ALL_EXECUTIONS}`, true);
  // 404 is the API's answer for "no execution matches" (seed 004 ~20775): shown as an empty list.
  const none = executions.error?.status === 404;
  return (
    <Section title={`Executions of ${reportId}`}>
      {none ? null : <ErrorNote error={executions.error} />}
      <Table
        caption="Executions, newest first"
        rows={none ? [] : rowsOf(executions.data)}
        empty="No execution yet."
        columns={[
          { label: 'Execution', cell: (r) => <code>{str(r['executionId'])}</code> },
          { label: 'Status', cell: (r) => str(r['executionStatus']) },
          { label: 'Generated', cell: (r) => str(r['reportGeneratedTime']) },
          {
            label: 'File',
            cell: (r) => (r['reportAccessSecureLink'] ? <a href={str(r['reportAccessSecureLink'])}>Download ({str(r['format'])})</a> : ''),
          },
          { label: 'Link expires', cell: (r) => str(r['reportExpiryTime']) },
        ]}
      />
    </Section>
  );
}

export function Reports() {
  const { path, query } = useLocation();
  const queries = useResource<Row>(`${BASE}/ScheduledQueries`);
  const reports = useResource<Row>(`${BASE}/ScheduledReport`, true);
  const { error, busy, run } = useAction();
  const toggle = (id: string, what: 'pause' | 'resume') =>
    void run(async () => {
      await call('PUT', `${BASE}/ScheduledReport/${what}/${enc(id)}`);
      await reports.reload();
    });
  const selected = query['report'];
  return (
    <>
      <TryQuery onSaved={() => void queries.reload()} />
      <Section title="Scheduled reports">
        <NewReport queries={rowsOf(queries.data)} onCreated={() => void reports.reload()} />
        <ErrorNote error={error ?? reports.error} />
        <Table
          caption="Your reports"
          rows={rowsOf(reports.data)}
          empty="No report scheduled yet."
          columns={[
            { label: 'Report', cell: (r) => <a href={`${path}?report=${enc(str(r['reportId']))}`}>{str(r['reportName'])}</a> },
            { label: 'Status', cell: (r) => str(r['reportStatus']) },
            { label: 'Every', cell: (r) => `${str(r['recurrenceInterval'])} h` },
            { label: 'Starts', cell: (r) => str(r['startTime']) },
            {
              label: 'Actions',
              cell: (r) =>
                r['reportStatus'] === 'Paused' ? (
                  <button type="button" disabled={busy} onClick={() => toggle(str(r['reportId']), 'resume')} aria-label={`Resume ${str(r['reportName'])}`}>
                    Resume
                  </button>
                ) : r['reportStatus'] === 'Active' ? (
                  <button type="button" disabled={busy} onClick={() => toggle(str(r['reportId']), 'pause')} aria-label={`Pause ${str(r['reportName'])}`}>
                    Pause
                  </button>
                ) : null,
            },
          ]}
        />
      </Section>
      {selected ? <Executions key={selected} reportId={selected} /> : null}
      <ErrorNote error={queries.error} />
      <Queries list={rowsOf(queries.data)} />
    </>
  );
}
