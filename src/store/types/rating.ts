/** Row types of the star-rating family (defined beside the pure rating code that computes with them). */
export type { Channel, RatingBranch, RatingFact, StarChangeFact } from '../../rating/types.js';
export type { WeakDesignation, WeakItem } from '../../rating/weak.js';

/** A demonstration site (示范点). */
export interface DemoSiteRow {
  org: string;
  year: number;
  level: 'city' | 'prefecture';
  note: string | null;
}
