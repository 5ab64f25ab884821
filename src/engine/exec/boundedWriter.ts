/**
 * The bounded pipeline writer import and restore share: at most `maxInFlight` writes (pipelines, MIGRATEs)
 * at a time, the first failure stops every later write, and drain() waits for those in flight. A write
 * submitted after a stop is dropped: what it carried is still in the source (import) or the file (restore).
 * Writers that share a StopLatch (restore: one writer per master) stop together.
 */

/** The first failure of a run; later ones are dropped. */
export class StopLatch<S> {
  private first: S | undefined;

  get value(): S | undefined {
    return this.first;
  }

  stop(s: S): void {
    this.first ??= s;
  }
}

export class BoundedWriter<S> {
  private readonly inflight = new Set<Promise<void>>();

  /** `toStop` turns a write's rejection into the stop it reports. */
  constructor(
    private readonly maxInFlight: number,
    private readonly toStop: (e: unknown) => S,
    readonly latch: StopLatch<S> = new StopLatch<S>(),
  ) {}

  /** The first failure, once a write failed or stop() was called (on any writer of the latch). */
  get stopped(): S | undefined {
    return this.latch.value;
  }

  stop(s: S): void {
    this.latch.stop(s);
  }

  /** Waits for a free place, then starts the write (without waiting for it). */
  async submit(write: () => Promise<void>): Promise<void> {
    while (this.inflight.size >= this.maxInFlight) await Promise.race(this.inflight);
    if (this.stopped !== undefined) return;
    const p: Promise<void> = write()
      .catch((e: unknown) => this.stop(this.toStop(e)))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Waits until no write is in flight. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }
}
