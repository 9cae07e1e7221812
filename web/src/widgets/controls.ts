/**
 * The run's controls: feed rate, payload size, poll interval, long-poll wait,
 * start/pause, reset, burst, and each lane on or off. A change applies as soon
 * as the field is committed (Enter, leaving the field, or the spinner).
 *
 *   const controls = setupControls(element, { initial, handlers });
 */
import { DEFAULTS } from '../../../src/config.ts';
import { LANE_IDS, type LaneId } from '../../../src/lanes.ts';
import { escapeHtml, must, setText } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';

/** Limits of the page's own settings (the server checks the feed's against its options). */
export const MIN_POLL_INTERVAL_MS = 100;
export const MAX_POLL_INTERVAL_MS = 60_000;
export const DEFAULT_BURST = 100;

export interface ControlValues {
  rate: number;
  payloadBytes: number;
  pollIntervalMs: number;
  longpollWaitMs: number;
  burstCount: number;
  lanes: Record<LaneId, boolean>;
  running: boolean;
}

export interface ControlHandlers {
  onFeed(settings: { rate?: number; payloadBytes?: number }): Promise<void>;
  onPollInterval(ms: number): void;
  onLongpollWait(ms: number): void;
  onRun(running: boolean): Promise<void>;
  onReset(): Promise<void>;
  onBurst(count: number): Promise<void>;
  onLane(lane: LaneId, on: boolean): void;
}

export interface Controls {
  setRunning(running: boolean): void;
  /** Show the server's feed settings (another page may have changed them), unless the user is editing. */
  syncFeed(feed: { rate: number; payloadBytes: number; running: boolean }): void;
  say(text: string, kind?: 'info' | 'error'): void;
}

interface NumberField {
  name: 'rate' | 'payloadBytes' | 'pollIntervalMs' | 'longpollWaitMs' | 'burstCount';
  label: MessageKey;
  unit: string;
  min: number;
  max: number;
  step: string;
}

const FIELDS: NumberField[] = [
  { name: 'rate', label: 'controls.rate', unit: 'msg/s', min: 0, max: DEFAULTS.maxFeedRate, step: 'any' },
  { name: 'payloadBytes', label: 'controls.payload', unit: 'B', min: 0, max: DEFAULTS.maxFeedPayloadBytes, step: '1' },
  { name: 'pollIntervalMs', label: 'controls.pollEvery', unit: 'ms', min: MIN_POLL_INTERVAL_MS, max: MAX_POLL_INTERVAL_MS, step: '1' },
  { name: 'longpollWaitMs', label: 'controls.longpollWait', unit: 'ms', min: 0, max: DEFAULTS.maxLongpollWaitMs, step: '1' },
];

export function setupControls(element: HTMLElement, options: { initial: ControlValues; handlers: ControlHandlers }): Controls {
  const { initial, handlers } = options;
  element.classList.add('controls');
  const numberInput = (f: NumberField, value: number) =>
    `<label class="field"><span>${t(f.label)}</span><input type="number" name="${f.name}" value="${value}" min="${f.min}" max="${f.max}" step="${f.step}" inputmode="decimal" required><span class="unit">${f.unit}</span></label>`;
  element.innerHTML = `
    <div class="buttons">
      <button type="button" data-action="run" class="primary" title="${t('controls.runTitle')}"></button>
      <button type="button" data-action="reset" title="${t('controls.resetTitle')}">${t('controls.reset')}</button>
      <span class="burst">
        <button type="button" data-action="burst" title="${t('controls.burstTitle')}">${t('controls.burst')}</button>
        <input type="number" name="burstCount" aria-label="${t('controls.burstSize')}" value="${initial.burstCount}" min="1" max="${DEFAULTS.maxBatch}" step="1" required>
      </span>
    </div>
    <div class="fields">${FIELDS.map((f) => numberInput(f, initial[f.name])).join('')}</div>
    <fieldset class="lane-toggles"><legend>${t('controls.lanes')}</legend>
      ${LANE_IDS.map((lane) => `<label class="lane-toggle" style="--lane: var(--lane-${lane})"><input type="checkbox" name="lane" value="${lane}" ${initial.lanes[lane] ? 'checked' : ''}> ${escapeHtml(lane)}</label>`).join('')}
    </fieldset>
    <p class="message" data-field="message" role="status" aria-live="polite"></p>`;

  const message = must<HTMLElement>(element, '[data-field="message"]');
  const runButton = must<HTMLButtonElement>(element, '[data-action="run"]');
  const input = (name: string) => must<HTMLInputElement>(element, `input[name="${name}"]`);
  let running = initial.running;

  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    message.dataset.kind = kind;
    setText(message, text);
  };
  const attempt = (work: () => Promise<void> | void) => {
    Promise.resolve().then(work).catch((err: Error & { code?: string }) => say(`${err.code ? `${err.code}: ` : ''}${err.message}`, 'error'));
  };

  /** The committed value of a field, or undefined (and a message) when it is out of range. */
  const read = (name: string): number | undefined => {
    const el = input(name);
    const value = el.valueAsNumber;
    if (!el.checkValidity() || !Number.isFinite(value)) {
      el.setAttribute('aria-invalid', 'true');
      say(`${el.closest('label')?.querySelector('span')?.textContent ?? name} must be between ${el.min} and ${el.max}`, 'error');
      return undefined;
    }
    el.removeAttribute('aria-invalid');
    return value;
  };

  input('rate').addEventListener('change', () => {
    const rate = read('rate');
    if (rate !== undefined) attempt(() => handlers.onFeed({ rate }));
  });
  input('payloadBytes').addEventListener('change', () => {
    const payloadBytes = read('payloadBytes');
    if (payloadBytes !== undefined) attempt(() => handlers.onFeed({ payloadBytes }));
  });
  input('pollIntervalMs').addEventListener('change', () => {
    const ms = read('pollIntervalMs');
    if (ms !== undefined) attempt(() => handlers.onPollInterval(ms));
  });
  input('longpollWaitMs').addEventListener('change', () => {
    const ms = read('longpollWaitMs');
    if (ms !== undefined) attempt(() => handlers.onLongpollWait(ms));
  });
  input('burstCount').addEventListener('change', () => void read('burstCount'));

  runButton.addEventListener('click', () => {
    runButton.disabled = true; // until the run has really started or paused
    attempt(async () => {
      try {
        await handlers.onRun(!running);
      } finally {
        runButton.disabled = false;
      }
    });
  });
  must<HTMLButtonElement>(element, '[data-action="reset"]').addEventListener('click', () => attempt(handlers.onReset));
  must<HTMLButtonElement>(element, '[data-action="burst"]').addEventListener('click', () => {
    const count = read('burstCount');
    if (count !== undefined) attempt(() => handlers.onBurst(count));
  });
  for (const box of element.querySelectorAll<HTMLInputElement>('input[name="lane"]')) {
    box.addEventListener('change', () => attempt(() => handlers.onLane(box.value as LaneId, box.checked)));
  }

  const setRunning = (value: boolean) => {
    running = value;
    runButton.textContent = value ? t('controls.pause') : t('controls.start');
    runButton.setAttribute('aria-pressed', String(!value));
    element.dataset.running = String(value);
  };
  setRunning(running);

  return {
    setRunning,
    syncFeed(feed) {
      for (const [name, value] of [['rate', feed.rate], ['payloadBytes', feed.payloadBytes]] as const) {
        const el = input(name);
        if (document.activeElement !== el && el.valueAsNumber !== value) el.value = String(value);
      }
    },
    say,
  };
}
