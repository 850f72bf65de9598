/**
 * How instance state, history, inbox messages and the Instances view are laid out in Table entities, and back.
 * Payloads are JSON texts split over properties (payload.ts); rows read back are checked with zod.
 */
import type { TableEntityResult } from '@azure/data-tables';
import { z } from 'zod';
import { packText, unpackText } from './payload';
import { runtimeStatuses, type ActivityOutcome, type FailureDetails, type HistoryEvent, type Inbound, type InstanceState, type RuntimeStatus } from './types';

export const SENTINEL = 'sentinel';
/** A history row's events are kept under ~800 KB (UTF-16), well inside the 1 MiB entity limit. */
const MAX_ROW_CHARS = 400_000;

export function historyKey(generation: number, row: number): string {
  return `h${String(generation).padStart(6, '0')}-${String(row).padStart(6, '0')}`;
}

export function generationPrefix(generation: number): string {
  return `h${String(generation).padStart(6, '0')}-`;
}

export type Row = TableEntityResult<Record<string, unknown>>;

const jsonText = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'invalid JSON payload' });
      return z.NEVER;
    }
  });

const failureSchema: z.ZodType<FailureDetails> = z.lazy(() =>
  z.object({
    ErrorType: z.string(),
    ErrorMessage: z.string(),
    StackTrace: z.string().optional(),
    IsNonRetriable: z.boolean(),
    Properties: z.record(z.string(), z.unknown()).optional(),
    InnerFailure: failureSchema.optional(),
  }),
);

const sentinelSchema = z.object({
  etag: z.string(),
  Name: z.string(),
  Status: z.enum(runtimeStatuses),
  ExecutionId: z.string(),
  Generation: z.number().int(),
  HistoryRows: z.number().int(),
  NextSeq: z.number().int(),
  Leaves: z.number().int(),
  CreatedTime: z.string(),
  LastUpdatedTime: z.string(),
  LastTs: z.string().optional(),
  CompletedTime: z.string().optional(),
  Parent: jsonText(z.object({ instanceId: z.string(), executionId: z.string(), taskId: z.number() })).optional(),
});

const outcomeSchema: z.ZodType<ActivityOutcome> = z.union([
  z.object({ ok: z.literal(true), result: z.string() }),
  z.object({ ok: z.literal(false), failure: failureSchema, reason: z.string(), details: z.string().optional() }),
]);

const inboxSchema = z.object({
  rowKey: z.string(),
  Kind: z.enum(['event', 'terminate', 'suspend', 'resume', 'sub']),
  Name: z.string().optional(),
  TaskId: z.number().int().optional(),
  ExecutionId: z.string().optional(),
});


export interface ViewQuery {
  prefix?: string;
  createdFrom?: string;
  createdTo?: string;
  statuses?: RuntimeStatus[];
  pageSize: number;
  continuation?: string;
}

export interface ViewItem {
  instanceId: string;
  name: string;
  status: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  input?: string;
  output?: string;
  customStatus?: string;
}

// ----- entity mapping ---------------------------------------------------------------------------------------

export function sentinelEntity(state: InstanceState): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    partitionKey: state.instanceId,
    rowKey: SENTINEL,
    Name: state.name,
    Status: state.status,
    ExecutionId: state.executionId,
    Generation: state.generation,
    HistoryRows: state.historyRows,
    NextSeq: state.nextSeq,
    Leaves: state.leaves,
    CreatedTime: state.createdTime,
    LastUpdatedTime: state.lastUpdatedTime,
  };
  if (state.lastTs) entity['LastTs'] = state.lastTs;
  if (state.completedTime) entity['CompletedTime'] = state.completedTime;
  if (state.parent) entity['Parent'] = JSON.stringify(state.parent);
  packText('Input', state.input, entity);
  packText('Output', state.output, entity);
  packText('CustomStatus', state.customStatus, entity);
  packText('Failure', state.failure ? JSON.stringify(state.failure) : undefined, entity);
  packText('Carried', state.carried && state.carried.length > 0 ? JSON.stringify(state.carried) : undefined, entity);
  packText('Tail', state.tail && state.tail.length > 0 ? JSON.stringify(state.tail) : undefined, entity);
  return entity;
}

const carriedSchema = z.array(z.object({ name: z.string(), input: z.string().optional() }));

export function parseSentinel(instanceId: string, row: Row): { state: InstanceState; etag: string } {
  const s = sentinelSchema.parse(row);
  const failure = unpackText('Failure', row);
  const carried = unpackText('Carried', row);
  const state: InstanceState = {
    instanceId,
    name: s.Name,
    status: s.Status,
    executionId: s.ExecutionId,
    generation: s.Generation,
    historyRows: s.HistoryRows,
    nextSeq: s.NextSeq,
    leaves: s.Leaves,
    createdTime: s.CreatedTime,
    lastUpdatedTime: s.LastUpdatedTime,
    ...(s.LastTs ? { lastTs: s.LastTs } : {}),
    ...(s.CompletedTime ? { completedTime: s.CompletedTime } : {}),
    ...(s.Parent ? { parent: s.Parent } : {}),
  };
  const input = unpackText('Input', row);
  const output = unpackText('Output', row);
  const customStatus = unpackText('CustomStatus', row);
  if (input !== undefined) state.input = input;
  if (output !== undefined) state.output = output;
  if (customStatus !== undefined) state.customStatus = customStatus;
  if (failure !== undefined) state.failure = failureSchema.parse(JSON.parse(failure));
  if (carried !== undefined) state.carried = carriedSchema.parse(JSON.parse(carried));
  const tail = unpackText('Tail', row);
  if (tail !== undefined) state.tail = JSON.parse(tail) as HistoryEvent[];
  return { state, etag: s.etag };
}

export function viewEntity(state: InstanceState): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    partitionKey: state.instanceId,
    rowKey: '',
    Name: state.name,
    RuntimeStatus: state.status,
    CreatedTime: state.createdTime,
    LastUpdatedTime: state.lastUpdatedTime,
    ExecutionId: state.executionId,
  };
  packText('Input', state.input, entity);
  packText('Output', state.output, entity);
  packText('CustomStatus', state.customStatus, entity);
  return entity;
}

const viewSchema = z.object({ partitionKey: z.string(), Name: z.string(), RuntimeStatus: z.enum(runtimeStatuses), CreatedTime: z.string(), LastUpdatedTime: z.string() });

export function parseView(row: Row): ViewItem {
  const v = viewSchema.parse(row);
  const item: ViewItem = { instanceId: v.partitionKey, name: v.Name, status: v.RuntimeStatus, createdTime: v.CreatedTime, lastUpdatedTime: v.LastUpdatedTime };
  const input = unpackText('Input', row);
  const output = unpackText('Output', row);
  const customStatus = unpackText('CustomStatus', row);
  if (input !== undefined) item.input = input;
  if (output !== undefined) item.output = output;
  if (customStatus !== undefined) item.customStatus = customStatus;
  return item;
}

export function inboxEntity(instanceId: string, key: string, inbound: Inbound): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  const entity: { partitionKey: string; rowKey: string } & Record<string, unknown> = { partitionKey: instanceId, rowKey: key, Kind: inbound.kind };
  if (inbound.kind === 'event') {
    entity['Name'] = inbound.name;
    packText('Data', inbound.input, entity);
  } else if (inbound.kind === 'sub') {
    entity['TaskId'] = inbound.taskId;
    entity['ExecutionId'] = inbound.executionId;
    packText('Data', JSON.stringify(inbound.outcome), entity);
  } else if (inbound.kind === 'terminate' || inbound.kind === 'suspend' || inbound.kind === 'resume') {
    packText('Data', inbound.reason, entity);
  } else {
    throw new Error(`Inbound ${inbound.kind} is never stored.`);
  }
  return entity;
}

export function parseEvents(row: Row): HistoryEvent[] {
  const text = unpackText('Events', row);
  if (text === undefined) throw new Error(`History row ${row.rowKey} has no events.`);
  return JSON.parse(text) as HistoryEvent[];
}

export function parseInbox(row: Row): Inbound {
  const m = inboxSchema.parse(row);
  const data = unpackText('Data', row);
  switch (m.Kind) {
    case 'event':
      return { kind: 'event', name: m.Name ?? '', ...(data !== undefined ? { input: data } : {}), key: m.rowKey };
    case 'sub':
      return { kind: 'sub', taskId: m.TaskId ?? -1, executionId: m.ExecutionId ?? '', outcome: outcomeSchema.parse(JSON.parse(data ?? '{}')), key: m.rowKey };
    default:
      return { kind: m.Kind, ...(data !== undefined ? { reason: data } : {}), key: m.rowKey };
  }
}

/** Up to this many characters of recent events stay in the sentinel (one payload part): a small episode then
 * commits with one conditional update of one entity instead of an entity group transaction. */
export const MAX_TAIL_CHARS = 8_000;

export function eventsChars(events: readonly HistoryEvent[]): number {
  let chars = 2;
  for (const event of events) chars += JSON.stringify(event).length + 1;
  return chars;
}

export function splitEvents(events: HistoryEvent[]): HistoryEvent[][] {
  const rows: HistoryEvent[][] = [];
  let current: HistoryEvent[] = [];
  let chars = 2;
  for (const event of events) {
    const size = JSON.stringify(event).length + 1;
    if (current.length > 0 && chars + size > MAX_ROW_CHARS) {
      rows.push(current);
      current = [];
      chars = 2;
    }
    current.push(event);
    chars += size;
  }
  if (current.length > 0) rows.push(current);
  return rows;
}

export function estimateBytes(entity: Record<string, unknown>): number {
  let bytes = 256;
  for (const value of Object.values(entity)) bytes += typeof value === 'string' ? value.length * 2 + 32 : 32;
  return bytes;
}
