/**
 * The history <-> SDK protocol, in process: histories built with the SDK's own testing utilities and history
 * event classes replay to the same actions under the local runtime as under the SDK's handler called directly,
 * with the pinned replay schema; and episodes driven step by step give the SDK the task ids it expects (retry
 * timers and attempts included), carry unconsumed events through continue-as-new, and catch non-determinism.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type * as EpisodeModule from '../../local/durable/episode';
import type * as HistoryModule from '../../local/durable/history';
import type * as ReplayModule from '../../local/durable/replay';
import type { ActivityOutcome, HistoryEvent, Inbound, InstanceState } from '../../local/durable/types';
import { dist, loadSamples, sample, sdk } from './in-process';

let replayMod: typeof ReplayModule;
let episodeMod: typeof EpisodeModule;
let historyMod: typeof HistoryModule;

beforeAll(() => {
  loadSamples();
  replayMod = dist<typeof ReplayModule>('local/durable/replay');
  episodeMod = dist<typeof EpisodeModule>('local/durable/episode');
  historyMod = dist<typeof HistoryModule>('local/durable/history');
});

// ----- histories built with the SDK's classes ---------------------------------------------------------------

type Ctor = new (options: Record<string, unknown>) => object;
const ev = (file: string) => (sdk<Record<string, Ctor>>(`history/${file}`)[file] as Ctor);
const options = (eventId: number, timestamp: Date, extra: Record<string, unknown> = {}) => ({ eventId, timestamp, isPlayed: false, ...extra });

function sdkHistory(t0: Date, t1: Date): object[] {
  return [
    new (ev('OrchestratorStartedEvent'))(options(-1, t0)),
    new (ev('ExecutionStartedEvent'))(options(-1, t0, { name: 'SampleFanOut', input: '3' })),
    new (ev('TaskScheduledEvent'))(options(0, t0, { name: 'SampleDouble', input: '0' })),
    new (ev('TaskScheduledEvent'))(options(1, t0, { name: 'SampleDouble', input: '1' })),
    new (ev('TaskScheduledEvent'))(options(2, t0, { name: 'SampleDouble', input: '2' })),
    new (ev('OrchestratorCompletedEvent'))(options(-1, t0)),
    new (ev('OrchestratorStartedEvent'))(options(-1, t1)),
    new (ev('TaskCompletedEvent'))(options(-1, t1, { taskScheduledId: 1, result: '2' })),
  ];
}

/** The SDK's handler called directly, as its own tests do (DurableOrchestrationInput + DummyOrchestrationContext). */
async function replayWithSdk(name: string, history: object[], input: unknown): Promise<{ schemaVersion: number; leaves: ReplayModule.Action[] }> {
  const { DurableOrchestrationInput } = sdk<{ DurableOrchestrationInput: new (...args: unknown[]) => object }>('util/testingUtils');
  const { DummyOrchestrationContext } = sdk<{ DummyOrchestrationContext: new () => object }>('util/testingUtils');
  const binding = new DurableOrchestrationInput('sdk-instance', history, input, '3.00:00:00', '6.00:00:00', 30_000, replayMod.REPLAY_SCHEMA);
  const state = JSON.parse(JSON.stringify(await sample(name).callback(binding, new DummyOrchestrationContext()))) as { schemaVersion: number; actions: ReplayModule.Action[][] };
  return { schemaVersion: state.schemaVersion, leaves: replayMod.flattenActions(state.actions) };
}

describe('the local runtime speaks the SDK protocol', () => {
  it('replays a history built with the SDK utilities to the same actions as the SDK handler called directly', async () => {
    const history = sdkHistory(new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:01Z'));
    const direct = await replayWithSdk('SampleFanOut', history, 3);
    const local = await replayMod.replay(sample('SampleFanOut'), { instanceId: 'local-instance', history: JSON.parse(JSON.stringify(history)) as HistoryEvent[], input: '3' });
    expect(local.kind).toBe('ok');
    if (local.kind !== 'ok') return;
    expect(local.isDone).toBe(false);
    expect(local.leaves).toEqual(direct.leaves);
    expect(local.leaves.map((a) => [a.actionType, a.functionName, a.input])).toEqual([
      [0, 'SampleDouble', 0],
      [0, 'SampleDouble', 1],
      [0, 'SampleDouble', 2],
    ]);
    expect(direct.schemaVersion).toBe(replayMod.REPLAY_SCHEMA);
  });

  it('pins replay schema V3: long timers are accepted (the SDK needs the V3 timer limits)', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    const history = [new (ev('OrchestratorStartedEvent'))(options(-1, t0)), new (ev('ExecutionStartedEvent'))(options(-1, t0, { name: 'SampleTimer', input: '{"seconds":864000}' }))];
    const local = await replayMod.replay(sample('SampleTimer'), { instanceId: 'timer', history: JSON.parse(JSON.stringify(history)) as HistoryEvent[], input: '{"seconds":864000}' });
    expect(local).toMatchObject({ kind: 'ok', isDone: false, leaves: [{ actionType: replayMod.ActionType.CreateTimer, fireAt: '2030-01-11T00:00:00.000Z' }] });
  });
});

// ----- episodes driven step by step ---------------------------------------------------------------------------

const T0 = Date.parse('2030-01-01T00:00:00Z');

function driver(name: string, input: unknown) {
  let state: InstanceState = {
    instanceId: `unit-${name}`,
    name,
    status: 'Pending',
    executionId: 'exec-1',
    generation: 1,
    historyRows: 0,
    nextSeq: 0,
    leaves: 0,
    createdTime: new Date(T0).toISOString(),
    lastUpdatedTime: new Date(T0).toISOString(),
    ...(input !== undefined ? { input: JSON.stringify(input) } : {}),
  };
  let history: HistoryEvent[] = [];
  let book = historyMod.emptyBook();
  let clock = T0;
  return {
    get state() {
      return state;
    },
    get book() {
      return book;
    },
    /** One episode with these inbound events (in arrival order), applied the way the dispatcher applies a commit. */
    async step(arrived: Inbound[]) {
      clock += 1000;
      const plan = await episodeMod.runEpisode({
        state,
        history,
        book,
        batch: episodeMod.orderBatch(arrived, book),
        now: new Date(clock),
        replay: (h, s) => replayMod.replay(sample(s.name), { instanceId: s.instanceId, history: h, ...(s.input !== undefined ? { input: s.input } : {}) }),
      });
      if (plan.eventsGeneration === plan.state.generation) {
        history = [...history, ...plan.events];
        plan.events.forEach((e) => historyMod.applyToBook(book, e));
        state = { ...plan.state, historyRows: state.historyRows + 1 };
      } else {
        history = [];
        book = historyMod.emptyBook();
        state = plan.state;
      }
      return plan;
    },
  };
}

const ok = (result: unknown): ActivityOutcome => ({ ok: true, result: JSON.stringify(result) });
const failed = (message: string): ActivityOutcome => ({ ok: false, failure: { ErrorType: 'Error', ErrorMessage: message, IsNonRetriable: false }, reason: message });
const decided = (events: HistoryEvent[]) => events.filter((e) => e.EventId >= 0).map((e) => [e.EventType, e.EventId]);

describe('episodes', () => {
  it('gives retry timers and retry attempts the task ids the SDK expects', async () => {
    const d = driver('SampleRetry', { key: 'k', failures: 2, attempts: 3 });
    expect(decided((await d.step([])).events)).toEqual([[4, 0]]); // TaskScheduled 0
    expect(decided((await d.step([{ kind: 'activity', taskId: 0, outcome: failed('one') }])).events)).toEqual([[10, 1]]); // TimerCreated 1
    expect(decided((await d.step([{ kind: 'timer', timerId: 1, fireAt: '' }])).events)).toEqual([[4, 2]]); // TaskScheduled 2
    expect(decided((await d.step([{ kind: 'activity', taskId: 2, outcome: failed('two') }])).events)).toEqual([[10, 3]]);
    expect(decided((await d.step([{ kind: 'timer', timerId: 3, fireAt: '' }])).events)).toEqual([[4, 4]]);
    const done = await d.step([{ kind: 'activity', taskId: 4, outcome: ok('ok-k') }]);
    expect(done.state).toMatchObject({ status: 'Completed', output: '"ok-k"' });
  });

  it('puts events that make the SDK take a hidden id first, whatever order they arrived in', async () => {
    const d = driver('SampleRetryMix', 'mix');
    expect(decided((await d.step([])).events)).toEqual([[4, 0], [4, 1]]);
    // The plain result arrives before the retried activity's failure. Processed in that order, the SDK would give
    // the next activity (scheduled once Task.any resolves) id 2 and its retry timer id 3; failure first, the timer
    // gets 2 and the activity 3, which is what the host records.
    const second = await d.step([
      { kind: 'activity', taskId: 1, outcome: ok(2) },
      { kind: 'activity', taskId: 0, outcome: failed('flaky') },
    ]);
    expect(decided(second.events)).toEqual([[10, 2], [4, 3]]);
    const third = await d.step([
      { kind: 'activity', taskId: 3, outcome: ok(4) },
      { kind: 'timer', timerId: 2, fireAt: '' },
    ]);
    expect(decided(third.events)).toEqual([[4, 4]]);
    const done = await d.step([{ kind: 'activity', taskId: 4, outcome: ok('ok-mix') }]);
    expect(done.state.status).toBe('Completed');
    expect(JSON.parse(done.state.output ?? 'null')).toEqual(['ok-mix', 4]);
  });

  it('carries the events an execution did not consume into the next one (continue-as-new)', async () => {
    const d = driver('SampleCollect', undefined);
    await d.step([]);
    const event = (input: string): Inbound => ({ kind: 'event', name: 'Item', input: JSON.stringify(input) });
    const can = await d.step([event('x'), event('y'), event('z')]);
    expect(can.state).toMatchObject({ status: 'ContinuedAsNew', generation: 2, historyRows: 0, input: '["x"]' });
    expect(can.state.carried).toEqual([
      { name: 'Item', input: '"y"' },
      { name: 'Item', input: '"z"' },
    ]);
    await d.step([]); // second execution: takes "y", continues as new with "z" carried
    const last = await d.step([]);
    expect(last.state.status).toBe('Completed');
    expect(JSON.parse(last.state.output ?? 'null')).toEqual(['x', 'y', 'z']);
  });

  it('fails an orchestration whose code no longer matches its history (non-determinism)', async () => {
    const d = driver('SampleSequence', undefined);
    await d.step([]);
    // Tamper with the recorded history: task 0 was scheduled for another activity than the code now calls.
    const tampered = d.book.userTasks[0];
    if (tampered) tampered.name = 'SampleDouble';
    const plan = await d.step([{ kind: 'activity', taskId: 0, outcome: ok('Hello Tokyo!') }]);
    expect(plan.state.status).toBe('Failed');
    expect(plan.state.output).toMatch(/Non-deterministic workflow detected/);
  });

  it('fails an orchestration that uses durable entities, which the local host does not support', async () => {
    const plan = await driver('SampleEntityCall', undefined).step([]);
    expect(plan.state.status).toBe('Failed');
    expect(plan.state.output).toMatch(/entities are not supported/);
  });

  it('drops a result for a task that is not open (a duplicate delivery)', async () => {
    const d = driver('SampleSequence', undefined);
    await d.step([]);
    await d.step([{ kind: 'activity', taskId: 0, outcome: ok('Hello Tokyo!') }]);
    const again = await d.step([{ kind: 'activity', taskId: 0, outcome: ok('Hello Tokyo!') }]);
    expect(again.events.filter((e) => e.EventType === 5)).toEqual([]);
  });
});
