/**
 * <self-check> … </self-check>
 *
 * Rendered by the server from a ```self-check block (src/lessons/blocks.ts):
 * an ordered list of questions, each `li.sc-question` with either
 *  - data-kind="choice" data-answer="2" and its options (`li[data-option]`), or
 *  - data-kind="computed" data-compute="websocketAccept" data-args='["…"]':
 *    the student types the answer and the page computes the key with the same
 *    function the tests check against the lab (src/lessons/answers.ts).
 * Each question is checked on its own; its explanation shows once it is.
 * Answers are kept (progress.ts). Tests read data-correct on each question and
 * data-score on the element.
 */
import { answerMatches, computeAnswer, formatAnswer } from '../../../src/lessons/answers.ts';
import { currentLesson, progress } from './progress.ts';
import { t } from './i18n.ts';

export class SelfCheckElement extends HTMLElement {
  private built = false;

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    const questions = [...this.querySelectorAll<HTMLElement>('li.sc-question')];
    const lesson = currentLesson();
    if (lesson !== undefined) progress().update(lesson, (p) => { p.questions = questions.length; });
    const saved = lesson === undefined ? {} : progress().get(lesson).answers;
    for (const q of questions) this.buildQuestion(q, saved[q.dataset.q ?? '']?.value);
    this.score();
  }

  private buildQuestion(q: HTMLElement, savedValue: string | undefined): void {
    const n = q.dataset.q ?? '';
    const name = `${this.closest('[id]')?.id ?? 'check'}-q${n}`;
    const form = document.createElement('form');
    form.className = 'sc-form';
    const status = Object.assign(document.createElement('p'), { className: 'sc-status' });
    status.setAttribute('role', 'status');
    const button = Object.assign(document.createElement('button'), { type: 'submit', textContent: t('check') });

    if (q.dataset.kind === 'choice') {
      const options = q.querySelector('.sc-options');
      for (const li of q.querySelectorAll<HTMLElement>('li[data-option]')) {
        const label = document.createElement('label');
        const input = Object.assign(document.createElement('input'), { type: 'radio', name, value: li.dataset.option ?? '' });
        // One text span, so inline code in an option wraps with the words instead of being its own flex item.
        const text = document.createElement('span');
        text.append(...li.childNodes);
        label.append(input, text);
        li.append(label);
        if (savedValue === input.value) input.checked = true;
      }
      if (options) form.append(options);
    } else {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), { type: 'text', name, autocomplete: 'off', spellcheck: false, size: 32 });
      input.value = savedValue ?? '';
      label.append(Object.assign(document.createElement('span'), { textContent: `${t('typeAnswer')} ` }), input);
      form.append(label);
      // The computed answer, filled in when the question is checked.
      q.querySelector('.sc-explanation')?.prepend(Object.assign(document.createElement('p'), { className: 'sc-answer' }));
    }
    form.append(button, status);
    q.querySelector('.sc-text')?.after(form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.check(q, form, status, true);
    });
    if (savedValue !== undefined) void this.check(q, form, status, false);
  }

  private async check(q: HTMLElement, form: HTMLFormElement, status: HTMLElement, save: boolean): Promise<void> {
    const n = q.dataset.q ?? '';
    let value: string;
    let correct: boolean;
    if (q.dataset.kind === 'choice') {
      const picked = form.querySelector<HTMLInputElement>('input[type="radio"]:checked');
      if (!picked) {
        status.textContent = t('pickOne');
        return;
      }
      value = picked.value;
      correct = value === q.dataset.answer;
      for (const li of q.querySelectorAll<HTMLElement>('li[data-option]')) {
        li.dataset.key = li.dataset.option === q.dataset.answer ? 'right' : li.dataset.option === value ? 'wrong' : '';
      }
    } else {
      const input = form.querySelector<HTMLInputElement>('input[type="text"]')!;
      value = input.value.trim();
      if (value === '') {
        status.textContent = t('typeAnswer');
        return;
      }
      const expected = await computeAnswer(q.dataset.compute ?? '', JSON.parse(q.dataset.args ?? '[]') as string[]);
      correct = answerMatches(value, expected);
      const answer = q.querySelector('.sc-answer');
      if (answer) answer.textContent = `${t('theAnswer')}: ${formatAnswer(expected)}`;
    }
    q.dataset.correct = String(correct);
    q.classList.add('checked');
    status.textContent = correct ? t('correct') : t('incorrect');
    if (save) {
      const lesson = currentLesson();
      if (lesson !== undefined) progress().update(lesson, (p) => { p.answers[n] = { value, correct }; });
    }
    this.score();
  }

  private score(): void {
    const questions = [...this.querySelectorAll<HTMLElement>('li.sc-question')];
    const right = questions.filter((q) => q.dataset.correct === 'true').length;
    this.dataset.score = `${right}/${questions.length}`;
  }
}

if (!customElements.get('self-check')) customElements.define('self-check', SelfCheckElement);
