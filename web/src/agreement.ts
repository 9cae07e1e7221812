/**
 * Does the browser's count agree with the server's? Compared each time a
 * server snapshot arrives. A message or request can be in flight at that
 * instant, so a difference is "settling" at first and becomes a disagreement
 * only when it lasts; either way the page shows the difference.
 */

/** How long a difference may last before it is called a disagreement. */
export const DISAGREE_AFTER_MS = 1_000;

export type AgreementStatus = 'agree' | 'settling' | 'disagree';

export interface AgreementView {
  browser: number;
  server: number;
  /** browser − server */
  delta: number;
  status: AgreementStatus;
}

export class Agreement {
  private differentSince: number | undefined;
  view: AgreementView | undefined;

  observe(browser: number, server: number, at: number): AgreementView {
    const delta = browser - server;
    if (delta === 0) this.differentSince = undefined;
    else this.differentSince ??= at;
    const status: AgreementStatus = delta === 0 ? 'agree'
      : at - this.differentSince! >= DISAGREE_AFTER_MS ? 'disagree' : 'settling';
    return (this.view = { browser, server, delta, status });
  }

  reset(): void {
    this.differentSince = undefined;
    this.view = undefined;
  }
}
