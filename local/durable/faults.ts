/**
 * Named fault points of the durable runtime, for crash and interleaving tests. `CRASH_AT` lists points at which the
 * host kills itself with SIGKILL (no clean-up, exactly like a power cut): `after-history-append` crashes the first
 * time the point is reached, `after-history-append@40` the 40th time, so a test can crash in the middle of a busy
 * run deterministically. In-process tests pass `PausePoints` (shared/faults.ts) instead, which has the same shape.
 *
 * Points: before-history-append, mid-history-append (between the transactions of an episode too large for one),
 * after-history-append, after-activity-before-result, after-start-ring, after-message-insert, after-child-created,
 * after-parent-notified, before-state-write (start, between the existence check and the conditional write),
 * lease-before-acquire.
 */

export interface Faults {
  reach(point: string): Promise<void>;
}

export const noFaults: Faults = { reach: async () => undefined };

export function parseCrashPoints(spec: readonly string[]): Map<string, number> {
  const points = new Map<string, number>();
  for (const item of spec) {
    const [name, at] = item.split('@');
    if (!name) continue;
    const n = at === undefined ? 1 : Number(at);
    if (!Number.isInteger(n) || n < 1) throw new Error(`CRASH_AT: "${item}" must be a point name, optionally followed by @<count> (count >= 1).`);
    points.set(name, n);
  }
  return points;
}

/** Kills this process (SIGKILL) when a listed point is reached for the given time. */
export function crashFaults(spec: readonly string[], kill: () => void = () => process.kill(process.pid, 'SIGKILL')): Faults {
  const remaining = parseCrashPoints(spec);
  if (remaining.size === 0) return noFaults;
  return {
    async reach(point) {
      const left = remaining.get(point);
      if (left === undefined) return;
      if (left > 1) {
        remaining.set(point, left - 1);
        return;
      }
      console.error(`CRASH_AT ${point}: killing process ${process.pid}`);
      kill();
      await new Promise(() => undefined); // never continue past a crash point
    },
  };
}
