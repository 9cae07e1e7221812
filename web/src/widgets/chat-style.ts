/**
 * The chat and STOMP widgets' styles, added to the page once. They build on
 * the dashboard's custom properties (web/src/style.css: --fg, --card, ...)
 * and fall back to plain values on a page without it.
 */
const CSS = `
.chat-client [hidden], .stomp-frames [hidden] { display: none !important; }
.chat-client, .stomp-frames {
  display: flex; flex-direction: column; gap: 8px; min-width: 0;
  background: var(--card, #f5f6f8); border: 1px solid var(--border, #cdd2d9);
  border-radius: var(--radius, 8px); padding: 10px 12px;
}
.chat-client h2 { font-size: 1.15rem; display: flex; align-items: baseline; gap: 8px; margin: 0; }
.chat-client .chat-state { font-size: 0.85rem; font-weight: 400; color: var(--muted, #4f5660); }
.chat-client[data-state="joined"] .chat-state::before { content: "● "; color: var(--ok, #17753a); }
.chat-client[data-state="closed"] .chat-state::before { content: "● "; color: var(--bad, #c0262d); }
.chat-client form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
.chat-client input[type="text"] { flex: 1 1 8em; min-width: 6em; padding: 4px 6px; border: 1px solid var(--border, #cdd2d9); border-radius: 6px; background: var(--bg, #fff); }
.chat-client select[name="mode"] { flex: 1 1 100%; min-width: 0; max-width: 100%; }
.chat-client select { font: inherit; padding: 3px; border-radius: 6px; border: 1px solid var(--border, #cdd2d9); background: var(--bg, #fff); color: inherit; }
.chat-client .chat-presence { margin: 0; font-size: 0.9rem; }
.chat-client .chat-members { display: inline; list-style: none; margin: 0; padding: 0; }
.chat-client .chat-members li { display: inline-block; margin: 0 6px 2px 0; padding: 0 8px; border-radius: 999px; border: 1px solid var(--border, #cdd2d9); }
.chat-client .chat-members li[data-self="true"] { font-weight: 700; border-color: var(--accent, #0b57d0); }
.chat-client .chat-rooms { font-size: 0.9rem; color: var(--muted, #4f5660); margin: 0; }
.chat-client .chat-log {
  list-style: none; margin: 0; padding: 6px; height: 16em; overflow-y: auto;
  background: var(--bg, #fff); border: 1px solid var(--grid, #e2e5ea); border-radius: 6px;
}
.chat-client .chat-line { padding: 2px 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.chat-client .chat-line .who { font-weight: 700; margin-right: 4px; }
.chat-client .chat-line .mode { font-size: 0.78rem; border-radius: 4px; padding: 0 4px; margin-right: 4px; border: 1px solid var(--border, #cdd2d9); color: var(--muted, #4f5660); }
.chat-client .chat-line[data-mode="all"] .mode { border-color: var(--lane-ws, #0072b2); }
.chat-client .chat-line[data-mode="self"] .mode { border-color: var(--lane-longpoll, #b77d00); }
.chat-client .chat-line[data-mode="others"] .mode { border-color: var(--lane-stream, #b8428c); }
.chat-client .chat-line[data-mode="room"] .mode { border-color: var(--lane-sse, #00875f); }
.chat-client .chat-line[data-kind="presence"], .chat-client .chat-line[data-kind="system"] { color: var(--muted, #4f5660); font-style: italic; }
.chat-client .chat-line[data-kind="error"] { color: var(--bad, #c0262d); }
/* The server's own words beside a refusal: data, smaller and muted (refusal.ts). */
.chat-client .chat-line code.raw, .stomp-frames .stomp-status code.raw { font-size: 0.78rem; color: var(--muted, #4f5660); font-style: normal; overflow-wrap: anywhere; }
.chat-trio .chat-people { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: var(--gap, 12px); }
.chat-trio .chat-legend { margin: 0 0 var(--gap, 12px); border-collapse: collapse; font-size: 0.92rem; }
.chat-trio .chat-legend caption { text-align: left; font-weight: 600; padding-bottom: 2px; }
.chat-trio .chat-legend th, .chat-trio .chat-legend td { text-align: left; padding: 2px 10px 2px 0; }
.chat-trio .chat-cost, .stomp-frames .stomp-cost { color: var(--muted, #4f5660); margin: 0 0 var(--gap, 12px); }
.stomp-frames form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
.stomp-frames input[type="text"] { padding: 4px 6px; border: 1px solid var(--border, #cdd2d9); border-radius: 6px; background: var(--bg, #fff); color: inherit; }
.stomp-frames .stomp-log { width: 100%; border-collapse: collapse; font-size: 0.88rem; }
.stomp-frames .stomp-log th, .stomp-frames .stomp-log td { text-align: left; vertical-align: top; padding: 4px 6px; border-top: 1px solid var(--grid, #e2e5ea); }
.stomp-frames .stomp-log pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.stomp-frames .stomp-log .eol { color: var(--accent, #0b57d0); font-weight: 700; }
.stomp-frames .stomp-log .nul { color: var(--accent, #0b57d0); font-weight: 700; font-size: 0.75em; border: 1px solid currentColor; border-radius: 3px; padding: 0 2px; }
.stomp-frames .stomp-log caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
/* Korean breaks between any two syllables: keep a word whole, so a narrow column reads "브라우저 → 랩", not a letter a line. */
.stomp-frames .stomp-log td.dir, .stomp-frames .stomp-log .unknown { word-break: keep-all; }
.stomp-frames .stomp-log tr[data-dir="out"] td.dir { color: var(--lane-longpoll, #b77d00); }
.stomp-frames .stomp-log tr[data-dir="in"] td.dir { color: var(--lane-ws, #0072b2); }
.stomp-frames .stomp-log .hex { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
.stomp-frames .stomp-log .unknown { color: var(--muted, #4f5660); }
.stomp-frames .stomp-scroll { max-height: 32em; overflow-y: auto; }
/* The column heads stay in view while the log scrolls (the caption scrolls away with the first frames). */
.stomp-frames .stomp-log thead th { position: sticky; top: 0; background: var(--card, #fff); z-index: 1; }
.stomp-frames .stomp-status[data-state="connected"]::before { content: "● "; color: var(--ok, #17753a); }
.stomp-frames .stomp-status[data-state="closed"]::before { content: "● "; color: var(--bad, #c0262d); }
`;

let added = false;

export function addWidgetStyles(doc: Document = document): void {
  if (added) return;
  added = true;
  const style = doc.createElement('style');
  style.dataset.widgets = 'chat-stomp';
  style.textContent = CSS;
  doc.head.append(style);
}
