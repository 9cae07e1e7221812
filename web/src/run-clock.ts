/** Run time: counts while the run is going, stops on pause, zeroes on reset. */
export class RunClock {
  private accumulatedMs = 0;
  private startedAt: number | undefined;

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  start(): void {
    this.startedAt ??= performance.now();
  }

  pause(): void {
    if (this.startedAt === undefined) return;
    this.accumulatedMs += performance.now() - this.startedAt;
    this.startedAt = undefined;
  }

  reset(): void {
    this.accumulatedMs = 0;
    if (this.startedAt !== undefined) this.startedAt = performance.now();
  }

  elapsedMs(): number {
    return this.accumulatedMs + (this.startedAt === undefined ? 0 : performance.now() - this.startedAt);
  }

  seconds(): number {
    return this.elapsedMs() / 1000;
  }
}
