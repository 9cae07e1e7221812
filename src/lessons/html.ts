/**
 * Raw HTML in a lesson's Markdown, made safe. markdown-it runs with `html: true`
 * so that widgets can be written as tags, but every HTML token passes through
 * here: allowed tags (src/lessons/elements.ts) are rebuilt from their parsed
 * name and attributes, with every value escaped; comments are dropped;
 * anything else (a <script>, an onclick, a stray tag, text inside a block of
 * HTML) comes out as escaped text and is reported as a problem.
 */
import { FORBIDDEN_ATTRIBUTE, INLINE_TAGS, PLAIN_ATTRIBUTE, WIDGETS } from './elements.ts';

export interface SafeHtml {
  html: string;
  problems: string[];
  /** Widgets found, in order, with their (checked) attributes. */
  widgets: { tag: string; attributes: Record<string, string> }[];
}

const TOKEN = /<!--[\s\S]*?-->|<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name: string) =>
    ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[name]!);
}

export function sanitizeHtml(source: string): SafeHtml {
  const problems: string[] = [];
  const widgets: SafeHtml['widgets'] = [];
  let html = '';
  let at = 0;
  let insideInline = 0; // text is fine inside <summary>, <kbd>…, not loose in a block of HTML
  const text = (chunk: string) => {
    if (chunk.trim() !== '' && insideInline === 0) problems.push(`text inside raw HTML is not rendered: "${chunk.trim().slice(0, 60)}"`);
    html += escapeHtml(chunk);
  };
  for (const m of source.matchAll(TOKEN)) {
    text(source.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue; // an author's comment
    const closing = m[1]?.toLowerCase();
    const name = (closing ?? m[2]!).toLowerCase();
    const widget = WIDGETS[name];
    const inline = INLINE_TAGS[name];
    if (!widget && !inline) {
      problems.push(`<${name}> is not allowed here: write Markdown, a widget, or one of ${Object.keys(INLINE_TAGS).map((t) => `<${t}>`).join(' ')} (lessons/README.md)`);
      html += escapeHtml(m[0]);
      continue;
    }
    if (closing) {
      if (inline && name !== 'details') insideInline = Math.max(0, insideInline - 1);
      html += `</${name}>`;
      continue;
    }
    if (inline && name !== 'details' && name !== 'br') insideInline++;
    const attributes: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(ATTRIBUTE)) {
      const attr = a[1]!.toLowerCase();
      const value = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
      const allowed = widget ? widget.attributes : Object.fromEntries(inline!.map((n) => [n, /^$/]));
      if (FORBIDDEN_ATTRIBUTE.test(attr) || !PLAIN_ATTRIBUTE.test(attr)) {
        problems.push(`<${name} ${attr}>: this attribute is never allowed`);
      } else if (!(attr in allowed)) {
        problems.push(`<${name}> has no attribute "${attr}" (it takes: ${Object.keys(allowed).join(', ') || 'none'})`);
      } else if (!allowed[attr]!.test(value)) {
        problems.push(`<${name} ${attr}="${value}">: not a valid value`);
      } else if (attr in attributes) {
        problems.push(`<${name}> has "${attr}" twice`);
      } else {
        attributes[attr] = value;
      }
    }
    const attrs = Object.entries(attributes).map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${escapeHtml(v)}"`)).join('');
    if (widget) widgets.push({ tag: name, attributes });
    // A custom element is never void: `<lane-run />` would swallow what follows it.
    html += m[4] === '/' && widget ? `<${name}${attrs}></${name}>` : `<${name}${attrs}>`;
  }
  text(source.slice(at));
  return { html, problems, widgets };
}
