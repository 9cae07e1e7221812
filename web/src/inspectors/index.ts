/**
 * Every protocol inspector, for a page that wants them all with one script:
 *
 *   <script type="module" src="./src/inspectors/index.ts"></script>
 *
 * A lesson that embeds one widget can import just its file instead; each
 * defines its element once, however many times it is imported.
 */
import './handshake-inspector.ts';
import './handshake-playground.ts';
import './frame-inspector.ts';
import './request-timeline.ts';
import './fallback-chain.ts';
import './origin-cors-demo.ts';
import './chaos-panel.ts';

export { HandshakeInspectorElement } from './handshake-inspector.ts';
export { HandshakePlaygroundElement } from './handshake-playground.ts';
export { FrameInspectorElement } from './frame-inspector.ts';
export { RequestTimelineElement } from './request-timeline.ts';
export { FallbackChainElement } from './fallback-chain.ts';
export { OriginCorsDemoElement } from './origin-cors-demo.ts';
export { ChaosPanelElement } from './chaos-panel.ts';
