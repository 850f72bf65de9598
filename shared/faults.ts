/**
 * Named fault points for concurrency and crash tests. Services call `faults.reach('<point>')` at the places where
 * a read-then-write or a non-durable design would break (between a read and a write, after a write and before an
 * acknowledgement). In production this does nothing. Tests either pause there (deterministic interleaving) or,
 * with the CRASH_AT setting, have the process kill itself with SIGKILL at that exact point.
 */

export interface Faults {
  reach(point: string): Promise<void>;
}

export const noFaults: Faults = { reach: async () => undefined };

/** Kills this process (SIGKILL, no clean-up) the first time one of the named points is reached. */
export function crashAt(points: readonly string[], kill: () => void = () => process.kill(process.pid, 'SIGKILL')): Faults {
  const armed = new Set(points);
  return {
    async reach(point) {
      if (armed.has(point)) {
        console.error(`CRASH_AT ${point}: killing process ${process.pid}`);
        kill();
        await new Promise(() => undefined); // never continue past a crash point
      }
    },
  };
}

/**
 * Deterministic interleaving for in-process tests: `pause(point)` makes the next callers that reach the point wait
 * until released, so a test can line up two operations between their read and their write.
 */
export class PausePoints implements Faults {
  #gates = new Map<string, { waiting: number; arrived: (() => void)[]; release: Promise<void>; open: () => void }>();

  pause(point: string): { arrivals(count: number): Promise<void>; release(): void } {
    let open!: () => void;
    const release = new Promise<void>((resolve) => (open = resolve));
    const gate = { waiting: 0, arrived: [] as (() => void)[], release, open };
    this.#gates.set(point, gate);
    return {
      arrivals: (count) =>
        new Promise<void>((resolve) => {
          const check = () => (gate.waiting >= count ? resolve() : gate.arrived.push(check));
          check();
        }),
      release: () => {
        this.#gates.delete(point);
        gate.open();
      },
    };
  }

  async reach(point: string): Promise<void> {
    const gate = this.#gates.get(point);
    if (!gate) return;
    gate.waiting += 1;
    for (const notify of gate.arrived.splice(0)) notify();
    await gate.release;
  }
}
