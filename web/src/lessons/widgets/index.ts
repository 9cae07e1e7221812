/** The lesson system's own widgets, defined on import (see src/lessons/elements.ts for their attributes). */
import './lane-run.ts';
import './http-exchange.ts';
import './cafe-buzzer.ts';
import './sse-resume.ts';
import './connection-limit.ts';
import './ws-frame-probe.ts';
import './ws-lifecycle.ts';
import './chat-delivery.ts';
import './socketio-api.ts';
import './socketio-emit.ts';
import './stomp-session.ts';
import './fallback-run.ts';
import './origin-probe.ts';
import './scale-projection.ts';
import './h2-header-probe.ts';
import './socket-calls.ts';
