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
import { t, type MessageKey } from '../i18n/index.ts';

const KIND_WORDS: Record<DecodedField['kind'], MessageKey> = {
  indexed: 'h2w.kindIndexed',
  'literal-indexed': 'h2w.kindLiteralIndexed',
  literal: 'h2w.kindLiteral',
  'literal-never-indexed': 'h2w.kindNeverIndexed',
  'size-update': 'h2w.kindSizeUpdate',
};

/** HEADERS frames carry a fixed 9-byte frame header before the HPACK block (RFC 9113 §4.1). */
const FRAME_HEADER_BYTES = 9;

export function renderH2Exchange(element: HTMLElement, exchange: H2Exchange): void {
  const bytes = exchange.responseHeadBytes;
  element.innerHTML = `
    <p class="h2-summary">${t('h2w.summary', { stream: `<strong data-part="stream-id">${exchange.last?.streamId ?? '–'}</strong>`, connection: exchange.last?.connection ?? '–' })}</p>
    ${exchange.first && exchange.first !== exchange.last ? requestBlock(t('h2w.first'), 'first', exchange.first) : ''}
    ${exchange.last ? requestBlock(t('h2w.latest'), 'last', exchange.last) : ''}
    <p>${t('h2w.response', { bytes: `<span data-part="response-bytes" data-value="${bytes}">${formatCount(bytes)}</span>` })}</p>`;
}

function requestBlock(heading: string, part: string, view: H2RequestView): string {
  const block = view.block;
  if (!block) {
    return `<section class="head" data-part="${part}"><h3>${t('h2w.headingBytes', { heading: escapeHtml(heading), bytes: view.frameBytes })}</h3>
      <p class="warn">${t('h2w.undecodable')} <code>${escapeHtml(view.error ?? 'unknown')}</code></p></section>`;
  }
  const rows = block.fields.map((f) => {
    const where = f.kind === 'size-update' ? t('h2w.newSize', { size: f.newSize ?? 0 })
      : f.index === 0 ? t('h2w.literalName')
      : t(f.kind === 'indexed' ? 'h2w.tableEntry' : 'h2w.tableName', { table: f.table === 'static' ? t('h2w.static') : t('h2w.dynamic'), index: f.index });
    const coding = (what: 'name' | 'value', huffman: boolean) => t(`h2w.${what}${huffman ? 'Huffman' : 'Raw'}`);
    const huffman = f.kind === 'indexed' || f.kind === 'size-update' ? ''
      : [f.nameHuffman !== undefined ? coding('name', f.nameHuffman) : '', coding('value', f.valueHuffman ?? false)].filter(Boolean).join(', ');
    return `<tr data-kind="${f.kind}"><td>${f.kind === 'size-update' ? '' : `<code>${escapeHtml(f.name)}: ${escapeHtml(f.value)}</code>`}</td>
      <td>${escapeHtml(t(KIND_WORDS[f.kind]))}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(huffman)}</td><td class="n">${f.bytes}</td></tr>`;
  }).join('');
  const sum = block.fields.reduce((n, f) => n + f.bytes, 0);
  const indexed = block.fields.filter((f) => f.kind === 'indexed').length;
  const rest = view.frameBytes - block.bytes - FRAME_HEADER_BYTES;
  const entries = block.table.entries.map(([n, v]) => `<li><code>${escapeHtml(n)}: ${escapeHtml(v)}</code></li>`).join('');
  return `
    <section class="head" data-part="${part}">
      <h3>${t('h2w.headingStream', { heading: escapeHtml(heading), stream: view.streamId, bytes: `<span data-part="${part}-bytes" data-value="${view.frameBytes}">${formatCount(view.frameBytes)}</span>` })}</h3>
      <p>${t('h2w.blockSummary', { indexed, fields: block.fields.length, bytes: formatCount(block.bytes) })}
        (<span class="${sum === block.bytes ? 'ok' : 'warn'}">${t('h2w.fieldsAddUp', { sum: formatCount(sum) })}</span>)${rest > 0 ? t('h2w.plusRest', { bytes: rest }) : t('h2w.plusHeader')}</p>
      <table class="head-lines"><thead><tr><th scope="col">${t('h2w.colField')}</th><th scope="col">${t('h2w.colSentAs')}</th><th scope="col">${t('h2w.colTable')}</th><th scope="col">${t('h2w.colCoding')}</th><th scope="col" class="n">${t('h2w.colBytes')}</th></tr></thead><tbody>${rows}</tbody></table>
      <details><summary>${t('h2w.hexAndTable', { size: formatCount(block.table.size), max: formatCount(block.table.maxSize), entries: block.table.entries.length })}</summary>
        <pre class="hex">${escapeHtml(view.blockHex.replace(/(..)/g, '$1 ').trim())}</pre>
        <ol start="62">${entries}</ol>
      </details>
    </section>`;
}
