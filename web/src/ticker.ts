/**
 * One timer drives every redraw, a few times a second, however fast messages
 * arrive: counting happens per message, drawing happens per tick.
 */

export const RENDER_MS = 250;

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** Call `fn` on every tick; returns the unsubscribe function. */
export function onTick(fn: () => void): () => void {
  listeners.add(fn);
  timer ??= setInterval(() => {
    for (const listener of listeners) listener();
  }, RENDER_MS);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
