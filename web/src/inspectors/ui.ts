/**
 * What every inspector shares: building DOM from text (never from HTML), the
 * lab's URLs, and calls to its API that turn its `{error, message}` answers
 * into errors the widget can show as they are.
 */
import { toWebSocketUrl } from '../h2/protocol.ts';
import { authHeaders } from '../teacher.ts';
import { labErrorText } from '../i18n/problems.ts';

type Child = Node | string;

/** A new element; strings become text nodes, so server text is never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

export function button(text: string, onClick: () => void, props: Partial<HTMLButtonElement> & { dataset?: Record<string, string> } = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...props }, text);
  b.addEventListener('click', onClick);
  return b;
}

export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** A table from rows of cells; the first row is the head. */
export function table(className: string, head: string[], rows: Child[][], caption?: string): HTMLTableElement {
  const t = el('table', { className });
  if (caption) t.createCaption().textContent = caption;
  const hr = t.createTHead().insertRow();
  for (const h of head) hr.append(el('th', { scope: 'col' }, h));
  const body = t.createTBody();
  for (const cells of rows) {
    const tr = body.insertRow();
    for (const c of cells) tr.append(c instanceof HTMLTableCellElement ? c : el('td', {}, c));
  }
  return t;
}

/** The lab a widget talks to: its `base` attribute, or the page's own origin. */
export function labBase(element: Element): string {
  return element.getAttribute('base') ?? location.href;
}

/** `path` on the lab, as http(s) or as ws(s). */
export function labUrl(base: string, path: string, websocket = false): string {
  const url = new URL(path, base);
  return (websocket ? toWebSocketUrl(url) : url).href;
}

/** The lab answered with an error: its stable code and its message, shown as they are. */
export class LabCallError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'LabCallError';
  }

  /** `CODE: words`; on a Korean page the words come from the catalogue (the server speaks English). */
  override toString(): string {
    return labErrorText(this.code, this.message);
  }
}

/** GET or POST JSON on the lab; a non-2xx answer throws its `{error, message}`. */
export async function labCall<T>(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const url = labUrl(base, path);
  const response = await fetch(url, {
    method,
    cache: 'no-store',
    headers: { ...authHeaders(url), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: unknown; message?: unknown };
  if (!response.ok) {
    throw new LabCallError(String(answer.error ?? `HTTP_${response.status}`), String(answer.message ?? response.statusText), response.status);
  }
  return answer as T;
}

/** An error as one line for the page: the lab's code first when there is one. */
export function errorText(err: unknown): string {
  if (err instanceof LabCallError) return err.toString();
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string') return labErrorText(code, err.message);
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Resolves after `ms`; for pacing refreshes, never to wait for an event. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Defines a custom element once, however many scripts import it. */
export function define(name: string, constructor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, constructor);
}

/** An HTTP head as text, each line's CRLF drawn as a visible "\r\n" (control pictures lack glyphs in many fonts). */
export function headPre(head: string, className: string): HTMLPreElement {
  const pre = el('pre', { className: `mono ${className}` });
  const lines = head.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) pre.append(line, el('span', { className: 'crlf' }, '\\r\\n'), '\n');
  return pre;
}
