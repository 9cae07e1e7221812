/** Small DOM helpers: touch the page only when a value changed. */

export function setText(el: Element | null | undefined, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

/** A number the browser test reads: raw in `data-value`, formatted as text. */
export function setStat(el: HTMLElement | null | undefined, value: number | undefined, text: string): void {
  if (!el) return;
  const raw = value === undefined || !Number.isFinite(value) ? '' : String(value);
  if (el.dataset.value !== raw) el.dataset.value = raw;
  setText(el, text);
}

export function setData(el: HTMLElement | null | undefined, key: string, value: string): void {
  if (el && el.dataset[key] !== value) el.dataset[key] = value;
}

export function must<T extends Element>(root: ParentNode, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
