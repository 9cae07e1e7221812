/**
 * engine.io-client's own transports, subclassed so that a lesson can show
 * every packet exactly as the library wrote or read it: the text of each
 * polling request body and response body, and of each WebSocket frame
 * (the probe frames of the upgrade included, which the client's events skip).
 *
 * Passed to the real client as `transports: tappedTransports(tap)`, which
 * socket.io-client (engine.io-client 6.6) accepts as transport classes; the
 * client keeps choosing, probing and upgrading exactly as it would.
 */
import { WebSocket as EngineWebSocket, XHR } from 'engine.io-client';

export type WireTransport = 'polling' | 'websocket';
/** `out`: the page wrote it; `in`: the page read it. `text` is the whole body or frame. */
export type Tap = (dir: 'in' | 'out', transport: WireTransport, text: string) => void;

export function tappedTransports(tap: Tap) {
  class TappedPolling extends XHR {
    override onData(data: string): void {
      tap('in', 'polling', String(data));
      super.onData(data);
    }

    override doWrite(data: string, fn: () => void): void {
      tap('out', 'polling', data);
      super.doWrite(data, fn);
    }
  }
  class TappedWebSocket extends EngineWebSocket {
    protected override onData(data: unknown): void {
      tap('in', 'websocket', String(data));
      super.onData(data);
    }

    override doWrite(...[packet, data]: Parameters<EngineWebSocket['doWrite']>): void {
      tap('out', 'websocket', String(data));
      super.doWrite(packet, data);
    }
  }
  return [TappedPolling, TappedWebSocket];
}
