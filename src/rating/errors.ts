/**
 * A refused rating action (a transition out of order, a veto, the five-star cap, a weak branch
 * above its cap …): a bilingual message and a code an API maps to an HTTP status.
 */
export type RatingErrorCode = 'not_found' | 'conflict' | 'invalid';

export class RatingError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly code: RatingErrorCode = 'conflict',
  ) {
    super(`${zh} / ${en}`);
    this.name = 'RatingError';
  }
}
