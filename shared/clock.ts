/**
 * One clock for everything: token expiry, services, timer triggers and (later) durable timers. Real time by
 * default. With the test-clock setting on, operators can set or advance it; it keeps ticking from the new time,
 * so time-outs and leases still progress. The offset is persisted by the caller (see shared/admin/clock-store.ts)
 * so a restarted host resumes at the same moved time.
 */

export interface Clock {
  now(): Date;
}

export interface ClockState {
  offsetMs: number;
}

export class AdjustableClock implements Clock {
  #offsetMs = 0;
  #listeners = new Set<() => void>();
  readonly adjustable: boolean;
  readonly #realNow: () => number;

  constructor(options: { adjustable: boolean; realNow?: () => number }) {
    this.adjustable = options.adjustable;
    this.#realNow = options.realNow ?? Date.now;
  }

  now(): Date {
    return new Date(this.#realNow() + this.#offsetMs);
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the clock so that `now()` returns `to` at this instant. */
  set(to: Date): void {
    this.#apply(to.getTime() - this.#realNow());
  }

  advance(ms: number): void {
    this.#apply(this.#offsetMs + ms);
  }

  restore(state: ClockState): void {
    this.#apply(state.offsetMs);
  }

  state(): ClockState {
    return { offsetMs: this.#offsetMs };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #apply(offsetMs: number): void {
    if (!this.adjustable) throw new Error('The clock is not adjustable (the test-clock setting is off).');
    if (offsetMs === this.#offsetMs) return;
    this.#offsetMs = offsetMs;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** A fixed clock for unit tests of pure rules. */
export function fixedClock(at: string | Date): Clock {
  const date = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(date.getTime()) };
}

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses an ISO 8601 duration of days, hours, minutes and seconds (`P3D`, `PT1H30M`, `PT0.5S`) into ms. */
export function parseDuration(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}
