/**
 * Instance management, as the Durable extension's client does it: start (with a chosen id, safe against two
 * concurrent starts of the same id), status with history, query, raise event, terminate, suspend / resume, purge.
 * Accepting a request means it is stored: a start writes the instance's sentinel, a message lands in the
 * instance's inbox, and then the registry row is rung for the owner of the instance's partition.
 */
import { randomUUID } from 'node:crypto';
import type { HostClock } from '../timers';
import type { FunctionCatalog } from './catalog';
import type { Faults } from './faults';
import { jsonValue, projectHistory } from './history';
import { DurableStore, type ViewItem } from './store';
import { isTerminal, pendingExecution, type Inbound, type InstanceState, type RuntimeStatus } from './types';

export interface ClientDeps {
  store: DurableStore;
  catalog: FunctionCatalog;
  clock: HostClock;
  faults: Faults;
  /** Tells the local dispatcher about a ring, so it need not wait for its next poll (and hands over a new instance). */
  notify(instanceId: string, ringEtag: string, created?: { state: InstanceState; etag: string }): void;
}

export type StartResult = { ok: true; instanceId: string } | { ok: false; status: 400 | 409; message: string };
export type SendResult = 'accepted' | 'notFound' | 'gone';

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

const MAX_INSTANCE_ID = 256;

/** The Durable extension's rules for instance ids. Returns the problem, or undefined. */
export function instanceIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'Instance ids must not be empty.';
  if (id.length > MAX_INSTANCE_ID) return `Instance ID lengths must not exceed ${MAX_INSTANCE_ID} characters.`;
  if (id.startsWith('@')) return 'Orchestration instance ids must not start with @.';
   
  if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(id))
    return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
  return undefined;
}

/** The extension prints times as `yyyy-MM-ddTHH:mm:ssZ` (whole seconds). */
export function apiTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

export class DurableClientOps {
  #d: ClientDeps;

  constructor(deps: ClientDeps) {
    this.#d = deps;
  }

  async start(name: string, requestedId: string | undefined, input: string | undefined): Promise<StartResult> {
    const fn = this.#d.catalog.orchestrator(name);
    if (!fn)
      return { ok: false, status: 400, message: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.` };
    const instanceId = requestedId ?? randomUUID().replace(/-/g, '');
    const problem = instanceIdProblem(instanceId);
    if (problem) return { ok: false, status: 400, message: problem };
    // A new id is the common case: try the insert first and read only when the id turns out to exist.
    let existing: { state: InstanceState; etag: string } | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (existing && !isTerminal(existing.state.status)) {
        return { ok: false, status: 409, message: `An Orchestration instance with the status ${existing.state.status} already exists.` };
      }
      await this.#d.faults.reach('before-state-write');
      const now = this.#d.clock.now().toISOString();
      const state = pendingExecution({ instanceId, name: fn.metadata.name, now, previous: existing?.state, input });
      // Ring first, then write: a registry row without its instance is harmless (the owner waits for the start
      // to land, then drops it); an instance without a registry row would never run.
      const ringEtag = await this.#d.store.ring(instanceId, state.executionId);
      await this.#d.faults.reach('after-start-ring');
      // Insert for a new id, replace under the ETag of the finished execution otherwise: of two concurrent starts
      // only one write succeeds; the other reads and finds a running instance.
      const written = await this.#d.store.writeNewExecution(state, existing?.etag);
      if (written === 'conflict') {
        existing = await this.#d.store.readState(instanceId);
        continue;
      }
      await this.#d.store.writeView(state);
      if (existing) void this.#d.store.deleteOldGenerations(instanceId, state.generation).catch(() => undefined);
      this.#d.notify(instanceId, ringEtag, existing ? undefined : { state, etag: written });
      return { ok: true, instanceId };
    }
    return { ok: false, status: 409, message: 'The instance kept changing while it was being started; retry.' };
  }

  async status(
    instanceId: string,
    options: { showHistory: boolean; showHistoryOutput: boolean; showInput: boolean },
  ): Promise<StatusPayload | undefined> {
    if (!options.showHistory) {
      const found = await this.#d.store.readState(instanceId);
      return found ? payload(found.state, options.showInput) : undefined;
    }
    const loaded = await this.#d.store.loadInstance(instanceId);
    if (!loaded) return undefined;
    const body = payload(loaded.state, options.showInput);
    body.historyEvents = projectHistory(loaded.history, options.showHistoryOutput);
    return body;
  }

  async send(instanceId: string, inbound: Inbound & { kind: 'event' | 'terminate' | 'suspend' | 'resume' }): Promise<SendResult> {
    const existing = await this.#d.store.readState(instanceId);
    if (!existing) return 'notFound';
    if (isTerminal(existing.state.status)) return 'gone';
    await this.#d.store.insertMessage(instanceId, DurableStore.messageKey(), inbound);
    await this.#d.faults.reach('after-message-insert');
    const etag = await this.#d.store.ring(instanceId);
    this.#d.notify(instanceId, etag);
    return 'accepted';
  }

  async purge(instanceId: string): Promise<'purged' | 'notFound' | RuntimeStatus> {
    const existing = await this.#d.store.readState(instanceId);
    if (!existing) return 'notFound';
    if (!isTerminal(existing.state.status)) return existing.state.status;
    return (await this.#d.store.purge(instanceId)) ? 'purged' : 'notFound';
  }

  /** Purges finished instances created in the range (only the given statuses, when some are given). */
  async purgeWhere(filter: { createdFrom: string; createdTo?: string; statuses?: RuntimeStatus[] }): Promise<number> {
    const statuses = (
      filter.statuses && filter.statuses.length > 0
        ? filter.statuses
        : (['Completed', 'Failed', 'Terminated', 'Canceled'] as RuntimeStatus[])
    ).filter(isTerminal);
    if (statuses.length === 0) return 0;
    let deleted = 0;
    let continuation: string | undefined;
    do {
      const page = await this.#d.store.queryView({
        createdFrom: filter.createdFrom,
        ...(filter.createdTo ? { createdTo: filter.createdTo } : {}),
        statuses,
        pageSize: 100,
        ...(continuation ? { continuation } : {}),
      });
      for (const item of page.items) if ((await this.purge(item.instanceId)) === 'purged') deleted += 1;
      continuation = page.continuation;
    } while (continuation);
    return deleted;
  }

  async query(q: {
    prefix?: string;
    createdFrom?: string;
    createdTo?: string;
    statuses?: RuntimeStatus[];
    pageSize: number;
    continuation?: string;
    showInput: boolean;
  }) {
    const page = await this.#d.store.queryView(q);
    return {
      items: page.items.map((item) => viewPayload(item, q.showInput)),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    };
  }
}

function payload(state: InstanceState, showInput: boolean): StatusPayload {
  return {
    name: state.name,
    instanceId: state.instanceId,
    runtimeStatus: state.status,
    input: showInput ? jsonValue(state.input) : null,
    customStatus: jsonValue(state.customStatus),
    output: jsonValue(state.output),
    createdTime: apiTime(state.createdTime),
    lastUpdatedTime: apiTime(state.lastUpdatedTime),
  };
}

function viewPayload(item: ViewItem, showInput: boolean): StatusPayload {
  return {
    name: item.name,
    instanceId: item.instanceId,
    runtimeStatus: item.status,
    input: showInput ? jsonValue(item.input) : null,
    customStatus: jsonValue(item.customStatus),
    output: jsonValue(item.output),
    createdTime: apiTime(item.createdTime),
    lastUpdatedTime: apiTime(item.lastUpdatedTime),
  };
}
