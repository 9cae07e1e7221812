/**
 * Waiting, inside an experiment, for something a socket or a transport will
 * report: `until()` resolves once its test holds, looking again each time the
 * event handlers call `wake()`, and fails with "<timeout words> <what>" when a
 * step takes longer than `timeoutMs`.
 */
export class Waiter {
  private waiting: (() => void) | undefined;

  constructor(private readonly timeoutMs: number, private readonly timeoutWords: string) {}

  /** Something changed: the step being awaited looks at its test again. */
  readonly wake = (): void => {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  };

  /** Resolves once `test()` holds; a test that throws ends the wait with its error. */
  async until(what: string, test: () => boolean): Promise<void> {
    const deadline = performance.now() + this.timeoutMs;
    while (!test()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.timeoutWords} ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
