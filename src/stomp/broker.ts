/**
 * Destinations and who listens to them: a tiny in-memory topic broker.
 * No sockets and no frames here: a session registers a subscriber, and a
 * publish hands each subscriber the same headers and body to frame itself.
 *
 * Destinations are topics (`/topic/<name>`): every current subscriber gets a
 * copy; nobody gets what was published before they subscribed.
 */
import { StompError } from './errors.ts';
import type { Header } from './frame.ts';

export interface Delivery {
  destination: string;
  /** One id per publish, shared by every copy (`message-id`). */
  messageId: string;
  /** `content-type` and user headers from the SEND, in order. */
  headers: readonly Header[];
  body: Uint8Array;
}

export type Subscriber = (delivery: Delivery) => void;

/** A SEND to a destination with a handler goes to the handler instead of the subscribers. */
export type InboundHandler = (body: Uint8Array, headers: readonly Header[], sender: unknown) => void;

const DESTINATION = /^\/topic\/[A-Za-z0-9._-]{1,64}$/;

export function checkDestination(destination: string): void {
  if (!DESTINATION.test(destination)) {
    throw new StompError('LAB_ERR_STOMP_DESTINATION', `"${destination.slice(0, 80)}" is not a destination; use /topic/<name> (letters, digits, . _ -, up to 64)`);
  }
}

export class StompBroker {
  private readonly topics = new Map<string, Set<Subscriber>>();
  private readonly inbound = new Map<string, InboundHandler>();
  private nextId = 1;

  /** Route SENDs to `destination` to `handler` (e.g. /topic/feed publishes to the lab's feed). */
  handle(destination: string, handler: InboundHandler): void {
    checkDestination(destination);
    this.inbound.set(destination, handler);
  }

  subscribe(destination: string, subscriber: Subscriber): () => void {
    checkDestination(destination);
    let set = this.topics.get(destination);
    if (!set) this.topics.set(destination, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.topics.get(destination) === set) this.topics.delete(destination);
    };
  }

  /** A client's SEND; `sender` is handed to an inbound handler (who sent it, for a rate limit). */
  send(destination: string, headers: readonly Header[], body: Uint8Array, sender?: unknown): void {
    checkDestination(destination);
    const handler = this.inbound.get(destination);
    if (handler) handler(body, headers, sender);
    else this.publish(destination, headers, body);
  }

  /** Deliver to every current subscriber; returns how many got it. */
  publish(destination: string, headers: readonly Header[], body: Uint8Array): number {
    const set = this.topics.get(destination);
    if (!set || set.size === 0) return 0;
    const delivery: Delivery = { destination, messageId: String(this.nextId++), headers, body };
    for (const subscriber of [...set]) subscriber(delivery);
    return set.size;
  }

  subscriberCount(destination: string): number {
    return this.topics.get(destination)?.size ?? 0;
  }
}
