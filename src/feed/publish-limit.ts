/**
 * Publishing is rate-limited twice (issue 10, item 6): per connection, and per
 * client address. A classroom shares one NAT address, so the address budget is
 * generous (thirty devices behind it) and the connection budget tighter: one
 * runaway tab cannot flood the feed, and the room together still can publish.
 *
 * Token buckets (src/chat/rate.ts): `perSecond` tokens back each second, a burst
 * of one second's worth. The clock is injectable so a test can move time on.
 */
import type { Socket } from 'node:net';
import { TokenBucket } from '../chat/rate.ts';

/** Past this many addresses, full (idle) buckets are swept when a new one is added. */
const SWEEP_ABOVE = 1024;

export class PublishLimiter {
  private readonly byConnection = new WeakMap<Socket, TokenBucket>();
  private readonly byAddress = new Map<string, TokenBucket>();

  constructor(private readonly perConnection: number, private readonly perAddress: number, private readonly clock: () => number = Date.now) {}

  /** Take one publish for this connection; 0 when allowed, else the ms until one would be. */
  take(socket: Socket): number {
    let conn = this.byConnection.get(socket);
    if (!conn) this.byConnection.set(socket, (conn = new TokenBucket(this.perConnection, this.perConnection, this.clock)));
    const connWait = conn.take();
    if (connWait > 0) return connWait;
    const address = socket.remoteAddress ?? 'unknown';
    let shared = this.byAddress.get(address);
    if (!shared) {
      if (this.byAddress.size >= SWEEP_ABOVE) this.sweep();
      this.byAddress.set(address, (shared = new TokenBucket(this.perAddress, this.perAddress, this.clock)));
    }
    const addressWait = shared.take();
    if (addressWait > 0) {
      conn.refund(); // refused: this publish did not happen
      return addressWait;
    }
    return 0;
  }

  private sweep(): void {
    for (const [address, bucket] of this.byAddress) if (bucket.isFull()) this.byAddress.delete(address);
  }
}
