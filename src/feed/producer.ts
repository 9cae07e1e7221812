/**
 * Publishes generated messages at a steady rate. Rate 0 pauses it.
 *
 * A rate above ~60/s cannot be met with one message per timer tick (timers are
 * not that precise), so each tick publishes as many messages as are due since
 * the start of the current schedule: the average rate is exact, the spacing is not.
 */
import type { Feed } from './feed.ts';

export interface ProducerSettings {
  rate: number;
  payloadBytes: number;
}

const TICK_MS = 10;
const TIMER_SLACK_MS = 1;

export class Producer {
  private timer: NodeJS.Timeout | undefined;
  private scheduleStart = 0;
  private publishedInSchedule = 0;
  private settings: ProducerSettings;

  constructor(private readonly feed: Feed, settings: ProducerSettings) {
    this.settings = { ...settings };
  }

  get rate(): number {
    return this.settings.rate;
  }

  get payloadBytes(): number {
    return this.settings.payloadBytes;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  configure(settings: Partial<ProducerSettings>): ProducerSettings {
    this.settings = { ...this.settings, ...settings };
    if (this.timer) this.start(); // restart the schedule at the new rate
    return { ...this.settings };
  }

  start(): void {
    this.stop();
    if (this.settings.rate <= 0) return;
    this.scheduleStart = performance.now();
    this.publishedInSchedule = 0;
    // One tick per message up to 100/s; above that, every TICK_MS with several messages each.
    // (Math.min would wake 100 times a second whatever the rate: 90 idle ticks a second at 10/s.)
    this.timer = setInterval(() => this.tick(), Math.max(TICK_MS, 1000 / this.settings.rate));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publish `count` generated messages at once (the dashboard's burst button). */
  burst(count: number): void {
    for (let i = 0; i < count; i++) this.feed.publish(makePayload(this.feed.head + 1, this.settings.payloadBytes));
  }

  private tick(): void {
    // A timer may fire up to a millisecond before its interval by performance.now(): allow
    // for that, or the message due at this tick would wait for the next one.
    const elapsed = performance.now() - this.scheduleStart + TIMER_SLACK_MS;
    const due = Math.floor((elapsed * this.settings.rate) / 1000);
    while (this.publishedInSchedule < due) {
      this.publishedInSchedule++;
      this.feed.publish(makePayload(this.feed.head + 1, this.settings.payloadBytes));
    }
  }
}

/** A readable filler of exactly `bytes` ASCII characters: "#42 " then the alphabet, repeated. */
export function makePayload(seq: number, bytes: number): string {
  const prefix = `#${seq} `;
  if (bytes <= prefix.length) return prefix.slice(0, bytes);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let body = '';
  while (body.length < bytes - prefix.length) body += alphabet;
  return prefix + body.slice(0, bytes - prefix.length);
}
