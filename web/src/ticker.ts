/**
 * One timer drives every redraw, a few times a second, however fast messages
 * arrive: counting happens per message, drawing happens per tick.
 *
 * A tick's work is spread over animation frames, in two kinds:
 * - `onTick` listeners write the page's text (lane cards, the header). They all
 *   run in the tick's first frame, so the browser lays the page out, paints and
 *   commits once per tick. Spread over several frames (as they once were), each
 *   frame paid for a whole-page layout and commit of its own: at 200 messages/s
 *   on a loaded machine, most of the page's rendering time.
 * - `onTickDraw` listeners redraw canvases (the charts): no layout, but each is
 *   a few ms of script. They run in the frames after, until FRAME_BUDGET_MS of
 *   a frame is used; the rest wait for the next frame. Three charts drawn in one
 *   task made a frame of 50-120 ms at 200 messages/s (a long task).
 * A hidden tab draws no frames: whatever is still queued when the next tick
 * comes runs then, without waiting for a frame.
 */

export const RENDER_MS = 250;
/** Canvas work per animation frame before the rest of the tick waits for the next frame (a frame is ~16.7 ms). */
export const FRAME_BUDGET_MS = 6;

const writers = new Set<() => void>();
const drawers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let writeQueue: (() => void)[] = [];
let drawQueue: (() => void)[] = [];
let frameRequested = false;

/** One listener; its error is reported (the page's error event) without keeping the others from running. */
function run(listener: () => void, set: Set<() => void>): void {
  if (!set.has(listener)) return;
  try {
    listener();
  } catch (err) {
    reportError(err);
  }
}

function runQueued(deadline: number): void {
  for (const listener of writeQueue.splice(0)) run(listener, writers);
  while (drawQueue.length > 0 && performance.now() < deadline) run(drawQueue.shift()!, drawers);
}

function onFrame(): void {
  frameRequested = false;
  // The text goes first and alone when there is any: its layout is this frame's.
  const wrote = writeQueue.length > 0;
  runQueued(wrote ? 0 : performance.now() + FRAME_BUDGET_MS);
  if (wrote && drawQueue.length > 0) {
    // One canvas in the same frame as the text: the charts keep pace with the cards.
    run(drawQueue.shift()!, drawers);
  }
  if (writeQueue.length > 0 || drawQueue.length > 0) requestFrame();
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(onFrame);
}

function tick(): void {
  runQueued(Infinity); // the last tick's work that no frame ran (a hidden tab)
  writeQueue = [...writers];
  drawQueue = [...drawers];
  requestFrame();
}

function subscribe(set: Set<() => void>, fn: () => void): () => void {
  set.add(fn);
  timer ??= setInterval(tick, RENDER_MS);
  return () => {
    set.delete(fn);
    if (writers.size === 0 && drawers.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      writeQueue = [];
      drawQueue = [];
    }
  };
}

/** Call `fn` on every tick, in the tick's first frame with every other text writer; returns the unsubscribe function. */
export function onTick(fn: () => void): () => void {
  return subscribe(writers, fn);
}

/** Call `fn` (a canvas redraw) on every tick, in a later frame within FRAME_BUDGET_MS; returns the unsubscribe function. */
export function onTickDraw(fn: () => void): () => void {
  return subscribe(drawers, fn);
}
