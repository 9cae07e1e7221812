/**
 * <predict-measure for="poll-run" value="latencyMeanMs" unit="ms">…question…</predict-measure>
 * <predict-measure stats="lanes.sse.held" unit="count">…question…</predict-measure>
 *
 * Rendered by the server from a ```predict-measure block (src/lessons/blocks.ts).
 * The student writes a guess (a unit is fine: "0.5 s" in a block measured in
 * ms reads as 500), presses the button, and only then does the experiment run:
 * the widget named by `for` runs and its `value` is read, or one number is read
 * from GET /api/stats. The page shows guess and measurement side by side with
 * their ratio, then the block's explanation. Guesses are kept (progress.ts).
 *
 * Tests read data-state (idle | running | measured | error), data-guess,
 * data-measured-value and data-ratio.
 */
import { compareGuess, parseGuess, unitLabel, type Comparison } from '../../../src/lessons/units.ts';
import { stats } from '../api.ts';
import { isMeasurable, MEASURED_EVENT, type Measurement } from './measurable.ts';
import { currentLesson, progress } from './progress.ts';
import { formatNumber, t } from './i18n.ts';

export class PredictMeasureElement extends HTMLElement {
  private built = false;
  private input!: HTMLInputElement;
  private button!: HTMLButtonElement;
  private status!: HTMLElement;
  private result!: HTMLElement;
  private guess: { text: string; value: number } | undefined;

  get unit(): string {
    return this.getAttribute('unit') ?? 'count';
  }

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    const question = this.querySelector('.pm-question');
    const explanation = this.querySelector('.pm-explanation');
    const form = document.createElement('form');
    form.className = 'pm-form';
    form.innerHTML = `
      <label><span class="pm-label"></span> <input name="guess" inputmode="decimal" autocomplete="off" size="10"> <span class="pm-unit"></span></label>
      <button type="submit" class="primary"></button>
      <span class="pm-status" role="status"></span>`;
    form.querySelector('.pm-label')!.textContent = t('yourGuess');
    form.querySelector('.pm-unit')!.textContent = unitLabel(this.unit);
    this.input = form.querySelector('input')!;
    this.input.setAttribute('aria-describedby', `${this.id}-q`);
    this.button = form.querySelector('button')!;
    this.button.textContent = t('lockAndRun');
    this.status = form.querySelector('.pm-status')!;
    this.result = document.createElement('div');
    this.result.className = 'pm-result';
    this.result.hidden = true;
    if (question) question.id = `${this.id}-q`;
    question?.after(form, this.result);
    if (!question) this.prepend(form, this.result);
    explanation?.classList.add('pm-explanation');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.lockAndRun();
    });
    this.dataset.state = 'idle';

    const target = this.target();
    target?.addEventListener(MEASURED_EVENT, (event) => this.onMeasured((event as CustomEvent<Measurement>).detail));
    this.restore();
  }

  private target(): HTMLElement | null {
    const id = this.getAttribute('for');
    return id ? document.getElementById(id) : null;
  }

  private restore(): void {
    const lesson = currentLesson();
    const saved = lesson === undefined ? undefined : progress().get(lesson).guesses[this.id];
    if (!saved) return;
    this.input.value = saved.text;
    this.guess = { text: saved.text, value: saved.value };
    this.dataset.guess = String(saved.value);
    if (saved.measured !== undefined) this.show(saved.measured);
  }

  private readGuess(): boolean {
    const parsed = parseGuess(this.input.value, this.unit);
    if (!parsed.ok) {
      this.status.textContent = parsed.reason === 'empty' ? t('writeGuessFirst') : parsed.reason === 'wrong-unit' ? t('wrongUnit') : t('notANumber');
      this.input.setAttribute('aria-invalid', 'true');
      this.input.focus();
      return false;
    }
    this.input.removeAttribute('aria-invalid');
    this.guess = { text: this.input.value.trim(), value: parsed.value };
    this.dataset.guess = String(parsed.value);
    this.save();
    return true;
  }

  private async lockAndRun(): Promise<void> {
    if (!this.readGuess()) return;
    this.dataset.state = 'running';
    this.button.disabled = true;
    this.status.textContent = t('measuring');
    try {
      const statsPath = this.getAttribute('stats');
      if (statsPath) {
        this.show(readPath(await stats(), statsPath));
      } else {
        const target = this.target();
        if (target) await customElements.whenDefined(target.localName);
        if (!isMeasurable(target)) throw new Error(`no widget with id="${this.getAttribute('for')}" on this page`);
        const measurement = await target.run();
        this.onMeasured(measurement);
      }
      this.status.textContent = '';
    } catch (err) {
      this.dataset.state = 'error';
      this.status.textContent = `${t('measureFailed')}: ${(err as Error).message}`;
    } finally {
      this.button.disabled = false;
      this.button.textContent = t('runAgain');
    }
  }

  private onMeasured(measurement: Measurement): void {
    const name = this.getAttribute('value') ?? '';
    const value = measurement[name];
    if (value === undefined) return;
    // Predict first: a run started elsewhere (the widget's own button, another block)
    // is not revealed here until the student has written a guess.
    if (this.guess === undefined && (this.input.value.trim() === '' || !this.readGuess())) {
      this.status.textContent = t('writeGuessFirst');
      return;
    }
    this.show(value);
  }

  private show(measured: number): void {
    this.dataset.measuredValue = String(measured);
    this.dataset.state = 'measured';
    this.classList.add('measured');
    const unit = unitLabel(this.unit);
    const fmt = (v: number) => `${formatNumber(v, Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0)}${unit ? ` ${unit}` : ''}`;
    const rows: [string, string, string][] = [];
    let comparison: Comparison | undefined;
    if (this.guess) {
      comparison = compareGuess(this.guess.value, measured);
      rows.push(['guess', t('guessed'), fmt(this.guess.value)]);
    }
    rows.push(['measured', t('measured'), fmt(measured)]);
    if (comparison?.ratio !== undefined) {
      rows.push(['ratio', t('ratio'), `${formatNumber(comparison.ratio, 2)}×`]);
      this.dataset.ratio = String(comparison.ratio);
    }
    const dl = document.createElement('dl');
    for (const [name, label, value] of rows) {
      const div = document.createElement('div');
      div.dataset.figure = name;
      div.append(Object.assign(document.createElement('dt'), { textContent: label }), Object.assign(document.createElement('dd'), { textContent: value }));
      dl.append(div);
    }
    const bars = document.createElement('div');
    bars.className = 'pm-bars';
    bars.setAttribute('aria-hidden', 'true');
    const top = Math.max(measured, this.guess?.value ?? 0) || 1;
    for (const [kind, v] of [['guess', this.guess?.value], ['measured', measured]] as const) {
      if (v === undefined) continue;
      const bar = document.createElement('span');
      bar.className = `pm-bar pm-bar-${kind}`;
      bar.style.setProperty('--share', String(Math.max(0, Math.min(1, v / top))));
      bars.append(bar);
    }
    const verdict = document.createElement('p');
    verdict.className = 'pm-verdict';
    if (comparison) {
      this.dataset.verdict = comparison.verdict;
      verdict.textContent = t(comparison.verdict === 'exact' ? 'verdictExact' : comparison.verdict === 'close' ? 'verdictClose'
        : comparison.verdict === 'ballpark' ? 'verdictBallpark' : 'verdictOff');
    }
    this.result.replaceChildren(dl, bars, verdict);
    this.result.hidden = false;
    this.save(measured);
  }

  private save(measured?: number): void {
    const lesson = currentLesson();
    const guess = this.guess;
    if (lesson === undefined || !guess) return;
    progress().update(lesson, (p) => {
      p.guesses[this.id] = { text: guess.text, value: guess.value, ...(measured !== undefined && { measured }) };
    });
  }
}

/** `lanes.sse.held` → snapshot.lanes.sse.held, a number or an error. */
export function readPath(snapshot: unknown, path: string): number {
  let at: unknown = snapshot;
  for (const key of path.split('.')) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  if (typeof at !== 'number') throw new Error(`/api/stats has no number at ${path}`);
  return at;
}

if (!customElements.get('predict-measure')) customElements.define('predict-measure', PredictMeasureElement);
