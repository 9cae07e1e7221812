import { describe, expect, it } from 'vitest';
import { Agreement, DISAGREE_AFTER_MS } from '../web/src/agreement.ts';

describe('Agreement: the page\'s count beside the server\'s', () => {
  it('agrees when the counts are equal', () => {
    expect(new Agreement().observe(5, 5, 0)).toEqual({ browser: 5, server: 5, delta: 0, status: 'agree' });
  });

  it('calls a fresh difference "settling" (a message in flight), a lasting one a disagreement', () => {
    const a = new Agreement();
    expect(a.observe(4, 5, 1_000).status).toBe('settling');
    expect(a.observe(4, 6, 1_000 + DISAGREE_AFTER_MS - 1).status).toBe('settling');
    expect(a.observe(4, 7, 1_000 + DISAGREE_AFTER_MS)).toMatchObject({ delta: -3, status: 'disagree' });
  });

  it('starts the clock again once the counts meet', () => {
    const a = new Agreement();
    a.observe(1, 2, 0);
    a.observe(2, 2, 500);
    expect(a.observe(2, 3, 1_200).status).toBe('settling');
  });

  it('forgets its history on reset', () => {
    const a = new Agreement();
    a.observe(1, 2, 0);
    a.reset();
    expect(a.view).toBeUndefined();
    expect(a.observe(1, 2, 5_000).status).toBe('settling');
  });
});
