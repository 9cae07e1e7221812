/**
 * What a student has done, remembered in this browser (localStorage), per
 * lesson number, so it is shared by both languages: the parts they have read,
 * where they were, their predictions and what the lab measured, their
 * self-check answers. Nothing leaves the browser.
 *
 * Pure apart from the Storage it is given, so it is unit-tested in Node.
 */
import type { PartId } from '../../../src/lessons/parts.ts';

export const PROGRESS_KEY = 'transport-lab.lessons.v1';

export interface Guess {
  text: string;
  value: number;
  measured?: number;
}

export interface LessonProgress {
  visitedAt?: number;
  /** The last section read: its part and which heading of that part (0 = the part heading). */
  place?: { part: PartId; ordinal: number };
  seen: PartId[];
  /** Predict-measure blocks by id (pm-1, pm-2, …). */
  guesses: Record<string, Guess>;
  /** Self-check questions by number. */
  answers: Record<string, { value: string; correct: boolean }>;
  /** How many questions the lesson's self-check has (known once the lesson was opened). */
  questions?: number;
}

type Store = Record<string, LessonProgress>;

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const empty = (): LessonProgress => ({ seen: [], guesses: {}, answers: {} });

export class Progress {
  constructor(private readonly storage: StorageLike | undefined) {}

  all(): Store {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(PROGRESS_KEY) ?? '{}');
      return parsed && typeof parsed === 'object' ? parsed as Store : {};
    } catch {
      return {}; // unreadable (or storage blocked): start again rather than fail the page
    }
  }

  get(lesson: number): LessonProgress {
    return { ...empty(), ...this.all()[String(lesson)] };
  }

  update(lesson: number, change: (p: LessonProgress) => void): LessonProgress {
    const store = this.all();
    const current = { ...empty(), ...store[String(lesson)] };
    change(current);
    store[String(lesson)] = current;
    try {
      this.storage?.setItem(PROGRESS_KEY, JSON.stringify(store));
    } catch {
      // storage full or blocked: the page works, it just will not remember
    }
    return current;
  }

  clear(): void {
    try {
      this.storage?.removeItem(PROGRESS_KEY);
    } catch {
      // nothing to do
    }
  }
}

/** A lesson is done when every self-check question has been answered correctly. */
export function isDone(p: LessonProgress): boolean {
  const n = p.questions ?? 0;
  return n > 0 && Array.from({ length: n }, (_, i) => p.answers[String(i + 1)]?.correct === true).every(Boolean);
}

export function correctCount(p: LessonProgress): number {
  return Object.values(p.answers).filter((a) => a.correct).length;
}

function browserStorage(): StorageLike | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

let shared: Progress | undefined;
export function progress(): Progress {
  return (shared ??= new Progress(browserStorage()));
}

/** The lesson the page shows (set by the page on <html data-lesson>), for the elements that save progress. */
export function currentLesson(): number | undefined {
  const n = Number(document.documentElement.dataset.lesson);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
