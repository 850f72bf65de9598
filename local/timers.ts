/**
 * Fires timer triggers on their NCRONTAB schedules against a clock that tests can move. When the clock jumps
 * past one or more occurrences, the function fires once with `isPastDue: true`, as the Functions host does
 * after downtime. A timer never overlaps itself (the host holds a singleton lock per timer function). A run is
 * logged when it fails or when the function logged something (decision 0008); quiet runs leave no line.
 */
import type { RegisteredFunction } from './functions-core';
import { describeError, invokeFunction } from './invoke';
import { parseSchedule, type Schedule } from './ncrontab';

export interface HostClock {
  now(): Date;
  /** Called whenever the clock is set or advanced (not on its normal ticking). Returns an unsubscribe function. */
  onChange?(listener: () => void): () => void;
}

/** The real clock. */
export const systemClock: HostClock = { now: () => new Date() };

interface TimerState {
  fn: RegisteredFunction;
  schedule: Schedule;
  runOnStartup: boolean;
  last?: Date;
  next: Date;
  running?: Promise<void>;
  handle?: NodeJS.Timeout;
}

/** Real setTimeout limit; longer waits are re-armed. */
const MAX_DELAY_MS = 2_147_000_000;
/** An occurrence fired later than this after its time is reported as past due. */
const PAST_DUE_TOLERANCE_MS = 1_000;

export function timerFunctions(functions: RegisteredFunction[]): RegisteredFunction[] {
  return functions.filter((fn) => Object.values(fn.metadata.bindings).some((b) => b.type?.toLowerCase() === 'timertrigger'));
}

export class TimerScheduler {
  #timers: TimerState[];
  #clock: HostClock;
  #log: (line: string) => void;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  constructor(functions: RegisteredFunction[], clock: HostClock, log: (line: string) => void = console.log) {
    this.#clock = clock;
    this.#log = log;
    const now = clock.now();
    this.#timers = timerFunctions(functions).map((fn) => {
      const trigger = Object.values(fn.metadata.bindings).find((b) => b.type?.toLowerCase() === 'timertrigger');
      const schedule = trigger?.['schedule'];
      const expression = typeof schedule === 'string' ? schedule : '';
      let parsed: Schedule;
      try {
        parsed = parseSchedule(expression);
      } catch (error) {
        throw new Error(`Timer function "${fn.metadata.name}": ${(error as Error).message}`);
      }
      return { fn, schedule: parsed, runOnStartup: trigger?.['runOnStartup'] === true, next: parsed.next(now) };
    });
  }

  /** The next occurrence of each timer function, for the startup banner and tests. */
  describe(): { name: string; schedule: string; next: string }[] {
    return this.#timers.map((t) => ({ name: t.fn.metadata.name, schedule: t.schedule.expression, next: t.next.toISOString() }));
  }

  start(): void {
    this.#unsubscribe = this.#clock.onChange?.(() => this.#rearmAll());
    for (const timer of this.#timers) {
      if (timer.runOnStartup) void this.#fire(timer, false);
      else this.#arm(timer);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const timer of this.#timers) clearTimeout(timer.handle);
    await Promise.all(this.#timers.flatMap((t) => (t.running ? [t.running] : [])));
  }

  #rearmAll(): void {
    const now = this.#clock.now();
    for (const timer of this.#timers) {
      // A clock set back leaves `next` far ahead: move it to the first occurrence after the new time. A clock moved
      // forward keeps `next` in the past, so the timer fires once, past due.
      const first = timer.schedule.next(now);
      if (first.getTime() < timer.next.getTime()) timer.next = first;
      if (!timer.running) this.#arm(timer);
    }
  }

  #arm(timer: TimerState): void {
    if (this.#stopped) return;
    clearTimeout(timer.handle);
    const delay = timer.next.getTime() - this.#clock.now().getTime();
    if (delay <= 0) {
      void this.#fire(timer, -delay > PAST_DUE_TOLERANCE_MS);
      return;
    }
    timer.handle = setTimeout(() => this.#arm(timer), Math.min(delay, MAX_DELAY_MS));
    timer.handle.unref?.();
  }

  #fire(timer: TimerState, isPastDue: boolean): Promise<void> {
    if (timer.running || this.#stopped) return timer.running ?? Promise.resolve();
    const scheduled = timer.next;
    const startedAt = this.#clock.now();
    const run = async () => {
      const now = startedAt;
      const next = timer.schedule.next(now);
      const status = {
        Schedule: { AdjustForDST: true },
        ScheduleStatus: { Last: (timer.last ?? scheduled).toISOString(), Next: next.toISOString(), LastUpdated: now.toISOString() },
        IsPastDue: isPastDue,
      };
      const triggerName = Object.entries(timer.fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'timertrigger')?.[0];
      const outcome = await invokeFunction(timer.fn, {
        inputData: [{ name: triggerName ?? 'timer', data: { json: JSON.stringify(status) } }],
      });
      if (outcome.error !== undefined) {
        this.#log(`[error] timer ${timer.fn.metadata.name} (${outcome.invocationId}) failed: ${describeError(outcome.error)}`);
      } else if (outcome.userLogs > 0) {
        // A run that found nothing to do and said nothing stays silent: a 2-second schedule would otherwise fill
        // the console. Functions report their work through `context.log` (saas-due-work logs only when it did some).
        this.#log(`timer ${timer.fn.metadata.name} (${outcome.invocationId}) ran${isPastDue ? ' (past due)' : ''}`);
      }
      timer.last = now;
    };
    timer.running = run()
      .catch((error: unknown) => this.#log(`[error] timer ${timer.fn.metadata.name}: ${describeError(error)}`))
      .finally(() => {
        timer.running = undefined;
        // From the run's start, not its end: an occurrence that passes while the function runs (or while the
        // clock is moved during the run) still fires, once, past due.
        timer.next = timer.schedule.next(startedAt);
        this.#arm(timer);
      });
    return timer.running;
  }
}
