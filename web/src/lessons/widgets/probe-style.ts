/**
 * Styles for the WebSocket lesson widgets (ws-frame-probe, ws-lifecycle,
 * chat-delivery) and lesson 1's socket-calls, added to the page once. They build on the lesson page's
 * custom properties and on its shared widget classes (web/src/lessons/lessons.css:
 * .lesson-widget, .widget-controls, .run-figures); only what those lack is here.
 */
const CSS = `
.probe-table { width: 100%; border-collapse: collapse; font-size: 0.9rem; margin: 6px 0; }
.lesson-body .probe-table th, .lesson-body .probe-table td { border: 0; border-bottom: 1px solid var(--grid); padding: 2px 6px; background: none; text-align: left; vertical-align: top; }
.probe-table thead th { font-size: 0.8rem; color: var(--muted); font-weight: 600; }
.probe-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.probe-table .hex { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.probe-table tr[data-ok="false"] td { color: var(--bad); }
.probe-note { color: var(--muted); font-size: 0.9rem; }
.probe-note[data-warn] { color: var(--warn); }
.probe-details summary { cursor: pointer; color: var(--muted); font-size: 0.9rem; }
.life-log td:first-child, .life-log td:nth-child(2), .life-log td:nth-child(3) { white-space: nowrap; }
.life-log td:nth-child(4) { overflow-wrap: anywhere; }
.life-log tr[data-kind="call"] td:nth-child(2) { font-weight: 600; }
.life-log tr[data-kind="close"] td, .life-log tr[data-kind="error"] td { color: var(--bad); }
.socket-log td.c code { font-weight: 600; white-space: nowrap; }
.socket-log td.c code.node { font-weight: 400; font-size: 0.78rem; color: var(--muted); white-space: normal; overflow-wrap: anywhere; }
.socket-figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(14em, 1fr)); gap: 4px 16px; margin: 6px 0; }
.socket-figures div { display: flex; justify-content: space-between; gap: 8px; border-bottom: 1px solid var(--grid); }
.socket-figures dt { color: var(--muted); }
.socket-figures dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.socket-log tr[data-side="server"] td.side { color: var(--lane-sse, var(--muted)); }
.socket-log tr[data-side="client"] td.side { color: var(--lane-ws, var(--muted)); }
.delivery-people { display: grid; grid-template-columns: repeat(auto-fit, minmax(11em, 1fr)); gap: 8px; margin: 6px 0; }
.delivery-person { border: 1px solid var(--grid); border-radius: 6px; padding: 4px 8px; background: var(--bg); min-width: 0; }
.delivery-person h4 { margin: 0 0 2px; font-size: 1rem; }
.delivery-person ol { list-style: none; margin: 0; padding: 0; font-size: 0.85rem; }
.delivery-person li { overflow-wrap: anywhere; padding: 1px 0; border-bottom: 1px dotted var(--grid); }
.delivery-person li[data-kind="presence"] { color: var(--muted); font-style: italic; }
.delivery-person .mode { display: inline-block; min-width: 3.6em; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8rem; color: var(--muted); }
.delivery-grid td.got { color: var(--ok); font-weight: 700; text-align: center; }
.delivery-grid td.missed { color: var(--muted); text-align: center; }
@media print {
  .delivery-person { break-inside: avoid; }
  .probe-details { display: none; }
}
`;

let added = false;

export function addProbeStyles(): void {
  if (added) return;
  added = true;
  const style = document.createElement('style');
  style.dataset.from = 'lesson-probe-widgets';
  style.textContent = CSS;
  document.head.append(style);
}

/** A probe table's column headings, in its one head row. */
export function setColumnHeads(table: HTMLTableElement, labels: readonly string[]): void {
  table.tHead!.rows[0]!.replaceChildren(...labels.map((label) => Object.assign(document.createElement('th'), { scope: 'col', textContent: label })));
}
