/**
 * A token bucket, one per connection: `burst` commands at once, then
 * `perSecond` more each second. Refusals cost nothing, so a flood is refused
 * without being queued.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly clock: () => number = Date.now) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Take one token; returns 0 on success, else the ms until one is back. */
  take(): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
