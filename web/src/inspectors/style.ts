/**
 * The inspectors' styles, added to the page once. They build on the
 * dashboard's custom properties (web/src/style.css: --fg, --card, --lane-*)
 * and fall back to plain values on a page without it, so a lesson can embed
 * one widget alone. Large type and strong contrast: these get projected.
 */
const CSS = `
.inspector [hidden] { display: none !important; }
.inspector {
  display: block; margin: 0 0 var(--gap, 12px); padding: 12px 14px; min-width: 0;
  background: var(--card, #f5f6f8); color: var(--fg, #14161a);
  border: 1px solid var(--border, #cdd2d9); border-radius: var(--radius, 8px);
  font-size: 1rem; line-height: 1.4;
}
.inspector h2 { font-size: 1.3rem; margin: 0; }
.inspector h3 { font-size: 1.08rem; margin: 14px 0 6px; }
.inspector .mono, .inspector code, .inspector pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.inspector pre { margin: 4px 0; padding: 8px 10px; background: var(--bg, #fff); border: 1px solid var(--grid, #e2e5ea); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.95rem; }
.inspector .insp-head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; }
.inspector .insp-status { color: var(--muted, #4f5660); overflow-wrap: anywhere; }
.inspector[data-state="captured"] .insp-status, .inspector[data-state="open"] .insp-status,
.inspector[data-state="connected"] .insp-status, .inspector[data-state="answered"] .insp-status { color: var(--ok, #17753a); font-weight: 600; }
.inspector[data-state="failed"] .insp-status, .inspector[data-state="error"] .insp-status,
.inspector[data-state="gave-up"] .insp-status { color: var(--bad, #c0262d); font-weight: 600; }
.inspector .insp-detail { color: var(--muted, #4f5660); margin: 6px 0 10px; max-width: 70em; }
.inspector .insp-hint { color: var(--muted, #4f5660); }
.inspector p.insp-hint { margin: 4px 0; }
.inspector .insp-ok { color: var(--ok, #17753a); margin: 4px 0; }
.inspector .insp-warn { color: var(--warn, #a55300); margin: 4px 0; }
.inspector .insp-error { color: var(--bad, #c0262d); font-weight: 600; margin: 4px 0; }
.inspector .insp-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 6px 0; }
.inspector .insp-field { display: inline-flex; align-items: center; gap: 6px; max-width: 100%; min-width: 0; }
.inspector .insp-field.wide { display: flex; align-items: flex-start; width: 100%; }
.inspector .insp-field > span:first-child { color: var(--muted, #4f5660); }
.inspector .insp-toggle { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
.inspector .insp-toggle input { width: 20px; height: 20px; }
.inspector button { font: inherit; color: inherit; background: var(--bg, #fff); border: 1px solid var(--border, #cdd2d9); border-radius: 6px; padding: 4px 12px; min-height: 34px; cursor: pointer; }
.inspector button:hover { border-color: var(--fg, #14161a); }
.inspector button.primary { background: var(--accent, #0b57d0); border-color: var(--accent, #0b57d0); color: var(--bg, #fff); font-weight: 600; }
.inspector button[aria-pressed="true"] { background: var(--fg, #14161a); color: var(--bg, #fff); }
.inspector input[type="text"], .inspector input[type="number"], .inspector textarea {
  font: inherit; color: inherit; background: var(--bg, #fff); border: 1px solid var(--border, #cdd2d9); border-radius: 6px; padding: 4px 6px; min-height: 34px;
}
.inspector input[type="number"] { width: 6.5em; }
.inspector input[type="text"] { max-width: 100%; min-width: 0; }
.inspector textarea { flex: 1; min-width: 0; width: 100%; }
.inspector [aria-invalid="true"] { border-color: var(--bad, #c0262d); outline: 2px solid var(--bad, #c0262d); }
.inspector :focus-visible { outline: 3px solid var(--focus, #0b57d0); outline-offset: 2px; }
.inspector table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
.inspector th, .inspector td { text-align: left; vertical-align: top; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--grid, #e2e5ea); }
.inspector thead th { color: var(--muted, #4f5660); font-weight: 600; border-bottom: 1px solid var(--border, #cdd2d9); }
.inspector caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
.inspector td.num { text-align: right; font-variant-numeric: tabular-nums; padding-right: 12px; }
.inspector .crlf { color: var(--muted, #4f5660); margin-left: 4px; font-size: 0.85em; }

/* Handshake inspector */
.handshake-inspector .hs-table .hs-line { overflow-wrap: anywhere; width: 42%; font-size: 0.95rem; }
.handshake-inspector .hs-table .hs-note { color: var(--muted, #4f5660); font-size: 0.92rem; }
.handshake-inspector .hs-table tr[data-header="sec-websocket-key"] .hs-line,
.handshake-inspector .hs-table tr[data-header="sec-websocket-accept"] .hs-line { font-weight: 700; color: var(--accent, #0b57d0); }
.handshake-inspector .hs-table .hs-status-line { font-weight: 700; }
.handshake-inspector .hs-steps { margin: 6px 0; padding-left: 1.6em; display: grid; gap: 4px; }
.handshake-inspector .hs-step-label { display: inline-block; min-width: 10.5em; color: var(--muted, #4f5660); }
.handshake-inspector .hs-value { overflow-wrap: anywhere; font-weight: 600; }
.handshake-inspector .hs-compare { font-size: 1.05rem; }
.handshake-inspector .hs-compare[data-match="true"] { color: var(--ok, #17753a); font-weight: 600; }
.handshake-inspector .hs-compare[data-match="false"] { color: var(--bad, #c0262d); font-weight: 600; }

/* Handshake playground */
.handshake-playground .pg-request { font-size: 1rem; min-height: 11em; }
.handshake-playground .pg-status { font-size: 1.1rem; margin: 8px 0 4px; }
.handshake-playground .pg-status[data-status="101"] strong { color: var(--ok, #17753a); }
.handshake-playground .pg-status:not([data-status="101"]) strong { color: var(--bad, #c0262d); }
.handshake-playground .hex { font-weight: 700; overflow-wrap: anywhere; }
.handshake-playground .hex.payload { font-weight: 400; }

/* Frame inspector */
.frame-inspector .fi-controls { display: grid; gap: 4px; padding: 8px 0; border-bottom: 1px solid var(--border, #cdd2d9); }
.frame-inspector .fi-frames { margin: 0; padding-left: 0; list-style: none; display: grid; gap: 10px; max-height: 44em; overflow-y: auto; }
.frame-inspector .fi-frame { background: var(--bg, #fff); border: 1px solid var(--grid, #e2e5ea); border-left: 6px solid var(--lane-ws, #0072b2); border-radius: 6px; padding: 6px 10px; }
.frame-inspector .fi-frame[data-dir="in"] { border-left-color: var(--lane-longpoll, #b77d00); }
.frame-inspector .fi-frame p { margin: 3px 0; overflow-wrap: anywhere; }
.frame-inspector .fi-title { font-size: 1.02rem; }
.frame-inspector .fi-label { color: var(--muted, #4f5660); }
.frame-inspector .fi-start { font-size: 1.08rem; font-weight: 700; }
.frame-inspector .hex { overflow-wrap: anywhere; }
.frame-inspector .fi-bytes { width: auto; margin: 4px 0; }
.frame-inspector .fi-bytes caption { font-weight: 400; color: var(--muted, #4f5660); font-size: 0.9rem; }
.frame-inspector .fi-bytes .hex { font-weight: 700; }
.frame-inspector .fi-bytes .bits { white-space: pre; color: var(--muted, #4f5660); }
.frame-inspector .fi-bytes .part-extended-length .hex { color: var(--warn, #a55300); }
.frame-inspector .fi-bytes .part-masking-key .hex { color: var(--accent, #0b57d0); }

/* Request timeline */
.request-timeline { --conn-0: #0072b2; --conn-1: #d55e00; --conn-2: #009e73; --conn-3: #cc79a7; --conn-4: #b77d00; --conn-5: #56b4e9; }
:root[data-theme="dark"] .request-timeline { --conn-0: #6cc4f5; --conn-1: #ff8a4c; --conn-2: #3ddba6; --conn-3: #ef9fd0; --conn-4: #f5c04a; --conn-5: #a9dcff; }
.request-timeline .tl-lane { border-top: 4px solid var(--lane, #555); margin-top: 10px; padding-top: 4px; }
.request-timeline .tl-lane h3 { margin-top: 4px; }
.tl-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; background: var(--lane, #555); margin-right: 6px; }
.request-timeline .tl-summary { margin: 0; font-weight: 600; }
.request-timeline .tl-chart { display: grid; gap: 2px; min-height: 2em; }
.request-timeline .tl-row { display: grid; grid-template-columns: 9.5rem 1fr; align-items: center; gap: 6px; height: 1.35em; }
.request-timeline .tl-label { font-size: 0.85rem; white-space: nowrap; overflow: hidden; }
.request-timeline .tl-conn { display: inline-block; min-width: 2.6em; padding: 0 4px; border-radius: 4px; background: var(--c); color: var(--bg, #fff); font-weight: 700; text-align: center; }
.request-timeline .tl-track { position: relative; height: 100%; background: var(--bg, #fff); border-radius: 3px; }
.request-timeline .tl-wait, .request-timeline .tl-recv { position: absolute; top: 15%; height: 70%; min-width: 2px; border-radius: 2px; }
.request-timeline .tl-wait { background: repeating-linear-gradient(135deg, var(--c) 0 3px, transparent 3px 6px); opacity: 0.85; }
.request-timeline .tl-recv { background: var(--c); }
.request-timeline .tl-row[data-open="true"] .tl-recv { box-shadow: 3px 0 0 0 var(--fg, #14161a); }
.request-timeline .tl-axis { position: relative; height: 1.4em; margin-left: calc(9.5rem + 6px); border-top: 1px solid var(--border, #cdd2d9); font-size: 0.8rem; color: var(--muted, #4f5660); }
.request-timeline .tl-tick { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.request-timeline .tl-tick:last-child { transform: translateX(-100%); }
.request-timeline .tl-tick:first-child { transform: none; }
.request-timeline .tl-key { display: inline-block; width: 2.2em; height: 0.9em; vertical-align: -0.05em; border-radius: 2px; }
.request-timeline .tl-key-wait { background: repeating-linear-gradient(135deg, var(--conn-0) 0 3px, transparent 3px 6px); }
.request-timeline .tl-key-recv { background: var(--conn-0); }

/* Fallback chain */
.fallback-chain .fc-attempt[data-outcome="connected"] td:nth-child(3) { color: var(--ok, #17753a); font-weight: 700; }
.fallback-chain .fc-attempt[data-outcome="failed"] td:nth-child(3),
.fallback-chain .fc-attempt[data-outcome="timed out"] td:nth-child(3) { color: var(--bad, #c0262d); font-weight: 700; }
.fallback-chain .fc-attempt td:nth-child(2) { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 700; }
.fallback-chain .fc-first { font-size: 1.1rem; font-weight: 600; }
.fallback-chain .fc-library-section { overflow-x: auto; }
.fallback-chain .fc-libraries td, .fallback-chain .fc-libraries th { overflow-wrap: anywhere; }

/* Chaos panel */
.chaos-panel .cp-lanes { display: grid; gap: 6px; }
.chaos-panel .cp-lane { display: grid; grid-template-columns: 17rem 1fr; align-items: center; gap: 4px 12px; padding: 6px 0; border-bottom: 1px solid var(--grid, #e2e5ea); }
.chaos-panel .cp-lane h3 { margin: 0; font-size: 1rem; }
.chaos-panel .cp-form { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 0; }
.chaos-panel .cp-badges { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; }
.chaos-panel .cp-badges:empty { display: none; }
.chaos-panel .cp-security > .insp-row { margin: 0; }
.chaos-panel .cp-summary { margin: 0; font-weight: 600; }
.chaos-panel[data-active="true"] .cp-summary { color: var(--warn, #a55300); }
.chaos-panel .unit { color: var(--muted, #4f5660); }
.cp-badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-weight: 700; font-size: 0.9rem;
  background: var(--warn, #a55300); color: var(--bg, #fff); }

/* Origin and CORS */
.origin-cors-demo .oc-frame { width: 100%; height: 26rem; border: 2px dashed var(--border, #cdd2d9); border-radius: 6px; background: var(--bg, #fff); }
.origin-cors-demo .oc-results { table-layout: fixed; }
.origin-cors-demo .oc-results th:nth-child(1) { width: 20%; }
.origin-cors-demo .oc-results th:nth-child(2) { width: 42%; }
.origin-cors-demo .oc-results td { overflow-wrap: anywhere; }
.origin-cors-demo .oc-lab { margin: 0; padding-left: 1.1em; }
.cross-origin-probe { border: 0; margin: 0; }
.oc-result[data-outcome="opened"] td:nth-child(2) strong, .oc-result[data-outcome="readable"] td:nth-child(2) strong { color: var(--ok, #17753a); }
.oc-result[data-outcome="refused"] td:nth-child(2) strong, .oc-result[data-outcome="blocked"] td:nth-child(2) strong { color: var(--bad, #c0262d); }
.cross-origin-probe .xo-experiments { display: grid; gap: 8px; }
.cross-origin-probe .xo-experiment { display: grid; grid-template-columns: minmax(14em, 22em) 1fr; gap: 8px; align-items: start; }
.cross-origin-probe .xo-result { margin: 0; overflow-wrap: anywhere; }
.cross-origin-probe .xo-result[data-outcome="opened"] strong, .cross-origin-probe .xo-result[data-outcome="readable"] strong { color: var(--ok, #17753a); }
.cross-origin-probe .xo-result[data-outcome="refused"] strong, .cross-origin-probe .xo-result[data-outcome="blocked"] strong { color: var(--bad, #c0262d); }

/* Projector: the dashboard's convention, explanations hidden (the teacher speaks them). */
:root[data-projector="on"] .inspector .insp-detail { display: none; }

@media (max-width: 600px) {
  .cross-origin-probe .xo-experiment, .chaos-panel .cp-lane { grid-template-columns: 1fr; }
  .request-timeline .tl-row { grid-template-columns: 6.5rem 1fr; }
  .request-timeline .tl-axis { margin-left: calc(6.5rem + 6px); }
}
`;

let added = false;

export function addInspectorStyles(doc: Document = document): void {
  if (added) return;
  added = true;
  const style = doc.createElement('style');
  style.dataset.widgets = 'inspectors';
  style.textContent = CSS;
  doc.head.append(style);
}
