/**
 * What every lesson must contain (the issue's list), checked on the outline the
 * renderer produces. The structure test runs this over every lesson file, so a
 * lesson added later is held to the same rules; the page shows the same
 * findings as problems.
 *
 *   learn       a list: what you will learn
 *   idea        the idea in prose, with at least one ```diagram
 *   experiment  at least one widget and one ```predict-measure that reads it
 *   code        at least one ```source include from the project's files
 *   check       one ```self-check (every question explained)
 *   teacher     notes for a 10-minute class demo
 */
import { PART_IDS, PART_TITLES, type LessonLang, type PartId } from './parts.ts';
import type { PartOutline, RenderedLesson } from './render.ts';

export function checkStructure(lesson: Pick<RenderedLesson, 'outline' | 'meta'>, lang: LessonLang): string[] {
  const issues: string[] = [];
  const parts = lesson.outline;
  for (const p of parts) {
    if (p.part === null) {
      issues.push(`line ${p.line}: "${p.title}" is not one of the part headings (${PART_IDS.map((id) => `## ${PART_TITLES[id][lang]}`).join(' · ')}); use ### for sub-sections`);
    }
  }
  const found = parts.map((p) => p.part).filter((p): p is PartId => p !== null);
  for (const id of PART_IDS) {
    const count = found.filter((p) => p === id).length;
    if (count === 0) issues.push(`missing part "## ${PART_TITLES[id][lang]}"`);
    if (count > 1) issues.push(`part "## ${PART_TITLES[id][lang]}" appears ${count} times`);
  }
  if (found.join() !== PART_IDS.filter((id) => found.includes(id)).join()) {
    issues.push(`parts out of order: ${found.join(', ')} (expected ${PART_IDS.join(', ')})`);
  }

  const part = (id: PartId): PartOutline | undefined => parts.find((p) => p.part === id);
  const learn = part('learn');
  if (learn && learn.prose === 0) issues.push('"learn" says nothing: list what the student will learn');
  const idea = part('idea');
  if (idea && idea.diagrams === 0) issues.push('"idea" has no ```diagram');
  if (idea && idea.prose === 0) issues.push('"idea" has no prose');
  const experiment = part('experiment');
  if (experiment && experiment.widgets.length === 0) issues.push('"experiment" embeds no widget');
  if (experiment && experiment.predictMeasures.length === 0) issues.push('"experiment" has no ```predict-measure block');
  const code = part('code');
  if (code && code.includes.length === 0) issues.push('"code" shows no ```source include');
  const check = part('check');
  if (check && check.selfChecks.length !== 1) issues.push(`"check" needs exactly one \`\`\`self-check block (has ${check.selfChecks.length})`);
  const teacher = part('teacher');
  if (teacher && teacher.prose === 0) issues.push('"teacher" has no notes');
  return issues;
}

/**
 * What must be the same in every language: widgets with their attributes,
 * what each predict-measure reads, the code shown, the self-check's answer key.
 * Words differ; the experiment and the answers do not.
 */
export function skeleton(lesson: Pick<RenderedLesson, 'outline' | 'meta'>) {
  return {
    lesson: lesson.meta?.lesson,
    parts: lesson.outline.map((p) => ({
      part: p.part,
      diagrams: p.diagrams > 0,
      widgets: p.widgets.map((w) => ({ tag: w.tag, ...w.attributes })),
      predictMeasures: p.predictMeasures.map(({ for: target, value, stats, unit }) => ({ for: target, value, stats, unit })),
      includes: p.includes,
      errata: p.errata.length,
      answerKey: p.selfChecks.flatMap((s) => s.questions.map((q) => (q.kind === 'choice'
        ? { options: q.options.length, answer: q.options.findIndex((o) => o.correct) + 1 }
        : { compute: q.fn, args: q.args }))),
    })),
  };
}
