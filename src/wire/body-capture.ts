/** How much of an HTTP lane's response body the wire view gets to see (the server keeps this much of the newest one). */
export const BODY_CAPTURE_BYTES = 1_024;
