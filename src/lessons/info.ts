/**
 * A fenced block's info string: a kind, positional words, and `key=value`
 * options (values may be quoted with "…"):
 *
 *   source web/src/transports/poll.ts from="export function pollTransport" to="}"
 *   -> { kind: 'source', words: ['web/src/transports/poll.ts'], options: { from: '…', to: '}' } }
 */

export interface Info {
  kind: string;
  words: string[];
  options: Record<string, string>;
  /** Everything after the kind, as written (a diagram's caption). */
  rest: string;
}

export function parseInfo(info: string): Info {
  const trimmed = info.trim();
  const space = trimmed.search(/\s/);
  const kind = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? '' : trimmed.slice(space).trim();
  const words: string[] = [];
  const options: Record<string, string> = {};
  const pattern = /([a-z][a-z0-9-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S+))|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of rest.matchAll(pattern)) {
    if (m[1] !== undefined) options[m[1]] = unescape(m[2] ?? m[3] ?? '');
    else words.push(unescape(m[4] ?? m[5] ?? ''));
  }
  return { kind, words, options, rest };
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
