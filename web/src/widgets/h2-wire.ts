/**
 * A lane's request over HTTP/2, as it crossed the wire: the HEADERS frame's
 * HPACK block decoded field by field (RFC 7541 §6): which fields were one-byte
 * references to the static or dynamic table, which were literals, and which
 * literals were Huffman-coded; then the dynamic table both ends now hold.
 * The first request on the connection beside the latest shows why a repeated
 * poll costs a few dozen bytes instead of hundreds.
 *
 *   renderH2Exchange(element, exchange)
 */
import type { H2Exchange, H2RequestView } from '../../../src/h2/accounting.ts';
import type { DecodedField } from '../../../src/h2/hpack.ts';
import { escapeHtml } from '../dom.ts';
import { formatCount } from '../format.ts';

const KIND_TEXT: Record<DecodedField['kind'], string> = {
  indexed: 'indexed: name and value from a table',
  'literal-indexed': 'literal, now added to the dynamic table',
  literal: 'literal, not added to the table',
  'literal-never-indexed': 'literal, never to be added (sensitive)',
  'size-update': 'dynamic table size update',
};

export function renderH2Exchange(element: HTMLElement, exchange: H2Exchange): void {
  element.innerHTML = `
    <p class="h2-summary">HTTP/2 stream <strong data-part="stream-id">${exchange.last?.streamId ?? '–'}</strong>
      on TLS connection #${exchange.last?.connection ?? '–'}. A request head is a HEADERS frame: a 9-byte frame header
      (length, type, flags, stream id) and an HPACK block.</p>
    ${exchange.first && exchange.first !== exchange.last ? requestBlock('First request on this connection', 'first', exchange.first) : ''}
    ${exchange.last ? requestBlock('Latest request', 'last', exchange.last) : ''}
    <p>Response HEADERS frame: <span data-part="response-bytes" data-value="${exchange.responseHeadBytes}">${formatCount(exchange.responseHeadBytes)}</span> bytes.</p>`;
}

function requestBlock(heading: string, part: string, view: H2RequestView): string {
  const block = view.block;
  if (!block) {
    return `<section class="head" data-part="${part}"><h3>${heading}: ${view.frameBytes} bytes</h3>
      <p class="warn">The lab could not decode this block: ${escapeHtml(view.error ?? 'unknown')}</p></section>`;
  }
  const rows = block.fields.map((f) => {
    const where = f.kind === 'size-update' ? `new size ${f.newSize}`
      : f.index === 0 ? 'name sent as a literal'
      : `${f.table} table #${f.index}${f.kind === 'indexed' ? '' : ' (name)'}`;
    const huffman = f.kind === 'indexed' || f.kind === 'size-update' ? ''
      : [f.nameHuffman !== undefined ? `name ${f.nameHuffman ? 'Huffman' : 'raw'}` : '', `value ${f.valueHuffman ? 'Huffman' : 'raw'}`].filter(Boolean).join(', ');
    return `<tr data-kind="${f.kind}"><td>${f.kind === 'size-update' ? '' : `<code>${escapeHtml(f.name)}: ${escapeHtml(f.value)}</code>`}</td>
      <td>${escapeHtml(KIND_TEXT[f.kind])}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(huffman)}</td><td class="n">${f.bytes}</td></tr>`;
  }).join('');
  const sum = block.fields.reduce((n, f) => n + f.bytes, 0);
  const indexed = block.fields.filter((f) => f.kind === 'indexed').length;
  const entries = block.table.entries.map(([n, v]) => `<li><code>${escapeHtml(n)}: ${escapeHtml(v)}</code></li>`).join('');
  return `
    <section class="head" data-part="${part}">
      <h3>${heading} (stream ${view.streamId}): <span data-part="${part}-bytes" data-value="${view.frameBytes}">${formatCount(view.frameBytes)}</span> bytes</h3>
      <p>${indexed} of ${block.fields.length} fields were one-byte table references; the HPACK block is ${formatCount(block.bytes)} bytes
        (<span class="${sum === block.bytes ? 'ok' : 'warn'}">the fields add up to ${formatCount(sum)}</span>), plus the 9-byte frame header${view.frameBytes - block.bytes - 9 > 0 ? ` and ${view.frameBytes - block.bytes - 9} bytes of priority, padding or more frame headers` : ''}.</p>
      <table class="head-lines"><thead><tr><th scope="col">field</th><th scope="col">sent as</th><th scope="col">table</th><th scope="col">coding</th><th scope="col" class="n">bytes</th></tr></thead><tbody>${rows}</tbody></table>
      <details><summary>HPACK block in hex, and the dynamic table after it: ${formatCount(block.table.size)} of ${formatCount(block.table.maxSize)} bytes, ${block.table.entries.length} entries</summary>
        <pre class="hex">${escapeHtml(view.blockHex.replace(/(..)/g, '$1 ').trim())}</pre>
        <ol start="62">${entries}</ol>
      </details>
    </section>`;
}
