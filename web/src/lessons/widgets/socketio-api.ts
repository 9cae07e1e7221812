/**
 * <socketio-api id="sio" rate="5"></socketio-api>
 *
 * The Socket.IO client API of the source notes, called on the real
 * socket.io-client against the lab's `socketio` lane (namespace /feed) and
 * its lesson namespace (/lesson, src/transports/socketio-lesson.ts), both
 * over one engine.io connection. Every call, every event and every packet on
 * the wire is logged (the transports are tapped: socketio-tap.ts), so the
 * handshake (`0{"sid":…}`, `40/feed,`), the upgrade (`2probe`, `3probe`, `5`)
 * and each event packet (`42/feed,["message",…]`) show as they crossed.
 *
 * The run button goes through a script: io('/feed') and `connect`;
 * `on('message')` until it has run at least twice (one polling answer may carry more); `off('message')` while two more
 * messages cross the wire; `once('message')` while three more cross;
 * `removeAllListeners('message')`; the /lesson namespace, `emit('echo', …)`
 * with an acknowledgement; then `disconnect()`. The buttons below it make the
 * same calls one at a time, on a connection that stays open (wait 25 s for
 * engine.io's ping `2` and pong `3`).
 *
 * Attributes: `rate` (feed messages/s during a scripted run, restored afterwards).
 * Measures: connectMs, upgraded (1 or 0), upgradeMs, pingIntervalMs, openPacketBytes,
 * framingBytesPerMessage (a /feed `message` packet's bytes beyond the message JSON),
 * onCalls, offCalls (listener calls after off: expect 0), onceCalls, messagesDuringOnce,
 * listenersAfterRemoveAll, echoMs, ackReached.
 */
import { io, type Socket } from 'socket.io-client';
import { feedUrl } from '../../transports/transport.ts';
import { withFeed } from '../lab-api.ts';
import type { Measurement } from '../measurable.ts';
import { formatNumber } from '../i18n.ts';
import { controls, MeasuredWidget, showFigures } from './measured-widget.ts';
import { addProbeStyles, setColumnHeads } from './probe-style.ts';
import { SocketioLog } from './socketio-log.ts';
import { utf8Length } from './socketio-packets.ts';
import { tappedTransports } from './socketio-tap.ts';
import { Waiter } from './waiter.ts';
import { messageGroup, t } from '../../i18n/index.ts';

const STEP_TIMEOUT_MS = 8_000;
/** Messages to let cross the wire after `off` and after `once`. */
const AFTER_OFF = 2;
const AFTER_ONCE = 3;

/** The widget's words, from the message catalogue (its `socketioApi.*` keys). */
const WORDS = messageGroup('socketioApi');

type FeedMessage = { seq: number; ts: number; data: unknown };

/** One engine.io connection with its two namespaces, logged. */
class Session {
  readonly feed: Socket;
  lesson: Socket | undefined;
  readonly startedAt = performance.now();
  connectedAt = 0;
  upgradedAt = 0;
  upgradeFailed = false;
  /** `message` packets on /feed read from the wire. */
  wireMessages = 0;
  welcomed = 0;
  private disposed = false;

  constructor(private readonly log: SocketioLog, private readonly words: Record<string, string>, private readonly wake: () => void) {
    const w = words;
    log.line('call', `io('/feed')`);
    this.feed = io(feedUrl('/feed', {}), {
      forceNew: true,
      reconnection: false,
      transports: tappedTransports((dir, transport, text) => {
        if (this.disposed) return;
        log.wire(dir, transport, text);
        if (dir === 'in' && text.includes('/feed,["message",')) this.wireMessages += text.split('/feed,["message",').length - 1;
        wake();
      }),
    });
    this.feed.on('connect', () => {
      this.connectedAt = performance.now();
      log.line('event', `connect`, w.connected!.replace('{id}', this.feed.id ?? ''));
      wake();
    });
    this.feed.on('connect_error', (err: Error) => {
      log.line('error', 'connect_error', w.connectError!.replace('{error}', err.message));
      wake();
    });
    this.feed.on('disconnect', (reason) => {
      log.line('event', `disconnect`, w.disconnected!.replace('{reason}', reason));
      wake();
    });
    this.feed.io.on('open', () => {
      const engine = this.feed.io.engine;
      engine.on('upgrade', () => {
        this.upgradedAt = performance.now();
        log.line('event', `upgrade`, w.upgraded!);
        wake();
      });
      engine.on('upgradeError', (err: Error) => {
        this.upgradeFailed = true;
        log.line('error', 'upgradeError', w.upgradeError!.replace('{error}', err.message));
        wake();
      });
    });
  }

  /** The /lesson namespace on the same connection (Manager.socket: multiplexing). */
  openLesson(): Socket {
    if (this.lesson) return this.lesson;
    const w = this.words;
    this.log.line('call', `socket.io.socket('/lesson')`);
    const lesson = (this.lesson = this.feed.io.socket('/lesson'));
    lesson.on('connect', () => { this.log.line('event', `connect (/lesson)`, w.connected!.replace('{id}', lesson.id ?? '')); this.wake(); });
    lesson.on('welcome', (m: { clients: number }) => { this.welcomed++; this.log.line('event', `welcome`, w.welcome!.replace('{n}', String(m.clients))); this.wake(); });
    lesson.on('disconnect', (reason) => { this.log.line('event', `disconnect (/lesson)`, w.disconnected!.replace('{reason}', reason)); this.wake(); });
    lesson.on('lesson-error', (e: { error: string; message: string }) => { this.log.line('error', 'lesson-error', `${e.error}: ${e.message}`); this.wake(); });
    // No connect() here: a Manager created by io() opens every socket it makes (autoConnect).
    return lesson;
  }

  dispose(): void {
    this.feed.disconnect();
    this.lesson?.disconnect();
    this.disposed = true;
  }
}

export class SocketioApiElement extends MeasuredWidget {
  protected readonly dictionary = WORDS;
  private log!: SocketioLog;
  private table!: HTMLTableElement;
  private figures!: HTMLElement;
  private session: Session | undefined;
  private waiter = new Waiter(STEP_TIMEOUT_MS, '');
  private onCalls = 0;
  private onceCalls = 0;

  protected build(): void {
    addProbeStyles();
    const w = this.words;
    this.frame('socketio-api', 'var(--lane-socketio)', `
      <p class="widget-head"><span class="swatch" aria-hidden="true"></span><strong>socket.io-client</strong> <code>/socket.io/</code> <code>/feed</code> <code>/lesson</code> <span class="widget-settings"></span></p>
      ${controls()}
      <p class="widget-controls sio-calls"><span class="probe-note"></span>
        <button type="button" data-call="io"><code>io('/feed')</code></button>
        <button type="button" data-call="on"><code>on('message', show)</code></button>
        <button type="button" data-call="off"><code>off('message', show)</code></button>
        <button type="button" data-call="once"><code>once('message', …)</code></button>
        <button type="button" data-call="removeAll"><code>removeAllListeners()</code></button>
        <button type="button" data-call="emit"><code>emit('echo', …, ack)</code></button>
        <button type="button" data-call="disconnect"><code>disconnect()</code></button>
        <button type="button" data-call="connect"><code>connect()</code></button>
      </p>
      <dl class="exchange-figures" data-field="figures"></dl>
      <table class="probe-table life-log sio-log"><thead><tr></tr></thead><tbody></tbody></table>`);
    this.button.textContent = w.run!;
    this.waiter = new Waiter(STEP_TIMEOUT_MS, w.timeout!);
    this.querySelector('.sio-calls .probe-note')!.textContent = w.manual!;
    const rate = this.getAttribute('rate');
    this.querySelector('.widget-settings')!.textContent = rate ? `${rate} msg/s` : '';
    this.table = this.querySelector('table')!;
    setColumnHeads(this.table, [w.time!, w.kind!, w.what!, w.detail!]);
    this.log = new SocketioLog(this.table.tBodies[0]!, { repeated: w.repeated! });
    this.figures = this.querySelector('[data-field="figures"]')!;
    for (const b of this.querySelectorAll<HTMLButtonElement>('button[data-call]')) {
      b.addEventListener('click', () => this.call(b.dataset.call!));
    }
  }

  disconnectedCallback(): void {
    this.session?.dispose();
    this.session = undefined;
  }

  protected override schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    const rate = this.hasAttribute('rate') ? Number(this.getAttribute('rate')) : undefined;
    return super.schedule(() => withFeed(rate, task));
  }

  private readonly show = (m: FeedMessage) => {
    this.onCalls++;
    this.log.line('event', `show(message)`, this.words.listener!.replace('{seq}', String(m.seq)));
    this.waiter.wake();
  };

  private readonly first = (m: FeedMessage) => {
    this.onceCalls++;
    this.log.line('event', `once → (message)`, this.words.onceListener!.replace('{seq}', String(m.seq)));
    this.waiter.wake();
  };

  /** One button: the same calls the script makes, on the open session. */
  private call(what: string): void {
    const w = this.words;
    if (what === 'io') {
      this.session?.dispose();
      this.log.clear();
      this.session = new Session(this.log, w, this.waiter.wake);
      return;
    }
    const s = this.session;
    if (!s) return this.log.line('error', what, w.notConnected!);
    const feed = s.feed;
    if (what === 'on') { this.log.line('call', `socket.on('message', show)`); feed.on('message', this.show); }
    if (what === 'off') { this.log.line('call', `socket.off('message', show)`); feed.off('message', this.show); }
    if (what === 'once') { this.log.line('call', `socket.once('message', …)`); feed.once('message', this.first); }
    if (what === 'removeAll') {
      this.log.line('call', `socket.removeAllListeners('message')`);
      feed.removeAllListeners('message');
      this.log.line('event', '', w.listeners!.replace('{n}', String(feed.listeners('message').length)));
    }
    if (what === 'emit') void this.echo(s).catch((err: Error) => this.log.line('error', `emit('echo')`, err.message));
    if (what === 'disconnect') { this.log.line('call', `socket.disconnect()`); feed.disconnect(); s.lesson?.disconnect(); }
    if (what === 'connect') { this.log.line('call', `socket.connect()`); feed.connect(); }
  }

  private async echo(s: Session): Promise<{ ms: number; reached: number }> {
    const w = this.words;
    const lesson = s.openLesson();
    const text = `안녕하세요 ${Math.random().toString(36).slice(2, 6)}`;
    let echoedAt = 0;
    const onEcho = (back: string) => {
      if (back !== text) return;
      echoedAt = performance.now();
      this.log.line('event', `echo`, w.echo!.replace('{text}', back));
      lesson.off('echo', onEcho);
      this.waiter.wake();
    };
    lesson.on('echo', onEcho);
    this.log.line('call', `lesson.emit('echo', '${text}', ack)`);
    const sentAt = performance.now();
    const answer = (await lesson.timeout(STEP_TIMEOUT_MS).emitWithAck('echo', text)) as { reached?: number; error?: string };
    this.log.line('event', `ack`, w.ack!.replace('{answer}', JSON.stringify(answer)));
    await this.waiter.until('echo', () => echoedAt > 0);
    return { ms: echoedAt - sentAt, reached: answer.reached ?? 0 };
  }

  protected async experiment(): Promise<Measurement> {
    const w = this.words;
    this.showStatus(w.running!);
    this.figures.replaceChildren();
    this.session?.dispose();
    this.log.clear();
    this.waiter = new Waiter(STEP_TIMEOUT_MS, w.timeout!);
    this.onCalls = 0;
    this.onceCalls = 0;
    const s = (this.session = new Session(this.log, w, this.waiter.wake));
    const until = (what: string, test: () => boolean) => this.waiter.until(what, test);
    try {
      const feed = s.feed;
      await until('connect', () => s.connectedAt > 0);

      this.call('on');
      await until(t('wait.twoMessages'), () => this.onCalls >= 2);
      this.call('off');
      const offAt = this.onCalls;
      const wireAtOff = s.wireMessages;
      await until(t('wait.afterOff'), () => s.wireMessages >= wireAtOff + AFTER_OFF);
      const offCalls = this.onCalls - offAt;

      this.call('once');
      const wireAtOnce = s.wireMessages;
      await until(t('wait.afterOnce'), () => s.wireMessages >= wireAtOnce + AFTER_ONCE);
      const messagesDuringOnce = s.wireMessages - wireAtOnce;

      feed.on('message', this.show);
      this.log.line('call', `socket.on('message', show)`);
      this.call('removeAll');
      const listenersAfterRemoveAll = feed.listeners('message').length;

      // The upgrade runs in the background from the first moments; wait for its outcome if it has none yet.
      await until(t('wait.upgrade'), () => s.upgradedAt > 0 || s.upgradeFailed);

      const echo = await this.echo(s);

      this.call('disconnect');
      await until('disconnect', () => feed.disconnected && (s.lesson?.disconnected ?? true));

      const open = this.log.packets.find((p) => p.engine === 'open');
      const message = this.log.packets.find((p) => p.event === 'message' && p.namespace === '/feed');
      const messageJson = message ? JSON.stringify((JSON.parse(message.data) as [string, unknown])[1]) : '';
      const measurement: Measurement = {
        connectMs: Math.round(s.connectedAt - s.startedAt),
        upgraded: s.upgradedAt > 0 ? 1 : 0,
        upgradeMs: s.upgradedAt > 0 ? Math.round(s.upgradedAt - s.startedAt) : 0,
        pingIntervalMs: open ? (JSON.parse(open.data) as { pingInterval: number }).pingInterval : 0,
        openPacketBytes: open ? utf8Length(open.text) : 0,
        framingBytesPerMessage: message ? utf8Length(message.text) - utf8Length(messageJson) : 0,
        onCalls: offAt,
        offCalls,
        onceCalls: this.onceCalls,
        messagesDuringOnce,
        listenersAfterRemoveAll,
        echoMs: Math.round(echo.ms),
        ackReached: echo.reached,
      };
      this.renderFigures(measurement);
      return measurement;
    } finally {
      s.dispose();
      if (this.session === s) this.session = undefined;
    }
  }

  private renderFigures(m: Measurement): void {
    const w = this.words;
    const ms = (v: number | undefined) => `${formatNumber(v ?? 0, 0)} ms`;
    const b = (v: number | undefined) => `${formatNumber(v ?? 0, 0)} B`;
    showFigures(this.figures, m, [
      ['connectMs', w.connectMs!, ms(m.connectMs)],
      ['upgradeMs', w.upgradeMs!, m.upgraded ? ms(m.upgradeMs) : w.none!],
      ['pingIntervalMs', w.pingIntervalMs!, ms(m.pingIntervalMs)],
      ['openPacketBytes', w.openPacketBytes!, b(m.openPacketBytes)],
      ['framingBytesPerMessage', w.framingBytesPerMessage!, b(m.framingBytesPerMessage)],
      ['onCalls', w.onCalls!, String(m.onCalls)],
      ['offCalls', w.offCalls!, String(m.offCalls)],
      ['onceCalls', w.onceCalls!, `${m.onceCalls} / ${m.messagesDuringOnce}`],
      ['echoMs', w.echoMs!, ms(m.echoMs)],
      ['ackReached', w.ackReached!, String(m.ackReached)],
    ]);
  }
}

if (!customElements.get('socketio-api')) customElements.define('socketio-api', SocketioApiElement);
