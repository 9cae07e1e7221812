/**
 * The JSON envelope of a poll / long-poll answer. Message JSON is spliced in
 * verbatim (it was serialised once, at publish), so the payload bytes inside
 * the envelope are byte-identical to what the other lanes send.
 */

export interface EnvelopeInfo {
  epoch: string;
  head: number;
  firstSeq: number;
  truncated: boolean;
  more: boolean;
}

export function pollEnvelope(info: EnvelopeInfo, messageJson: readonly string[]): string {
  return `{"epoch":${JSON.stringify(info.epoch)},"head":${info.head},"firstSeq":${info.firstSeq},` +
    `"truncated":${info.truncated},"more":${info.more},"messages":[${messageJson.join(',')}]}`;
}

/** The first thing a stream, SSE or WebSocket client receives: where it starts. */
export function helloJson(info: Omit<EnvelopeInfo, 'more'> & { since: number }): string {
  return `{"type":"hello","epoch":${JSON.stringify(info.epoch)},"since":${info.since},"head":${info.head},` +
    `"firstSeq":${info.firstSeq},"truncated":${info.truncated}}`;
}
