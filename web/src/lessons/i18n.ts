/**
 * The words the lesson page and its widgets put on screen, in both lesson
 * languages. The page sets <html lang> to the lesson's language; every element
 * reads it when it builds itself.
 */
import type { LessonLang } from '../../../src/lessons/parts.ts';

const WORDS = {
  lessons: { en: 'Lessons', ko: '레슨' },
  dashboard: { en: 'Dashboard', ko: '대시보드' },
  contents: { en: 'Contents', ko: '목차' },
  allLessons: { en: 'All lessons', ko: '레슨 목록' },
  previous: { en: 'Previous', ko: '이전' },
  next: { en: 'Next', ko: '다음' },
  minutes: { en: 'min', ko: '분' },
  lessonN: { en: 'Lesson', ko: '레슨' },
  printAnswers: { en: 'Print with answers and teacher notes', ko: '정답·교사용 노트까지 인쇄' },
  teacherKit: { en: "Teacher's kit: student sheets, answer keys with measured ranges, 45-minute plans, glossary (A4)", ko: '교사용 키트: 학생 활동지, 측정 범위가 담긴 정답과 해설, 45분 수업 계획, 용어집(A4)' },
  loading: { en: 'Loading the lesson…', ko: '레슨을 불러오는 중…' },
  notFound: { en: 'There is no such lesson. Pick one from the list.', ko: '그런 레슨은 없습니다. 목록에서 골라 주세요.' },
  failed: { en: 'The lesson could not be loaded', ko: '레슨을 불러오지 못했습니다' },
  problems: { en: 'Problems in this lesson (for its author):', ko: '이 레슨의 문제 (작성자용):' },
  missingWidget: { en: 'This widget is not available in this build of the lab', ko: '이 버전의 랩에는 이 위젯이 없습니다' },
  progressParts: { en: 'parts read', ko: '읽은 부분' },
  progressCheck: { en: 'self-check', ko: '스스로 점검' },
  progressDone: { en: 'done', ko: '완료' },
  continueAt: { en: 'continue at', ko: '이어서 보기' },
  resetProgress: { en: 'Forget my progress', ko: '진행 기록 지우기' },
  noLessons: { en: 'No lessons yet.', ko: '아직 레슨이 없습니다.' },
  syllabusNote: {
    en: 'Each lesson: predict a number, run the experiment on the live lab, read the real bytes, check yourself.',
    ko: '각 레슨에서는 숫자를 먼저 예측하고, 살아 있는 랩에서 실험을 돌려 실제 바이트를 읽고, 스스로 점검합니다.',
  },
  // predict-measure
  yourGuess: { en: 'Your guess', ko: '내 예측' },
  lockAndRun: { en: 'Lock in and run', ko: '예측 확정하고 실행' },
  writeGuessFirst: { en: 'Write your guess first: predict, then measure.', ko: '먼저 예측을 적으세요. 예측하고, 그다음 측정합니다.' },
  notANumber: { en: 'Write a number (a unit is fine: 0.5 s, 300 B).', ko: '숫자를 적으세요 (단위를 붙여도 됩니다: 0.5 s, 300 B).' },
  wrongUnit: { en: 'That unit does not fit this measurement.', ko: '이 측정값에 맞지 않는 단위입니다.' },
  measuring: { en: 'Measuring on the lab…', ko: '랩에서 측정하는 중…' },
  guessed: { en: 'you guessed', ko: '예측' },
  measured: { en: 'measured', ko: '측정' },
  ratio: { en: 'guess ÷ measured', ko: '예측 ÷ 측정' },
  verdictExact: { en: 'Exactly right.', ko: '정확히 맞았습니다.' },
  verdictClose: { en: 'Close: within 25 %.', ko: '근접: 25 % 이내.' },
  verdictBallpark: { en: 'The right ballpark: within a factor of 2.', ko: '같은 자릿수: 2배 이내.' },
  verdictOff: { en: 'Off by more than a factor of 2: read on, then try again.', ko: '2배 넘게 빗나갔습니다. 설명을 읽고 다시 해 보세요.' },
  measureFailed: { en: 'The measurement failed', ko: '측정에 실패했습니다' },
  runAgain: { en: 'Run again', ko: '다시 실행' },
  // self-check
  check: { en: 'Check', ko: '확인' },
  correct: { en: 'Correct.', ko: '정답입니다.' },
  incorrect: { en: 'Not quite.', ko: '아쉽지만 틀렸습니다.' },
  pickOne: { en: 'Pick an answer first.', ko: '먼저 답을 고르세요.' },
  typeAnswer: { en: 'Your answer', ko: '내 답' },
  theAnswer: { en: 'The answer', ko: '정답' },
  score: { en: 'correct', ko: '정답' },
} satisfies Record<string, Record<LessonLang, string>>;

export type WordKey = keyof typeof WORDS;

export function pageLang(): LessonLang {
  return document.documentElement.lang === 'ko' ? 'ko' : 'en';
}

export function t(key: WordKey, lang: LessonLang = pageLang()): string {
  return WORDS[key][lang];
}

/** A number as the page writes it: grouped digits, at most `decimals` decimals. */
export function formatNumber(value: number, decimals = 1): string {
  return new Intl.NumberFormat(pageLang() === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: decimals }).format(value);
}
