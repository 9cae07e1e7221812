/** How much of an HTTP lane's response body the wire view gets to see (the server keeps this much of the newest one). */
export const BODY_CAPTURE_BYTES = 1_024;

/**
 * A poll's body is kept only this long after a wire view last asked for its
 * lane (GET /api/wire/:lane), so polls cost nothing extra when nobody looks.
 */
export const BODY_WATCH_MS = 10_000;
