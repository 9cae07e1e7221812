/**
 * One timer drives every redraw, a few times a second, however fast messages
 * arrive: counting happens per message, drawing happens per tick.
 *
 * A tick's work is spread over animation frames: each frame runs listeners
 * until FRAME_BUDGET_MS is used, and the rest wait for the next frame. Five
 * lane cards and three charts redrawn in one task made a frame of 50-120 ms
 * at 200 messages/s (a long task); one or two per frame keep each under 16 ms.
 * A hidden tab draws no frames: whatever is still queued when the next tick
 * comes runs then, without waiting for a frame.
 */

export const RENDER_MS = 250;
/** Work per animation frame before the rest of the tick waits for the next frame (a frame is ~16.7 ms). */
export const FRAME_BUDGET_MS = 6;

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let queue: (() => void)[] = [];
let frameRequested = false;

function runQueued(deadline: number): void {
  while (queue.length > 0) {
    const listener = queue.shift()!;
    if (listeners.has(listener)) listener();
    if (performance.now() >= deadline) break;
  }
}

function onFrame(): void {
  frameRequested = false;
  runQueued(performance.now() + FRAME_BUDGET_MS);
  if (queue.length > 0) requestFrame();
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(onFrame);
}

function tick(): void {
  runQueued(Infinity); // the last tick's work that no frame ran (a hidden tab)
  queue = [...listeners];
  requestFrame();
}

/** Call `fn` on every tick; returns the unsubscribe function. */
export function onTick(fn: () => void): () => void {
  listeners.add(fn);
  timer ??= setInterval(tick, RENDER_MS);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      queue = [];
    }
  };
}
