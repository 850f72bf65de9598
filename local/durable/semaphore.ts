/** A counting semaphore: host.json's maxConcurrentActivityFunctions / maxConcurrentOrchestratorFunctions. */
export class Semaphore {
  #free: number;
  #waiting: (() => void)[] = [];
  readonly limit: number;
  /** Highest number of holders seen at once (tests and benchmarks read it). */
  peak = 0;

  constructor(limit: number) {
    this.limit = limit;
    this.#free = limit;
  }

  get inUse(): number {
    return this.limit - this.#free;
  }

  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.peak = Math.max(this.peak, this.inUse);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}
