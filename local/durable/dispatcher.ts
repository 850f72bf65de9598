/**
 * The engine of one host: for the partitions it holds a lease on, it keeps the instances with work in memory
 * (state, history, bookkeeping), runs their episodes one at a time per instance, runs their activities, arms
 * their timers on the host clock, starts their sub-orchestrations and notifies their parents.
 *
 * Durability. Nothing here is the source of truth: every decision is committed by `DurableStore.commit` before its
 * effects run, and everything in memory can be rebuilt from storage. After a crash or a lease take-over the new
 * owner lists the partition's registry and loads each instance: open activities (scheduled, no result in the
 * history) run again (at least once), open timers are re-armed, children are (idempotently) created again, a
 * finished child notifies its parent again (the parent's inbox key is deterministic, so it lands once).
 * Activity results are held in memory until the episode that records them commits; a crash in between only
 * means the activity runs again.
 */
import type { HostClock } from '../timers';
import { failedOutcome, runActivity } from './activities';
import type { FunctionCatalog } from './catalog';
import { createChild, parentMessage } from './children';
import { controlEpisode, isFresh, orderBatch, runEpisode, type EpisodePlan } from './episode';
import type { Faults } from './faults';
import { applyToBook, deriveBook, emptyBook, type Book, type OpenTask } from './history';
import { replay, type ReplayOutcome } from './replay';
import { Semaphore } from './semaphore';
import type { DurableStore, Registration } from './store';
import { statusOf } from './tables';
import { isTerminal, type ActivityOutcome, type HistoryEvent, type Inbound, type InstanceState } from './types';

/** How long a registry row that announces a start is kept for the start to land (a crashed start never does). */
const START_GRACE_MS = 60_000;
const MAX_TIMER_DELAY_MS = 2_147_000_000;
/** Inbox messages consumed per episode (each is a delete in the commit transaction). */
const MAX_MESSAGES_PER_EPISODE = 40;
const MAX_EVENTS_PER_EPISODE = 2_000;

export interface DispatcherOptions {
  store: DurableStore;
  catalog: FunctionCatalog;
  clock: HostClock;
  faults: Faults;
  log(line: string): void;
  maxActivities: number;
  maxOrchestrations: number;
  owns(partition: number): boolean;
  pollMs?: { min: number; max: number };
}

export interface DispatcherStats {
  episodes: number;
  /** Commits refused because the instance changed meanwhile (another owner): the episode is replayed afresh. */
  conflicts: number;
  activities: number;
  replayMs: number;
  commitMs: number;
  activityMs: number;
  completions: { instanceId: string; status: string; at: number }[];
}

class Instance {
  readonly id: string;
  readonly partition: number;
  state: InstanceState;
  etag: string;
  history: HistoryEvent[];
  book: Book;
  pending: Inbound[] = [];
  keys = new Set<string>();
  consumed = new Set<string>();
  running = false;
  removed = false;
  finishing = false;
  timers = new Map<number, NodeJS.Timeout>();
  activities = new Set<number>();
  children = new Set<number>();
  view: Promise<void> = Promise.resolve();
  backoff: NodeJS.Timeout | undefined;

  constructor(id: string, partition: number, state: InstanceState, etag: string, history: HistoryEvent[]) {
    this.id = id;
    this.partition = partition;
    this.state = state;
    this.etag = etag;
    this.history = history;
    this.book = deriveBook(history);
  }

  needsStart(): boolean {
    return isFresh(this.state) && (this.state.status === 'Pending' || this.state.status === 'ContinuedAsNew');
  }
}

export class Dispatcher {
  readonly stats: DispatcherStats = { episodes: 0, conflicts: 0, activities: 0, replayMs: 0, commitMs: 0, activityMs: 0, completions: [] };
  #o: DispatcherOptions;
  #instances = new Map<string, Instance>();
  #loading = new Map<string, Promise<void>>();
  #ringEtags = new Map<string, string>();
  #partitions = new Map<number, { poll: NodeJS.Timeout | undefined; delay: number; draining: boolean }>();
  #activitySlots: Semaphore;
  #episodeSlots: Semaphore;
  #unsubscribeClock: (() => void) | undefined;
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#activitySlots = new Semaphore(options.maxActivities);
    this.#episodeSlots = new Semaphore(options.maxOrchestrations);
    this.#unsubscribeClock = options.clock.onChange?.(() => this.#rearmAll());
  }

  get concurrency(): { activities: Semaphore; orchestrations: Semaphore } {
    return { activities: this.#activitySlots, orchestrations: this.#episodeSlots };
  }

  // ----- partitions ---------------------------------------------------------------------------------------

  partitionAcquired(partition: number): void {
    if (this.#stopped) return;
    // Every registry row of a newly taken partition is news: forget what was seen while someone else owned it.
    for (const id of [...this.#ringEtags.keys()]) if (this.#o.store.partitionOf(id) === partition) this.#ringEtags.delete(id);
    const min = this.#o.pollMs?.min ?? 100;
    this.#partitions.set(partition, { poll: undefined, delay: min, draining: false });
    this.#o.log(`durable: took partition ${partition}`);
    this.#schedulePoll(partition, 0);
  }

  partitionLost(partition: number): void {
    const state = this.#partitions.get(partition);
    if (state) clearTimeout(state.poll);
    this.#partitions.delete(partition);
    for (const inst of [...this.#instances.values()]) if (inst.partition === partition) this.#drop(inst);
  }

  /** Stops new episodes of the partition and resolves when the running ones are done (or after 5 s). */
  async draining(partition: number): Promise<void> {
    const state = this.#partitions.get(partition);
    if (state) state.draining = true;
    await this.#settled((i) => i.partition === partition);
  }

  /** Stops everything: no new episodes; running ones may finish (5 s at most); activity results still out are dropped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribeClock?.();
    await this.#settled(() => true);
    for (const partition of [...this.#partitions.keys()]) this.partitionLost(partition);
  }

  async #settled(which: (inst: Instance) => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && [...this.#instances.values()].some((i) => which(i) && i.running)) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #owned(partition: number): boolean {
    const state = this.#partitions.get(partition);
    return !this.#stopped && state !== undefined && !state.draining && this.#o.owns(partition);
  }

  #schedulePoll(partition: number, delay: number): void {
    const state = this.#partitions.get(partition);
    if (!state) return;
    clearTimeout(state.poll);
    state.poll = setTimeout(() => {
      void this.#poll(partition).then((changed) => {
        const current = this.#partitions.get(partition);
        if (!current) return;
        const min = this.#o.pollMs?.min ?? 100;
        const max = this.#o.pollMs?.max ?? 2_000;
        current.delay = changed ? min : Math.min(max, current.delay * 2);
        this.#schedulePoll(partition, current.delay);
      });
    }, delay);
    state.poll.unref?.();
  }

  /** Reads the partition's registry; a row whose ETag changed was rung by someone (maybe another host). */
  async #poll(partition: number): Promise<boolean> {
    if (!this.#owned(partition)) return false;
    let changed = false;
    try {
      for (const reg of await this.#o.store.listRegistry(partition)) {
        if (this.#ringEtags.get(reg.instanceId) === reg.etag) continue;
        this.#ringEtags.set(reg.instanceId, reg.etag);
        changed = true;
        void this.#ring(reg.instanceId);
      }
    } catch (error) {
      this.#o.log(`[warning] durable: polling partition ${partition} failed: ${(error as Error).message}`);
    }
    return changed;
  }

  /**
   * A ring from this process (client API, child start, parent notification): act now instead of at the next poll.
   * `created` hands over a brand-new instance just written by this process (no history, no inbox yet), which
   * spares loading it back from storage.
   */
  notify(instanceId: string, ringEtag?: string, created?: { state: InstanceState; etag: string }): void {
    const partition = this.#o.store.partitionOf(instanceId);
    if (!this.#owned(partition)) return; // the owner (maybe another host, maybe us later) finds it when it polls
    if (ringEtag) this.#ringEtags.set(instanceId, ringEtag);
    if (created && !this.#instances.has(instanceId) && !this.#loading.has(instanceId)) {
      const inst = new Instance(instanceId, partition, created.state, created.etag, []);
      this.#instances.set(instanceId, inst);
      this.#schedule(inst);
      return;
    }
    void this.#ring(instanceId);
  }

  async #ring(instanceId: string): Promise<void> {
    const loading = this.#loading.get(instanceId);
    if (loading) {
      await loading;
      return this.#ring(instanceId);
    }
    const inst = this.#instances.get(instanceId);
    if (!inst) return this.#load(instanceId);
    if (isTerminal(inst.state.status)) return this.#reload(inst);
    try {
      const messages = await this.#o.store.readInbox(instanceId);
      for (const m of messages) this.#enqueue(inst, m.inbound);
      this.#schedule(inst);
    } catch (error) {
      this.#o.log(`[warning] durable: reading the inbox of ${instanceId} failed: ${(error as Error).message}`);
    }
  }

  // ----- loading ------------------------------------------------------------------------------------------

  #load(instanceId: string): Promise<void> {
    const existing = this.#loading.get(instanceId);
    if (existing) return existing;
    const task = this.#loadNow(instanceId)
      .catch((error: unknown) => {
        this.#o.log(`[warning] durable: loading ${instanceId} failed: ${(error as Error).message}; retrying`);
        setTimeout(() => void this.#ring(instanceId), 1_000).unref?.();
      })
      .finally(() => this.#loading.delete(instanceId));
    this.#loading.set(instanceId, task);
    return task;
  }

  async #reload(inst: Instance): Promise<void> {
    this.#drop(inst);
    await this.#load(inst.id);
  }

  async #loadNow(instanceId: string): Promise<void> {
    const partition = this.#o.store.partitionOf(instanceId);
    if (!this.#owned(partition)) return;
    const loaded = await this.#o.store.loadInstance(instanceId);
    if (!this.#owned(partition) || this.#instances.has(instanceId)) return;
    if (!loaded) {
      await this.#unregister(instanceId, undefined);
      return;
    }
    const inst = new Instance(instanceId, partition, loaded.state, loaded.etag, loaded.history);
    this.#instances.set(instanceId, inst);
    for (const m of loaded.inbox) this.#enqueue(inst, m.inbound);
    if (isTerminal(inst.state.status)) {
      await this.#finish(inst);
      return;
    }
    this.#resumeOpenWork(inst);
    this.#schedule(inst);
  }

  /** After a load: everything the history says is in flight is started again. */
  #resumeOpenWork(inst: Instance): void {
    for (const task of inst.book.open.values()) {
      if (task.kind === 'timer') this.#arm(inst, task);
      else if (task.skipped) {
        const last = task.chain !== undefined ? inst.book.chains.get(task.chain)?.last : undefined;
        if (last) this.#enqueue(inst, task.kind === 'activity' ? { kind: 'activity', taskId: task.id, outcome: last } : { kind: 'sub', taskId: task.id, executionId: inst.state.executionId, outcome: last });
      } else if (task.kind === 'activity') void this.#runActivity(inst, task);
      else void this.#startChild(inst, task);
    }
  }

  #drop(inst: Instance): void {
    inst.removed = true;
    for (const timer of inst.timers.values()) clearTimeout(timer);
    inst.timers.clear();
    clearTimeout(inst.backoff);
    if (this.#instances.get(inst.id) === inst) this.#instances.delete(inst.id);
  }

  #enqueue(inst: Instance, inbound: Inbound): void {
    if (inbound.key !== undefined) {
      if (inst.keys.has(inbound.key) || inst.consumed.has(inbound.key)) return;
      inst.keys.add(inbound.key);
    } else if (inbound.kind === 'activity' || inbound.kind === 'timer') {
      const id = inbound.kind === 'activity' ? inbound.taskId : inbound.timerId;
      if (inst.pending.some((p) => p.kind === inbound.kind && (p.kind === 'activity' ? p.taskId : p.kind === 'timer' ? p.timerId : -1) === id)) return;
    }
    inst.pending.push(inbound);
  }

  // ----- episodes -----------------------------------------------------------------------------------------

  #schedule(inst: Instance): void {
    if (inst.running || inst.removed || this.#stopped) return;
    if (!this.#hasWork(inst)) {
      if (isTerminal(inst.state.status)) void this.#finish(inst);
      return;
    }
    if (!this.#owned(inst.partition)) {
      // The lease is being renewed late (or handed over): look again shortly; a lost partition drops the instance.
      inst.backoff ??= setTimeout(() => {
        inst.backoff = undefined;
        this.#schedule(inst);
      }, 250);
      inst.backoff.unref?.();
      return;
    }
    inst.running = true;
    void this.#runLoop(inst);
  }

  #hasWork(inst: Instance): boolean {
    return inst.needsStart() || this.#selectBatch(inst).length > 0;
  }

  #selectBatch(inst: Instance): Inbound[] {
    if (isTerminal(inst.state.status)) return [];
    const terminate = inst.pending.find((p) => p.kind === 'terminate');
    if (terminate) return [terminate];
    // Suspend and resume apply in arrival order (a redundant one is consumed without effect); while suspended,
    // every other event waits.
    const control = inst.pending.find((p) => p.kind === 'suspend' || p.kind === 'resume');
    if (inst.state.status === 'Suspended') return control ? [control] : [];
    if (control && !inst.needsStart()) return [control];
    const ordinary = inst.pending.filter((p) => p.kind !== 'suspend' && p.kind !== 'resume');
    const batch: Inbound[] = [];
    let messages = 0;
    for (const item of orderBatch(ordinary, inst.book)) {
      if (batch.length >= MAX_EVENTS_PER_EPISODE) break;
      if (item.key !== undefined) {
        if (messages >= MAX_MESSAGES_PER_EPISODE) continue;
        messages += 1;
      }
      batch.push(item);
    }
    return batch;
  }

  async #runLoop(inst: Instance): Promise<void> {
    try {
      while (!inst.removed && this.#owned(inst.partition) && !isTerminal(inst.state.status)) {
        const batch = this.#selectBatch(inst);
        if (batch.length === 0 && !inst.needsStart()) break;
        const release = await this.#episodeSlots.acquire();
        try {
          if (inst.removed) break;
          await this.#episode(inst, batch);
        } finally {
          release();
        }
      }
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) {
        // Someone else changed the instance (another host, a restart): start over from storage.
        this.stats.conflicts += 1;
        this.#o.log(`durable: ${inst.id} changed in storage; reloading`);
        inst.running = false;
        await this.#reload(inst);
        return;
      }
      this.#o.log(`[error] durable: episode of ${inst.id} failed: ${(error as Error).stack ?? String(error)}`);
      const retry = setTimeout(() => {
        inst.running = false;
        this.#schedule(inst);
      }, 1_000);
      retry.unref?.();
      return;
    }
    inst.running = false;
    if (isTerminal(inst.state.status)) await this.#finish(inst);
    else this.#schedule(inst);
  }

  async #episode(inst: Instance, batch: Inbound[]): Promise<void> {
    const now = this.#o.clock.now();
    const first = batch[0];
    let plan: EpisodePlan;
    if (first && (first.kind === 'terminate' || first.kind === 'suspend' || first.kind === 'resume')) {
      plan = controlEpisode(inst.state, first, now);
    } else {
      const started = performance.now();
      plan = await runEpisode({
        state: inst.state,
        history: inst.history,
        book: inst.book,
        batch,
        now,
        replay: (history, state) => this.#replay(inst, history, state),
      });
      this.stats.replayMs += performance.now() - started;
    }
    await this.#o.faults.reach('before-history-append');
    if (!this.#owned(inst.partition) || inst.removed) return;
    const consume = batch.flatMap((b) => (b.key !== undefined ? [b.key] : []));
    const committing = performance.now();
    const etag = await this.#o.store.commit({
      state: plan.state,
      etag: inst.etag,
      events: plan.events,
      eventsGeneration: plan.eventsGeneration,
      previousRows: inst.state.historyRows,
      previousTail: inst.state.tail ?? [],
      consume,
    });
    this.stats.commitMs += performance.now() - committing;
    this.stats.episodes += 1;
    await this.#o.faults.reach('after-history-append');
    this.#applyCommitted(inst, plan, etag, batch);
  }

  #replay(inst: Instance, history: readonly HistoryEvent[], state: InstanceState): Promise<ReplayOutcome> {
    const fn = this.#o.catalog.orchestrator(state.name);
    if (!fn) {
      const message = `The function '${state.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
      return Promise.resolve({ kind: 'failed', message, failure: { ErrorType: 'FunctionNotFound', ErrorMessage: message, IsNonRetriable: true } });
    }
    return replay(fn, {
      instanceId: inst.id,
      history,
      ...(state.input !== undefined ? { input: state.input } : {}),
      ...(state.parent ? { parentInstanceId: state.parent.instanceId } : {}),
    });
  }

  #forget(inst: Instance, batch: Inbound[]): void {
    const taken = new Set(batch);
    inst.pending = inst.pending.filter((p) => !taken.has(p));
    for (const b of batch) {
      if (b.key !== undefined) {
        inst.keys.delete(b.key);
        inst.consumed.add(b.key);
      }
    }
    // Consumed keys only guard against an inbox read that was in flight during the commit: keep the recent ones.
    if (inst.consumed.size > 1_000) for (const key of [...inst.consumed].slice(0, 500)) inst.consumed.delete(key);
  }

  #applyCommitted(inst: Instance, plan: EpisodePlan, etag: string, batch: Inbound[]): void {
    const previous = inst.state;
    this.#forget(inst, batch);
    inst.etag = etag;
    inst.state = plan.state;
    const effects = plan.effects;
    if (plan.eventsGeneration === plan.state.generation) {
      inst.history.push(...plan.events);
      for (const event of plan.events) applyToBook(inst.book, event);
    } else {
      // Continue-as-new: a fresh history; whatever belonged to the previous execution is void.
      inst.history = [];
      inst.book = emptyBook();
      for (const timer of inst.timers.values()) clearTimeout(timer);
      inst.timers.clear();
      inst.pending = inst.pending.filter((p) => p.kind !== 'activity' && p.kind !== 'timer' && p.kind !== 'sub');
      void this.#o.store.deleteOldGenerations(inst.id, plan.state.generation).catch(() => undefined);
    }
    for (const id of effects.cancelTimers) {
      clearTimeout(inst.timers.get(id));
      inst.timers.delete(id);
    }
    for (const timer of effects.timers) this.#arm(inst, timer);
    for (const task of effects.activities) void this.#runActivity(inst, task);
    for (const child of effects.children) void this.#startChild(inst, child);
    for (const inbound of effects.synthetic) this.#enqueue(inst, inbound);
    if (effects.viewChanged || previous.status !== plan.state.status) this.#writeView(inst);
    if (isTerminal(plan.state.status)) {
      this.stats.completions.push({ instanceId: inst.id, status: plan.state.status, at: Date.now() });
      if (this.stats.completions.length > 20_000) this.stats.completions.splice(0, 10_000);
    }
  }

  #writeView(inst: Instance): void {
    inst.view = inst.view
      .then(() => this.#o.store.writeView(inst.state))
      .catch((error: unknown) => this.#o.log(`[warning] durable: updating the Instances row of ${inst.id} failed: ${(error as Error).message}`));
  }

  // ----- activities, timers, children ---------------------------------------------------------------------

  async #runActivity(inst: Instance, task: OpenTask): Promise<void> {
    if (inst.activities.has(task.id)) return;
    inst.activities.add(task.id);
    const executionId = inst.state.executionId;
    let outcome: ActivityOutcome;
    const release = await this.#activitySlots.acquire();
    try {
      if (inst.removed) return;
      const started = performance.now();
      outcome = await runActivity(this.#o.catalog.activity(task.name ?? ''), task.name ?? '', task.input);
      this.stats.activityMs += performance.now() - started;
      this.stats.activities += 1;
      await this.#o.faults.reach('after-activity-before-result');
    } catch (error) {
      outcome = failedOutcome(task.name ?? '', { ErrorType: 'Error', ErrorMessage: (error as Error).message, IsNonRetriable: false });
    } finally {
      release();
      inst.activities.delete(task.id);
    }
    if (inst.removed || inst.state.executionId !== executionId || !inst.book.open.has(task.id)) return;
    this.#enqueue(inst, { kind: 'activity', taskId: task.id, outcome });
    this.#schedule(inst);
  }

  #arm(inst: Instance, task: OpenTask): void {
    clearTimeout(inst.timers.get(task.id));
    if (inst.removed) return;
    const fireAt = Date.parse(task.fireAt ?? '');
    const delay = fireAt - this.#o.clock.now().getTime();
    if (!(delay > 0)) {
      inst.timers.delete(task.id);
      if (!inst.book.open.has(task.id)) return;
      this.#enqueue(inst, { kind: 'timer', timerId: task.id, fireAt: task.fireAt ?? new Date(fireAt).toISOString() });
      this.#schedule(inst);
      return;
    }
    const handle = setTimeout(() => this.#arm(inst, task), Math.min(delay, MAX_TIMER_DELAY_MS));
    handle.unref?.();
    inst.timers.set(task.id, handle);
  }

  /** The test clock moved: every timer is re-evaluated against it at once. */
  #rearmAll(): void {
    for (const inst of this.#instances.values()) {
      for (const task of inst.book.open.values()) if (task.kind === 'timer' && inst.timers.has(task.id)) this.#arm(inst, task);
    }
  }

  async #startChild(inst: Instance, task: OpenTask): Promise<void> {
    if (inst.children.has(task.id)) return;
    inst.children.add(task.id);
    const link = { instanceId: inst.id, executionId: inst.state.executionId, taskId: task.id };
    try {
      const childId = task.childId ?? `${inst.id}:${task.id}`;
      const result = await createChild(this.#o, childId, task.name ?? '', task.input, link);
      if (result.kind === 'created') this.notify(childId, result.ringEtag, result.fresh);
      if (result.kind === 'refused' && !inst.removed && inst.state.executionId === link.executionId) {
        this.#enqueue(inst, { kind: 'sub', taskId: task.id, executionId: link.executionId, outcome: failedOutcome(task.name ?? '', result.failure, 'Orchestrator function') });
        this.#schedule(inst);
      }
    } catch (error) {
      this.#o.log(`[warning] durable: starting sub-orchestration ${task.childId} failed: ${(error as Error).message}; retrying`);
      setTimeout(() => {
        inst.children.delete(task.id);
        if (!inst.removed && inst.book.open.has(task.id)) void this.#startChild(inst, task);
      }, 1_000).unref?.();
      return;
    }
    inst.children.delete(task.id);
  }

  // ----- finished instances -------------------------------------------------------------------------------

  /** A finished instance tells its parent, then leaves the registry (unless someone rang it again). */
  async #finish(inst: Instance): Promise<void> {
    if (inst.finishing || inst.removed) return;
    inst.finishing = true;
    try {
      for (const timer of inst.timers.values()) clearTimeout(timer);
      inst.timers.clear();
      if (inst.state.parent) await this.#notifyParent(inst.state);
      const leftovers = inst.pending.flatMap((p) => (p.key !== undefined ? [p.key] : []));
      if (leftovers.length > 0) await this.#o.store.deleteRows(inst.id, leftovers);
      await inst.view;
      if (inst.removed) return;
      this.#drop(inst);
      await this.#unregister(inst.id, inst.state.executionId);
    } catch (error) {
      this.#o.log(`[warning] durable: finishing ${inst.id} failed: ${(error as Error).message}; retrying`);
      inst.finishing = false;
      setTimeout(() => void this.#ring(inst.id), 1_000).unref?.();
    }
  }

  async #notifyParent(state: InstanceState): Promise<void> {
    if (!state.parent) return;
    const { key, inbound } = parentMessage(state, state.parent);
    await this.#o.store.insertMessage(state.parent.instanceId, key, inbound);
    const etag = await this.#o.store.ring(state.parent.instanceId);
    await this.#o.faults.reach('after-parent-notified');
    this.notify(state.parent.instanceId, etag);
  }

  /**
   * Removes the instance from the registry. A row that announces a start of another execution is left for the
   * start to land (the start rings before it writes); a row rung since it was read makes the instance load again.
   */
  async #unregister(instanceId: string, currentExecution: string | undefined): Promise<void> {
    // The ETag of the last ring this host saw: if nobody rang since, the row goes without reading it first.
    const known = this.#ringEtags.get(instanceId);
    if (known && currentExecution !== undefined && (await this.#o.store.unregister(instanceId, known)) === 'deleted') {
      this.#ringEtags.delete(instanceId);
      return;
    }
    const reg: Registration | undefined = await this.#o.store.getRegistration(instanceId);
    if (!reg) return;
    if (reg.starting && reg.starting !== currentExecution && Date.now() - Date.parse(reg.rungAt ?? '') < START_GRACE_MS) {
      setTimeout(() => void this.#ring(instanceId), 2_000).unref?.();
      return;
    }
    const result = await this.#o.store.unregister(instanceId, reg.etag);
    if (result === 'rung') void this.#ring(instanceId);
    else this.#ringEtags.delete(instanceId);
  }
}
