/**
 * A token bucket, one per connection: `burst` commands at once, then
 * `perSecond` more each second. Refusals cost nothing, so a flood is refused
 * without being queued. Also the feed's publish limit (src/feed/publish-limit.ts).
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
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Give back a token taken for something that was then refused elsewhere. */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** True when no token is missing (the bucket has been idle long enough to forget). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}
