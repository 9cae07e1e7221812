/**
 * What every measuring lesson widget shares, so that each widget file is about
 * its own experiment: the frame (the `lesson-widget` class, the lane colour, a
 * run button and a status line), one run at a time, the states a browser test
 * reads (`data-state`: idle → running → done | error), and publishing the
 * measurement (`data-measured` and `lab-measured`, web/src/lessons/measurable.ts).
 *
 * A widget extends MeasuredWidget, writes its markup in `build()` through
 * `frame()`, and does its experiment in `experiment()`, cleaning up after
 * itself in its own `finally`; the measurement is published once that is done.
 */
import type { LessonLang } from '../../../../src/lessons/parts.ts';
import { LabCallError } from '../../inspectors/ui.ts';
import { publishMeasurement, runExclusive, type Measurable, type Measurement } from '../measurable.ts';
import { pageLang } from '../i18n.ts';
import { labErrorText, problemText } from '../../i18n/problems.ts';
import { LabApiError } from '../../api.ts';

export type Words = Record<string, string>;

export abstract class MeasuredWidget extends HTMLElement implements Measurable {
  measurement: Measurement | undefined;
  /** The widget's words in the page's language, set before `build()`. */
  protected words: Words = {};
  protected button!: HTMLButtonElement;
  /** The status line, if the widget has one (`[data-field="status"]`): see showStatus(). */
  private status: HTMLElement | null = null;
  private inflight: Promise<Measurement> | undefined;
  private built = false;

  /** The widget's words in every language a lesson is written in. */
  protected abstract readonly dictionary: Record<LessonLang, Words>;
  /** Write the markup (through `frame()`) and find the widget's own parts in it. */
  protected abstract build(): void;
  /** The experiment on the live lab: resolves with the measures (src/lessons/elements.ts). */
  protected abstract experiment(): Promise<Measurement>;

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    this.words = this.dictionary[pageLang()];
    this.build();
    this.button.addEventListener('click', () => void this.run().catch(() => undefined));
    this.dataset.state = 'idle';
  }

  run(): Promise<Measurement> {
    this.inflight ??= this.schedule(() => this.runAndPublish()).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * When the run may start: after any other widget's run on the page, since
   * most take over the feed or a lane (runExclusive). A widget that touches
   * neither runs at once; one that sets the feed's rate wraps this in withFeed.
   */
  protected schedule(task: () => Promise<Measurement>): Promise<Measurement> {
    return runExclusive(task);
  }

  /** Write what the run is doing on the status line. */
  protected showStatus(text: string): void {
    if (this.status) this.status.textContent = text;
  }

  protected doneText(): string {
    return this.words.done!;
  }

  /** What went wrong; an error the lab answered with leads with its stable code (LAB_ERR_…). */
  protected failureText(err: Error): string {
    const text = err instanceof LabCallError ? err.toString()
      : err instanceof LabApiError ? labErrorText(err.code, err.message)
      : problemText(err.message);
    return `${this.words.failed}: ${text}`;
  }

  /** The widget's classes, lane colour and markup; the run button (the first `button[data-action]`) and the status line are found in it. */
  protected frame(name: string, lane: string | undefined, html: string): void {
    this.classList.add('lesson-widget', name);
    if (lane) this.style.setProperty('--lane', lane);
    this.innerHTML = html;
    this.button = this.querySelector('button[data-action]')!;
    this.status = this.querySelector('[data-field="status"]');
  }

  private async runAndPublish(): Promise<Measurement> {
    this.button.disabled = true;
    this.dataset.state = 'running';
    try {
      const measurement = await this.experiment();
      this.measurement = measurement;
      this.dataset.state = 'done';
      this.showStatus(this.doneText());
      publishMeasurement(this, measurement);
      return measurement;
    } catch (err) {
      this.dataset.state = 'error';
      this.showStatus(this.failureText(err as Error));
      throw err;
    } finally {
      this.button.disabled = false;
    }
  }
}

/** The run button and the status line (`between`: markup that stands between them, a progress bar). */
export function controls(action = 'run', between = ''): string {
  return `<p class="widget-controls"><button type="button" class="primary" data-action="${action}"></button> ${between ? `${between} ` : ''}<span data-field="status" role="status"></span></p>`;
}

/** Measures as a definition list: per row a `div[data-figure][data-value]` holding the label (`dt`) and the shown value (`dd`). */
export function showFigures(list: HTMLElement, m: Measurement, rows: readonly (readonly [name: string, label: string, shown: string])[]): void {
  list.replaceChildren(...rows.map(([name, label, shown]) => {
    const div = document.createElement('div');
    div.dataset.figure = name;
    if (m[name] !== undefined) div.dataset.value = String(m[name]);
    div.append(Object.assign(document.createElement('dt'), { textContent: label }), Object.assign(document.createElement('dd'), { textContent: shown }));
    return div;
  }));
}
