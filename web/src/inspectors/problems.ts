/**
 * Input the page refuses before sending, with a stable code like the lab's own
 * errors. Where the server would refuse the same input, the page uses the
 * server's code (LAB_ERR_PAYLOAD_TOO_LARGE); the others exist only here,
 * because the browser's API refuses them before anything reaches the wire.
 */
export type ProblemCode =
  | 'LAB_ERR_PAYLOAD_TOO_LARGE'
  | 'LAB_ERR_PLAYGROUND_EMPTY'
  | 'LAB_ERR_PLAYGROUND_NOT_LATIN1'
  | 'LAB_ERR_FRAGMENTS_INVALID'
  | 'LAB_ERR_CLOSE_CODE'
  | 'LAB_ERR_CLOSE_REASON_TOO_LONG'
  | 'LAB_ERR_PING_TOO_LONG';

export interface InputProblem {
  code: ProblemCode;
  message: string;
}

export const problem = (code: ProblemCode, message: string): InputProblem => ({ code, message });

/** "CODE: message", as the lab writes its WebSocket close reasons. */
export const problemText = (p: InputProblem): string => `${p.code}: ${p.message}`;
