/**
 * What a lesson widget offers a predict-then-measure block: `run()` does the
 * experiment on the live lab and resolves with named numbers (the names are
 * listed per widget in src/lessons/elements.ts), and a `lab-measured` event
 * carries the same numbers whenever a run ends, whoever started it.
 */

export type Measurement = Record<string, number>;

export interface Measurable extends HTMLElement {
  run(): Promise<Measurement>;
  readonly measurement: Measurement | undefined;
}

export const MEASURED_EVENT = 'lab-measured';

export function isMeasurable(el: Element | null): el is Measurable {
  return el !== null && typeof (el as Partial<Measurable>).run === 'function';
}

/** Widgets that take over the feed or a lane run one at a time per page. */
let queue: Promise<unknown> = Promise.resolve();
export function runExclusive<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task, task);
  queue = next.catch(() => undefined);
  return next;
}

/** Write the measurement on the element, for browser tests and lessons to read. */
export function publishMeasurement(el: HTMLElement, measurement: Measurement): void {
  el.dataset.measured = JSON.stringify(measurement);
  el.dispatchEvent(new CustomEvent(MEASURED_EVENT, { detail: measurement, bubbles: true }));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
